// Tests for synapse/plugin/environment_file.hpp: TOML environment files read into JSON.
#include "synapse/plugin/environment_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using synapse::errc;
using synapse::json;

namespace {

/// A fresh directory under the system temp directory, removed with everything in it.
class temp_dir {
  public:
    temp_dir() {
        std::random_device random;
        const fs::path base = fs::absolute(fs::temp_directory_path()).lexically_normal();
        do {
            path_ = base / ("synapse-env-test-" + std::to_string(random()) + "-" +
                            std::to_string(random()));
        } while (!fs::create_directory(path_));
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const fs::path& path() const { return path_; }

    fs::path write(const fs::path& name, std::string_view text) const {
        const fs::path file = path_ / name;
        std::ofstream out(file, std::ios::binary);
        out << text;
        REQUIRE(out.good());
        return file;
    }

  private:
    fs::path path_;
};

}  // namespace

TEST_CASE("a TOML file becomes a JSON object with nested tables and typed values",
          "[environment]") {
    temp_dir dir;
    const fs::path file = dir.write("env.toml", R"toml(# plugin environment
backend_url = "https://api.example.com"
workers = 4
ratio = 0.25
debug = true
tags = ["a", "b"]
matrix = [[1, 2], [3.5]]
points = [{ x = 1 }, { x = 2 }]

[storage]
bucket = "models"

[storage.retry]
count = 3
enabled = false
)toml");
    const auto result = synapse::load_toml_environment(file);
    REQUIRE(result.has_value());
    const json& env = *result;
    CHECK(env.is_object());
    CHECK(env.at("backend_url") == "https://api.example.com");
    CHECK(env.at("workers").is_number_integer());
    CHECK(env.at("workers") == 4);
    CHECK(env.at("ratio").is_number_float());
    CHECK(env.at("ratio") == 0.25);
    CHECK(env.at("debug") == true);
    CHECK(env.at("tags") == json{"a", "b"});
    CHECK(env.at("matrix") == json::parse("[[1, 2], [3.5]]"));
    CHECK(env.at("points") == json::parse(R"([{"x": 1}, {"x": 2}])"));
    CHECK(env.at("storage") ==
          json::parse(R"({"bucket": "models", "retry": {"count": 3, "enabled": false}})"));
}

TEST_CASE("TOML dates, times and date-times become ISO 8601 strings", "[environment]") {
    temp_dir dir;
    const fs::path file = dir.write("dates.toml", R"toml(day = 1979-05-27
clock = 07:32:00
local = 1979-05-27T07:32:00
utc = 1979-05-27T07:32:00Z
offset = 1979-05-27T00:32:00.999999-07:00
)toml");
    const auto result = synapse::load_toml_environment(file);
    REQUIRE(result.has_value());
    CHECK(result->at("day") == "1979-05-27");
    CHECK(result->at("clock") == "07:32:00");
    CHECK(result->at("local") == "1979-05-27T07:32:00");
    CHECK(result->at("utc") == "1979-05-27T07:32:00Z");
    CHECK(result->at("offset") == "1979-05-27T00:32:00.999999-07:00");
}

TEST_CASE("an empty TOML file is an empty JSON object", "[environment]") {
    temp_dir dir;
    const auto result = synapse::load_toml_environment(dir.write("empty.toml", ""));
    REQUIRE(result.has_value());
    CHECK(*result == json::object());
}

TEST_CASE("a missing TOML file is config_not_found naming the path", "[environment]") {
    temp_dir dir;
    const fs::path missing = dir.path() / "absent.toml";
    const auto result = synapse::load_toml_environment(missing);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::config_not_found);
    CHECK(result.error().message == "config file not found: " + missing.string());
}

TEST_CASE("a directory in place of the TOML file is an io_error", "[environment]") {
    temp_dir dir;
    const auto result = synapse::load_toml_environment(dir.path());
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::io_error);
    CHECK_THAT(result.error().message, Contains(dir.path().string()));
}

TEST_CASE("a TOML path that cannot be resolved (a symlink loop) is an io_error", "[environment]") {
    temp_dir dir;
    fs::create_symlink(dir.path() / "loop_b", dir.path() / "loop_a");
    fs::create_symlink(dir.path() / "loop_a", dir.path() / "loop_b");
    const auto result = synapse::load_toml_environment(dir.path() / "loop_a");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::io_error);
    CHECK(result.error().where == (dir.path() / "loop_a").string());
}

TEST_CASE("invalid UTF-8 in a TOML file is config_invalid at its position", "[environment]") {
    temp_dir dir;
    const fs::path file = dir.write("bytes.toml", "A = \"caf\xe9\"\n");
    const auto result = synapse::load_toml_environment(file);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::config_invalid);
    CHECK(result.error().where == file.string() + ":1:8");
    CHECK(synapse::to_string(result.error()) ==
          "config_invalid: " + file.string() +
              ":1:8: TOML syntax error: Encountered invalid utf-8 sequence");
}

TEST_CASE("a TOML syntax error is config_invalid with file, line and column", "[environment]") {
    temp_dir dir;
    const fs::path file = dir.write("bad.toml", "name = \"ok\"\n\ncount = = 2\n");
    const auto result = synapse::load_toml_environment(file);
    REQUIRE_FALSE(result.has_value());
    const synapse::error& e = result.error();
    INFO(synapse::to_string(e));
    CHECK(e.code == errc::config_invalid);
    CHECK(e.where == file.string() + ":3:9");
    CHECK_THAT(e.message, Contains(file.string() + ":3:9"));
    CHECK_THAT(e.message, Contains("could not determine value type"));
}

TEST_CASE("a TOML key defined twice is config_invalid at the second definition", "[environment]") {
    temp_dir dir;
    const fs::path file = dir.write("dup.toml", "a = 1\nb = 2\na = 3\n");
    const auto result = synapse::load_toml_environment(file);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == errc::config_invalid);
    CHECK_THAT(result.error().where, Contains(file.string() + ":3:"));
    CHECK_THAT(result.error().message, Contains("'a'"));
}

TEST_CASE("load_environment_file gives a plugin_environment with typed getters",
          "[environment_file]") {
    temp_dir dir;
    auto env = synapse::load_environment_file(dir.write(
        "env.toml", "DEBUG = \"yes\"\nWORKERS = 4\nHOSTS = \"a, b\"\n[model]\nname = \"m\"\n"));
    REQUIRE(env);
    CHECK(env->get_bool("DEBUG") == true);
    CHECK(env->get_int("WORKERS") == 4);
    CHECK(env->get_list("HOSTS") == std::vector<std::string>{"a", "b"});
    CHECK(env->find("model")->at("name") == "m");
}
