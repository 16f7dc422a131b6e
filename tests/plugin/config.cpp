// Tests for synapse/plugin/config.hpp: config.yaml discovery and validation.
#include "synapse/plugin/config.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

#ifndef SYNAPSE_SOURCE_DIR
#error "define SYNAPSE_SOURCE_DIR as the repository root, e.g. -DSYNAPSE_SOURCE_DIR='\"/src\"'"
#endif

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
            path_ = base / ("synapse-config-test-" + std::to_string(random()) + "-" +
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
        fs::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary);
        out << text;
        REQUIRE(out.good());
        return file;
    }

  private:
    fs::path path_;
};

/// Writes `yaml` as config.yaml in `dir` and loads the directory.
synapse::expected<synapse::plugin_config> load(const temp_dir& dir, std::string_view yaml) {
    dir.write("config.yaml", yaml);
    return synapse::load_plugin_config(dir.path());
}

/// Asserts a config_invalid error that names `field` and points at `line` of `file`.
void check_invalid(const synapse::expected<synapse::plugin_config>& result, const fs::path& file,
                   const std::string& field, int line) {
    REQUIRE_FALSE(result.has_value());
    const synapse::error& e = result.error();
    INFO(synapse::to_string(e));
    CHECK(e.code == errc::config_invalid);
    CHECK_THAT(e.message, Contains(field));
    const std::string at = file.string() + ":" + std::to_string(line);
    CHECK(e.where == at);
    CHECK_THAT(e.message, Contains(at + ":"));
}

/// Loads `yaml` and asserts it fails on `field` at `line`.
void check_invalid_yaml(std::string_view yaml, const std::string& field, int line) {
    temp_dir dir;
    INFO(yaml);
    check_invalid(load(dir, yaml), dir.path() / "config.yaml", field, line);
}

constexpr std::string_view minimal = "name: Minimal\ncode: minimal\n";

}  // namespace

TEST_CASE("a full config.yaml with every field is read into plugin_config", "[config]") {
    temp_dir dir;
    const auto result = load(dir, R"yaml(# every field synapse-sdk knows, plus runtime and binary
name: Object Detector
code: object-detector
version: 1.2.3
category: neural_net
description: Detects objects.
readme: DOCS.md
package_manager: uv
package_manager_options:
  - --no-cache
  - --index-url=https://example.com/simple
wheels_dir: dist
env:
  DEBUG: true
  WORKERS: 4
  NAME: "detector"
  NESTED:
    KEY: 1
runtime_env:
  pip:
    - torch==2.1
  env_vars:
    OMP_NUM_THREADS: "4"
  retries: 3
  ratio: 0.5
  eager: false
  nothing: ~
data_type: image
tasks:
  - image.object_detection
  - image.classification
supported_data_type:
  - image
  - video
annotation_category: image
annotation_type: bbox
smart_tool: interactive
runtime: python
binary: bin/detector
unknown_key: ignored
actions:
  train:
    name: train
    description: Train the model.
    entrypoint: plugin.train:TrainAction
    method: job
    input_type: dataset
    output_type: model
  inference:
    entrypoint: plugin.inference:InferenceAction
    method: serve
  export: plugin.export.ExportAction
)yaml");
    REQUIRE(result.has_value());
    const synapse::plugin_config& cfg = *result;

    CHECK(cfg.name == "Object Detector");
    CHECK(cfg.code == "object-detector");
    CHECK(cfg.version == "1.2.3");
    CHECK(cfg.category == "neural_net");
    CHECK(cfg.description == "Detects objects.");
    CHECK(cfg.readme == "DOCS.md");
    CHECK(cfg.package_manager == "uv");
    CHECK(cfg.package_manager_options ==
          std::vector<std::string>{"--no-cache", "--index-url=https://example.com/simple"});
    CHECK(cfg.wheels_dir == "dist");
    CHECK(cfg.env == json{{"DEBUG", "true"},
                          {"WORKERS", "4"},
                          {"NAME", "detector"},
                          {"NESTED", {{"KEY", "1"}}}});
    CHECK(cfg.runtime_env == json{{"pip", {"torch==2.1"}},
                                  {"env_vars", {{"OMP_NUM_THREADS", "4"}}},
                                  {"retries", 3},
                                  {"ratio", 0.5},
                                  {"eager", false},
                                  {"nothing", nullptr}});
    CHECK(cfg.data_type == "image");
    CHECK(cfg.tasks == std::vector<std::string>{"image.object_detection", "image.classification"});
    CHECK(cfg.supported_data_type == std::vector<std::string>{"image", "video"});
    CHECK(cfg.annotation_category == "image");
    CHECK(cfg.annotation_type == "bbox");
    CHECK(cfg.smart_tool == "interactive");
    CHECK(cfg.runtime == "python");
    REQUIRE(cfg.binary.has_value());
    CHECK(*cfg.binary == fs::path("bin/detector"));
    CHECK(cfg.directory == dir.path());
    CHECK(cfg.file == dir.path() / "config.yaml");
    CHECK(cfg.binary_path() == dir.path() / "bin/detector");

    REQUIRE(cfg.actions.size() == 3);
    CHECK(cfg.action_names() == std::vector<std::string>{"train", "inference", "export"});
    const synapse::action_config& train = cfg.actions[0];
    CHECK(train.name == "train");
    CHECK(train.description == "Train the model.");
    CHECK(train.entrypoint == "plugin.train:TrainAction");
    CHECK(train.method == "job");
    CHECK(train.input_type == "dataset");
    CHECK(train.output_type == "model");
    CHECK(train.line == 42);
    const synapse::action_config& inference = cfg.actions[1];
    CHECK(inference.name == "inference");
    CHECK(inference.description.empty());
    CHECK(inference.entrypoint == "plugin.inference:InferenceAction");
    CHECK(inference.method == "serve");
    CHECK_FALSE(inference.input_type.has_value());
    CHECK_FALSE(inference.output_type.has_value());
    CHECK(inference.line == 49);
    CHECK(cfg.actions[2].entrypoint == "plugin.export.ExportAction");
    CHECK(cfg.actions[2].line == 52);

    REQUIRE(cfg.find_action("inference") != nullptr);
    CHECK(cfg.find_action("inference")->method == "serve");
    CHECK(cfg.find_action("missing") == nullptr);
}

