// config.hpp: the `actions:` mapping and its entries.
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
