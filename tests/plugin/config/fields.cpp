// config.hpp: the top-level fields: their types, allowed values and cross-field rules.
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

TEST_CASE("name and code are required non-empty strings", "[config]") {
    check_invalid_yaml("code: c\n", "name", 1);
    check_invalid_yaml("# comment\nname: n\n", "code", 2);
    check_invalid_yaml("name: \"\"\ncode: c\n", "name", 1);
    check_invalid_yaml("name: n\ncode:\n", "code", 2);
    check_invalid_yaml("name: n\ncode:\n  nested: map\n", "code", 2);
}

TEST_CASE("scalar fields given a mapping or a list are rejected with their line", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nversion:\n  major: 1\n", "version", 3);
    check_invalid_yaml("name: n\ncode: c\ndescription: [a, b]\n", "description", 3);
    check_invalid_yaml("name: n\ncode: c\nreadme: {a: b}\n", "readme", 3);
    check_invalid_yaml("name: n\ncode: c\nwheels_dir: [w]\n", "wheels_dir", 3);
    check_invalid_yaml("name: n\ncode: c\nannotation_type: [bbox]\n", "annotation_type", 3);
    check_invalid_yaml("name: n\ncode: c\nsmart_tool: {a: b}\n", "smart_tool", 3);
    check_invalid_yaml("name: n\ncode: c\nbinary: [a]\n", "binary", 3);
}

TEST_CASE("list fields must be lists of scalars", "[config]") {
    check_invalid_yaml("name: n\ncode: c\ntasks: image.classification\n", "tasks", 3);
    check_invalid_yaml("name: n\ncode: c\nsupported_data_type: {a: b}\n", "supported_data_type", 3);
    check_invalid_yaml("name: n\ncode: c\npackage_manager_options:\n  - --a\n  - {b: c}\n",
                       "package_manager_options[1]", 5);
}

TEST_CASE("env must be a mapping; its values stay strings and nested mappings become objects",
          "[config]") {
    check_invalid_yaml("name: n\ncode: c\nenv: [A, B]\n", "env", 3);
    check_invalid_yaml("name: n\ncode: c\nenv: text\n", "env", 3);

    temp_dir dir;
    const auto result = load(dir, R"yaml(name: n
code: c
env:
  FLAG: true
  COUNT: 10
  RATIO: 1.5
  QUOTED: "yes"
  LIST: [1, two]
  GROUP:
    INNER: false
)yaml");
    REQUIRE(result.has_value());
    CHECK(result->env == json{{"FLAG", "true"},
                              {"COUNT", "10"},
                              {"RATIO", "1.5"},
                              {"QUOTED", "yes"},
                              {"LIST", {"1", "two"}},
                              {"GROUP", {{"INNER", "false"}}}});
}

TEST_CASE("runtime_env converts YAML scalars to typed JSON and keeps quoted ones as strings",
          "[config]") {
    temp_dir dir;
    const auto result = load(dir, R"yaml(name: n
code: c
runtime_env:
  t: true
  f: false
  n: null
  tilde: ~
  int: 42
  negative: -7
  hex: 0x1F
  octal: 0o17
  big: 9223372036854775808
  float: 2.5
  exponent: 1e3
  text: hello
  version: 1.2.3
  quoted_true: "true"
  quoted_int: '42'
  quoted_null: "null"
  tagged: !!str 7
  nested:
    list: [1, "1", 1.5, x, {deep: true}]
)yaml");
    REQUIRE(result.has_value());
    const json& env = result->runtime_env;
    CHECK(env.at("t") == true);
    CHECK(env.at("f") == false);
    CHECK(env.at("n").is_null());
    CHECK(env.at("tilde").is_null());
    CHECK(env.at("int").is_number_integer());
    CHECK(env.at("int") == 42);
    CHECK(env.at("negative") == -7);
    CHECK(env.at("hex") == 31);
    CHECK(env.at("octal") == 15);
    CHECK(env.at("big").is_number_unsigned());
    CHECK(env.at("big") == 9223372036854775808ULL);
    CHECK(env.at("float").is_number_float());
    CHECK(env.at("float") == 2.5);
    CHECK(env.at("exponent").is_number_float());
    CHECK(env.at("exponent") == 1000.0);
    CHECK(env.at("text") == "hello");
    CHECK(env.at("version") == "1.2.3");
    CHECK(env.at("quoted_true") == "true");
    CHECK(env.at("quoted_int") == "42");
    CHECK(env.at("quoted_null") == "null");
    CHECK(env.at("tagged") == "7");
    CHECK(env.at("nested").at("list") == json::parse(R"([1, "1", 1.5, "x", {"deep": true}])"));
}