TEST_CASE("a config with only name and code gets synapse-sdk's defaults", "[config]") {
    temp_dir dir;
    const auto result = load(dir, minimal);
    REQUIRE(result.has_value());
    const synapse::plugin_config& cfg = *result;
    CHECK(cfg.name == "Minimal");
    CHECK(cfg.code == "minimal");
    CHECK(cfg.version == "0.1.0");
    CHECK(cfg.category == "custom");
    CHECK(cfg.description.empty());
    CHECK(cfg.readme == "README.md");
    CHECK(cfg.package_manager == "pip");
    CHECK(cfg.package_manager_options.empty());
    CHECK(cfg.wheels_dir == "wheels");
    CHECK(cfg.env == json::object());
    CHECK(cfg.runtime_env == json::object());
    CHECK_FALSE(cfg.data_type.has_value());
    CHECK(cfg.tasks.empty());
    CHECK(cfg.supported_data_type.empty());
    CHECK_FALSE(cfg.annotation_category.has_value());
    CHECK_FALSE(cfg.annotation_type.has_value());
    CHECK_FALSE(cfg.smart_tool.has_value());
    CHECK(cfg.actions.empty());
    CHECK(cfg.runtime == "python");
    CHECK_FALSE(cfg.binary.has_value());
    CHECK(cfg.binary_path().empty());
}

TEST_CASE("fields left empty with a bare key keep their defaults", "[config]") {
    temp_dir dir;
    const auto result =
        load(dir, "name: n\ncode: c\nversion:\ncategory: ~\ntasks:\nenv:\nactions:\n");
    REQUIRE(result.has_value());
    CHECK(result->version == "0.1.0");
    CHECK(result->category == "custom");
    CHECK(result->tasks.empty());
    CHECK(result->env == json::object());
    CHECK(result->actions.empty());
}

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

TEST_CASE("actions must be a mapping of names to settings", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nactions:\n  - train\n", "actions", 3);
    check_invalid_yaml("name: n\ncode: c\nactions: train\n", "actions", 3);
    check_invalid_yaml("name: n\ncode: c\nactions:\n  train:\n    - a.B\n", "actions.train", 4);
}

TEST_CASE("an action's name defaults to its key and may be overridden", "[config]") {
    temp_dir dir;
    const auto result = load(dir, R"yaml(name: n
code: c
actions:
  fit:
    entrypoint: m:Fit
  predict:
    name: infer
    entrypoint: m:Infer
)yaml");
    REQUIRE(result.has_value());
    CHECK(result->action_names() == std::vector<std::string>{"fit", "infer"});
    CHECK(result->find_action("infer") != nullptr);
    CHECK(result->find_action("infer")->line == 6);
}

