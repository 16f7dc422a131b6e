// config.hpp: whole config.yaml documents read into plugin_config: every field, the defaults,
// the example plugin, bytes that are not UTF-8.
#ifndef SYNAPSE_SOURCE_DIR
#error "define SYNAPSE_SOURCE_DIR as the repository root, e.g. -DSYNAPSE_SOURCE_DIR='\"/src\"'"
#endif

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

TEST_CASE("a config.yaml with invalid UTF-8 keeps the bytes, and dump writes them as U+FFFD",
          "[config]") {
    const auto result = synapse::parse_plugin_config(
        "name: caf\xe9\ncode: c\nenv:\n  NOTE: caf\xe9\n", "config.yaml");
    REQUIRE(result.has_value());
    CHECK(result->name == "caf\xe9");
    CHECK(result->env["NOTE"] == "caf\xe9");
    CHECK(synapse::dump(result->env) == "{\"NOTE\":\"caf\xef\xbf\xbd\"}");
}