TEST_CASE("runtime_env must be a mapping", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nruntime_env:\n  - pip\n", "runtime_env", 3);
    check_invalid_yaml("name: n\ncode: c\nruntime_env: conda\n", "runtime_env", 3);
}

TEST_CASE("category must be one of synapse-sdk's plugin categories", "[config]") {
    temp_dir dir;
    const auto result = load(dir, "name: n\ncode: c\n\ncategory: robots\n");
    check_invalid(result, dir.path() / "config.yaml", "category", 4);
    CHECK_THAT(result.error().message, Contains("robots"));
    CHECK_THAT(result.error().message, Contains("neural_net, export, upload, smart_tool"));

    for (const char* category : {"export", "upload", "smart_tool", "post_annotation",
                                 "pre_annotation", "data_validation", "custom"}) {
        temp_dir ok;
        const auto valid = load(ok, std::string(minimal) + "category: " + category + "\n");
        REQUIRE(valid.has_value());
        CHECK(valid->category == category);
    }
}

TEST_CASE("a neural_net plugin without data_type gets synapse-sdk's message", "[config]") {
    temp_dir dir;
    const auto result = load(dir, "name: n\ncode: c\ncategory: neural_net\n");
    check_invalid(result, dir.path() / "config.yaml", "data_type", 3);
    CHECK_THAT(result.error().message,
               Contains("data_type is required for neural_net plugins. Add 'data_type: image' (or "
                        "text, video, pcd, audio) to config.yaml"));
}

TEST_CASE("data_type must be image, text, video, pcd or audio", "[config]") {
    check_invalid_yaml("name: n\ncode: c\ncategory: neural_net\ndata_type: tabular\n", "data_type",
                       4);
    check_invalid_yaml("name: n\ncode: c\ndata_type: [image]\n", "data_type", 3);
    for (const char* type : {"image", "text", "video", "pcd", "audio"}) {
        temp_dir dir;
        const auto result =
            load(dir, std::string(minimal) + "category: neural_net\ndata_type: " + type + "\n");
        REQUIRE(result.has_value());
        CHECK(result->data_type == type);
    }
}

TEST_CASE("package_manager must be pip or uv", "[config]") {
    check_invalid_yaml("name: n\ncode: c\npackage_manager: conda\n", "package_manager", 3);
    temp_dir dir;
    const auto result = load(dir, std::string(minimal) + "package_manager: uv\n");
    REQUIRE(result.has_value());
    CHECK(result->package_manager == "uv");
}

TEST_CASE("runtime must be python or cpp", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nruntime: rust\nbinary: b\n", "runtime", 3);
}

TEST_CASE("a cpp plugin requires binary, resolved against the plugin directory", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nruntime: cpp\n", "binary", 3);
    check_invalid_yaml("name: n\ncode: c\nruntime: cpp\nbinary: ''\n", "binary", 4);

    temp_dir dir;
    const auto result = load(dir, std::string(minimal) + "runtime: cpp\nbinary: build/tool\n");
    REQUIRE(result.has_value());
    CHECK(result->runtime == "cpp");
    CHECK(result->binary_path() == dir.path() / "build" / "tool");
}

TEST_CASE("unknown top-level keys are ignored", "[config]") {
    temp_dir dir;
    const auto result = load(dir, std::string(minimal) +
                                      "smart_tool_type: interactive\nsupported_data_types: [x]\n"
                                      "extra:\n  nested: [1, 2]\n");
    REQUIRE(result.has_value());
    CHECK(result->code == "minimal");
    CHECK_FALSE(result->smart_tool.has_value());
    CHECK(result->supported_data_type.empty());
}
