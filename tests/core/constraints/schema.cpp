// constraints.hpp: how declared rules appear in a struct's JSON Schema.
#include <synapse/core/constraints.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "params.hpp"

using core_constraints_test::errors_of;
using core_constraints_test::minimal;
using core_constraints_test::train_params;
using synapse::field_error;
using synapse::json;
namespace rules = synapse::rules;

TEST_CASE("the schema shows constraints with their JSON Schema keywords", "[constraints]") {
    json s = synapse::json_schema<train_params>();
    const json& props = s["properties"];
    CHECK(props["train_path"] == json{{"type", "string"}, {"format", "path"}, {"minLength", 1}});
    CHECK(props["epochs"] ==
          json{{"type", "integer"}, {"default", 100}, {"minimum", 1}, {"maximum", 100000}});
    CHECK(props["learning_rate"] ==
          json{{"type", "number"}, {"default", 0.01}, {"minimum", 0.0}, {"maximum", 10.0}});
    CHECK(props["optimizer"] ==
          json{{"type", "string"}, {"default", "sgd"}, {"enum", {"sgd", "adam"}}});
    CHECK(props["run_name"] == json{{"type", "string"}, {"pattern", "^[a-z][a-z0-9_-]*$"}});
    CHECK(props["layers"] ==
          json{{"type", "array"}, {"items", {{"type", "integer"}}}, {"minItems", 1}});
    CHECK(props["tags"] == json{{"type", "object"},
                                {"additionalProperties", {{"type", "string"}}},
                                {"default", {{"team", "ml"}}},
                                {"minProperties", 1}});
}

TEST_CASE("defaulted fields appear as default in the schema and are not required",
          "[constraints]") {
    json s = synapse::json_schema<train_params>();
    CHECK(s["required"] == json::array({"train_path", "run_name", "layers"}));
    CHECK(s["properties"]["epochs"]["default"] == 100);
    CHECK(s["properties"]["optimizer"]["default"] == "sgd");
    CHECK_FALSE(s["properties"]["run_name"].contains("default"));
    CHECK_FALSE(s["properties"]["seed"].contains("default"));

    json ext = synapse::json_schema<core_constraints_test::external>();
    CHECK(ext["required"] == json::array({"level"}));
    CHECK(ext["properties"]["code"] ==
          json{{"type", "string"}, {"default", "ABC"}, {"pattern", "^[A-Z]{3}$"}});
    CHECK(ext["properties"]["level"] == json{{"type", "integer"}, {"minimum", 0}, {"maximum", 9}});
}

TEST_CASE("constraints of an optional field describe its non-null alternative", "[constraints]") {
    json s = synapse::json_schema<train_params>();
    CHECK(s["properties"]["seed"] ==
          json{{"anyOf",
                json::array({json{{"type", "integer"}, {"minimum", 0}}, json{{"type", "null"}}})}});
    CHECK(s["properties"]["note"] ==
          json{{"anyOf", json::array({json{{"type", "string"}, {"minLength", 1}},
                                      json{{"type", "null"}}})}});
}

TEST_CASE("rules written rule<&T::field> describe the schema as rules written rule(&T::field)",
          "[constraints]") {
    json typed = synapse::json_schema<core_constraints_test::typed_train_params>();
    CHECK(typed == synapse::json_schema<train_params>());
    CHECK(typed["required"] == json::array({"train_path", "run_name", "layers"}));
    CHECK(typed["properties"]["epochs"] ==
          json{{"type", "integer"}, {"default", 100}, {"minimum", 1}, {"maximum", 100000}});
}