TEST_CASE("an action's method defaults to task and must be job, task, serve or restapi",
          "[config]") {
    temp_dir dir;
    const auto result = load(dir, R"yaml(name: n
code: c
actions:
  a: {entrypoint: m:A}
  b: {entrypoint: m:B, method: job}
  c: {entrypoint: m:C, method: task}
  d: {entrypoint: m:D, method: serve}
  e: {entrypoint: m:E, method: restapi}
)yaml");
    REQUIRE(result.has_value());
    REQUIRE(result->actions.size() == 5);
    CHECK(result->actions[0].method == "task");
    CHECK(result->actions[1].method == "job");
    CHECK(result->actions[2].method == "task");
    CHECK(result->actions[3].method == "serve");
    CHECK(result->actions[4].method == "restapi");

    temp_dir bad;
    const auto invalid = load(bad, R"yaml(name: n
code: c
actions:
  train:
    entrypoint: m:Train
    method: batch
)yaml");
    check_invalid(invalid, bad.path() / "config.yaml", "actions.train.method", 6);
    CHECK_THAT(invalid.error().message, Contains("job, task, serve, restapi"));
}

TEST_CASE("action settings must be scalars", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nactions:\n  train:\n    entrypoint: [m, T]\n",
                       "actions.train.entrypoint", 5);
    check_invalid_yaml(
        "name: n\ncode: c\nactions:\n  train:\n    entrypoint: m:T\n"
        "    description: {a: b}\n",
        "actions.train.description", 6);
    check_invalid_yaml(
        "name: n\ncode: c\nactions:\n  train:\n    entrypoint: m:T\n"
        "    input_type: [a]\n",
        "actions.train.input_type", 6);
    check_invalid_yaml(
        "name: n\ncode: c\nactions:\n  train:\n    entrypoint: m:T\n"
        "    name: ''\n",
        "actions.train.name", 6);
}

TEST_CASE("a legacy action string becomes an action with that entrypoint", "[config]") {
    temp_dir dir;
    const auto result =
        load(dir, "name: n\ncode: c\nactions:\n  train: plugin.train.TrainAction\n");
    REQUIRE(result.has_value());
    REQUIRE(result->actions.size() == 1);
    const synapse::action_config& train = result->actions[0];
    CHECK(train.name == "train");
    CHECK(train.entrypoint == "plugin.train.TrainAction");
    CHECK(train.method == "task");
    CHECK(train.description.empty());
    CHECK(train.line == 4);
}

TEST_CASE("a python action without an entrypoint is rejected", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nactions:\n  train:\n    method: job\n",
                       "actions.train.entrypoint", 4);
    check_invalid_yaml("name: n\ncode: c\nactions:\n  train:\n", "actions.train.entrypoint", 4);
}

TEST_CASE("a cpp action without an entrypoint uses the action name", "[config]") {
    temp_dir dir;
    const auto result = load(dir, R"yaml(name: n
code: c
runtime: cpp
binary: bin/n
actions:
  train:
    method: job
  evaluate:
  export: custom-export
)yaml");
    REQUIRE(result.has_value());
    REQUIRE(result->actions.size() == 3);
    CHECK(result->actions[0].entrypoint == "train");
    CHECK(result->actions[1].entrypoint == "evaluate");
    CHECK(result->actions[2].entrypoint == "custom-export");
}

TEST_CASE("duplicate keys and duplicate action names are rejected", "[config]") {
    check_invalid_yaml("name: n\ncode: c\nname: again\n", "name", 3);
    check_invalid_yaml("name: n\ncode: c\nactions:\n  a: m:A\n  a: m:B\n", "actions.a", 5);
    check_invalid_yaml(
        "name: n\ncode: c\nactions:\n  a: m:A\n  b:\n    name: a\n    "
        "entrypoint: m:B\n",
        "actions.b", 5);
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

TEST_CASE("the regression example plugin config is a cpp plugin with four job actions",
          "[config]") {
    const fs::path dir = fs::path(SYNAPSE_SOURCE_DIR) / "examples" / "plugins" / "regression";
    const auto result = synapse::load_plugin_config(dir);
    INFO((result ? std::string("loaded") : synapse::to_string(result.error())));
    REQUIRE(result.has_value());
    const synapse::plugin_config& cfg = *result;
    CHECK(cfg.name == "Regression");
    CHECK(cfg.code == "regression");
    CHECK(cfg.version == "0.1.0");
    CHECK(cfg.category == "neural_net");
    CHECK(cfg.data_type == "text");
    CHECK(cfg.package_manager == "pip");
    CHECK(cfg.runtime == "cpp");
    REQUIRE(cfg.binary.has_value());
    CHECK(*cfg.binary == fs::path("regression"));
    CHECK(cfg.binary_path() == cfg.directory / "regression");
    CHECK(cfg.action_names() ==
          std::vector<std::string>{"download", "convert", "train", "evaluate"});
    for (const auto& action : cfg.actions) {
        CHECK(action.method == "job");
        CHECK_FALSE(action.description.empty());
        CHECK(action.entrypoint == action.name);
    }
}
