// config.hpp: finding and reading config.yaml, and the errors of each step.
#include <synapse/plugin/config.hpp>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <string_view>

#include "helpers.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using plugin_config_test::check_invalid;
using plugin_config_test::check_invalid_yaml;
using plugin_config_test::load;
using plugin_config_test::minimal;
using plugin_config_test::temp_dir;
using synapse::errc;
using synapse::json;

TEST_CASE("a plugin directory and its config.yaml path load the same config", "[config]") {
    temp_dir dir;
    const fs::path file = dir.write("config.yaml", minimal);
    const auto from_dir = synapse::load_plugin_config(dir.path());
    const auto from_file = synapse::load_plugin_config(file);
    REQUIRE(from_dir.has_value());
    REQUIRE(from_file.has_value());
    CHECK(from_dir->code == "minimal");
    CHECK(from_file->code == "minimal");
    CHECK(from_dir->file == file);
    CHECK(from_file->file == file);
    CHECK(from_file->directory == dir.path());
}

TEST_CASE("a config file with another name is loaded when given as a file", "[config]") {
    temp_dir dir;
    const fs::path file = dir.write("sub/plugin.yaml", "name: Other\ncode: other\n");
    const auto result = synapse::load_plugin_config(file);
    REQUIRE(result.has_value());
    CHECK(result->code == "other");
    CHECK(result->directory == dir.path() / "sub");
}

TEST_CASE("parse_plugin_config reads text and takes file and directory from the path", "[config]") {
    const auto result =
        synapse::parse_plugin_config("name: Text\ncode: text\n", "/plugins/text/config.yaml");
    REQUIRE(result.has_value());
    CHECK(result->name == "Text");
    CHECK(result->file == fs::path("/plugins/text/config.yaml"));
    CHECK(result->directory == fs::path("/plugins/text"));

    const auto bare = synapse::parse_plugin_config("name: Text\ncode: [text]\n", "config.yaml");
    REQUIRE_FALSE(bare.has_value());
    CHECK(bare.error().where == "config.yaml:2");
}

TEST_CASE("a directory without config.yaml is config_not_found naming the path", "[config]") {
    temp_dir dir;
    const auto result = synapse::load_plugin_config(dir.path());
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::config_not_found);
    CHECK(result.error().message ==
          "config file not found: " + (dir.path() / "config.yaml").string());
}

TEST_CASE("a missing config file path is config_not_found naming the path", "[config]") {
    temp_dir dir;
    const fs::path missing = dir.path() / "nope" / "config.yaml";
    const auto result = synapse::load_plugin_config(missing);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::config_not_found);
    CHECK(result.error().message == "config file not found: " + missing.string());
}

TEST_CASE("a config.yaml that cannot be read as a file is an io_error", "[config]") {
    temp_dir dir;
    fs::create_directories(dir.path() / "config.yaml" / "inner");  // a directory, not a file
    const auto result = synapse::load_plugin_config(dir.path());
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::io_error);
    CHECK_THAT(result.error().message, Contains((dir.path() / "config.yaml").string()));
}

TEST_CASE("a YAML syntax error reports yaml-cpp's line, column and message", "[config]") {
    temp_dir dir;
    const auto result = load(dir, "name: Broken\ncode: broken\ntasks: [a, b\n");
    check_invalid(result, dir.path() / "config.yaml", "YAML syntax error", 4);
    CHECK_THAT(result.error().message, Contains("column 1"));
    CHECK_THAT(result.error().message, Contains("end of sequence flow not found"));

    temp_dir dir2;
    const auto indented = load(dir2, "name: x\ncode: y\nenv:\n  A: 1\n   B: 2\n");
    check_invalid(indented, dir2.path() / "config.yaml", "YAML syntax error", 5);
}

TEST_CASE("an empty config file is a clear error instead of a crash", "[config]") {
    check_invalid_yaml("", "empty", 1);
    check_invalid_yaml("# only a comment\n\n", "empty", 1);
}

TEST_CASE("a top level that is not a mapping is rejected", "[config]") {
    check_invalid_yaml("- name: x\n- code: y\n", "mapping", 1);
    check_invalid_yaml("\n\njust text\n", "mapping", 3);
}

TEST_CASE("a config.yaml path that cannot be resolved (a symlink loop) is an io_error",
          "[config]") {
    temp_dir dir;
    fs::create_symlink(dir.path() / "loop_b", dir.path() / "loop_a");
    fs::create_symlink(dir.path() / "loop_a", dir.path() / "loop_b");
    const auto result = synapse::load_plugin_config(dir.path() / "loop_a");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::io_error);
    CHECK(result.error().where == (dir.path() / "loop_a").string());
    CHECK_THAT(result.error().message, Contains("cannot read config file"));
}

TEST_CASE("a config.yaml path below a regular file is config_not_found", "[config]") {
    temp_dir dir;
    const fs::path file = dir.write("plain.txt", "not a directory");
    const auto result = synapse::load_plugin_config(file / "config.yaml");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::config_not_found);
}
