// reflect.hpp: json_schema<T>() of reflected structs.
#include <synapse/core/reflect.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "params.hpp"

using core_reflect_test::activation;
using core_reflect_test::layer;
using core_reflect_test::model_spec;
using core_reflect_test::paths_and_messages;
using core_reflect_test::train_params;
using core_reflect_test::valid_params;
using synapse::json;

TEST_CASE("json_schema describes a nested type with its required fields", "[reflect]") {
    json s = synapse::json_schema<train_params>();
    CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(s["type"] == "object");
    CHECK(s["required"] == json::array({"model", "learning_rate", "tags", "output"}));

    const json& props = s["properties"];
    CHECK(props.size() == 6);
    CHECK(props["epochs"] ==
          json{{"type", "integer"}, {"default", 10}, {"minimum", 1}, {"maximum", 1000}});
    CHECK(props["learning_rate"] == json{{"type", "number"}});
    CHECK(props["tags"] ==
          json{{"type", "object"}, {"additionalProperties", {{"type", "string"}}}});
    CHECK(props["verbose"] == json{{"type", "boolean"}, {"default", false}});
    CHECK(props["output"] == json{{"type", "string"}, {"format", "path"}});

    const json layer_schema = {
        {"type", "object"},
        {"properties",
         {{"units", {{"type", "integer"}, {"minimum", 1}}},
          {"act", {{"type", "string"}, {"enum", {"relu", "tanh"}}, {"default", "relu"}}}}},
        {"required", {"units"}},
    };
    const json model_schema = {
        {"type", "object"},
        {"properties",
         {{"name", {{"type", "string"}}},
          {"layers", {{"type", "array"}, {"items", layer_schema}}},
          {"dropout",
           {{"anyOf", json::array({json{{"type", "number"}}, json{{"type", "null"}}})}}}}},
        {"required", {"name", "layers"}},
    };
    CHECK(props["model"] == model_schema);
    CHECK_FALSE(props["model"].contains("$schema"));
}

TEST_CASE("json_schema omits required when every field is optional or defaulted", "[reflect]") {
    json s = synapse::json_schema<core_reflect_test::run_options>();
    CHECK_FALSE(s.contains("required"));
    CHECK(s["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    s.erase("$schema");
    CHECK(s ==
          json{{"type", "object"},
               {"properties",
                {{"seed",
                  {{"anyOf", json::array({json{{"type", "integer"}}, json{{"type", "null"}}})}}},
                 {"debug", {{"type", "boolean"}, {"default", false}}}}}});
    auto empty = synapse::from_json<core_reflect_test::run_options>(json::object());
    REQUIRE(empty.has_value());
    CHECK_FALSE(empty->seed.has_value());
    CHECK_FALSE(empty->debug);
}

TEST_CASE("only the outermost schema carries $schema", "[reflect]") {
    json outer = synapse::json_schema<std::vector<model_spec>>();
    CHECK(outer["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(outer["type"] == "array");
    CHECK_FALSE(outer["items"].contains("$schema"));
    CHECK(outer["items"]["required"] == json::array({"name", "layers"}));
    CHECK_FALSE(synapse::codec<model_spec>::schema().contains("$schema"));
}
