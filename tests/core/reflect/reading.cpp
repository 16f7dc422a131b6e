// reflect.hpp: from_json and from_json_text: reading and validating reflected structs.
#include <synapse/core/reflect.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "params.hpp"

namespace core_reflect_test {

/// A type whose codec reads with an unchecked get<int>(), which throws on a non-number.
struct careless {
    int value = 0;
};

}  // namespace core_reflect_test

template <>
struct synapse::codec<core_reflect_test::careless> {
    static constexpr bool supported = true;
    static void read(const json& j, core_reflect_test::careless& out, detail::read_state&) {
        out.value = j.get<int>();
    }
    static json write(const core_reflect_test::careless& v) { return v.value; }
    static json schema() { return {{"type", "integer"}}; }
};

using core_reflect_test::activation;
using core_reflect_test::layer;
using core_reflect_test::model_spec;
using core_reflect_test::path_and_message;
using core_reflect_test::paths_and_messages;
using core_reflect_test::train_params;
using core_reflect_test::valid_params;
using synapse::json;

TEST_CASE("a valid document reads into nested structs", "[reflect]") {
    auto p = synapse::from_json<train_params>(valid_params());
    REQUIRE(p.has_value());
    CHECK(p->model.name == "mlp");
    REQUIRE(p->model.layers.size() == 2);
    CHECK(p->model.layers[0].units == 64);
    CHECK(p->model.layers[0].act == activation::relu);
    CHECK(p->model.layers[1].units == 32);
    CHECK(p->model.layers[1].act == activation::tanh);
    CHECK(p->model.dropout == 0.5);
    CHECK(p->epochs == 20);
    CHECK(p->learning_rate == 0.001);
    CHECK(p->tags == std::map<std::string, std::string>{{"team", "ml"}});
    CHECK(p->verbose);
    CHECK(p->output == std::filesystem::path("runs/mlp"));
}

TEST_CASE("a nested field error is reported with its dotted path", "[reflect]") {
    json j = valid_params();
    j["model"]["layers"][1]["units"] = "wide";
    auto p = synapse::from_json<train_params>(j);
    REQUIRE_FALSE(p.has_value());
    const synapse::error& e = p.error();
    CHECK(e.code == synapse::errc::validation_failed);
    CHECK(e.message == "1 field failed validation");
    CHECK(e.where == "model.layers[1].units");
    REQUIRE(e.fields.size() == 1);
    CHECK(e.fields[0] == synapse::field_error{"model.layers[1].units",
                                              "expected integer, got string \"wide\"", "integer",
                                              "string"});
    CHECK(synapse::to_string(e) ==
          "validation_failed: 1 field failed validation (at model.layers[1].units): "
          "model.layers[1].units: expected integer, got string \"wide\"");
}

TEST_CASE("a validation error lists every failing field with its path", "[reflect]") {
    auto j = json::parse(R"({
        "model": {
            "name": 5,
            "layers": [
                {"units": 64, "act": "relu"},
                {"units": "wide", "act": "relu"},
                {"units": 0, "act": "gelu"}
            ],
            "dropout": "high"
        },
        "epochs": 5000,
        "learning_rate": "fast",
        "tags": {"team": 1},
        "verbose": "yes"
    })");
    auto p = synapse::from_json<train_params>(j);
    REQUIRE_FALSE(p.has_value());
    const synapse::error& e = p.error();
    CHECK(e.code == synapse::errc::validation_failed);
    CHECK(e.message == "10 fields failed validation");
    CHECK(e.where.empty());
    // Fields in declaration order, depth first; a struct's constraints after its own fields.
    CHECK(paths_and_messages(e) ==
          std::vector<path_and_message>{
              {"model.name", "expected string, got integer 5"},
              {"model.layers[1].units", "expected integer, got string \"wide\""},
              {"model.layers[2].act", "expected one of \"relu\", \"tanh\", got \"gelu\""},
              {"model.layers[2].units", "must be at least 1, got 0"},
              {"model.dropout", "expected number, got string \"high\""},
              {"learning_rate", "expected number, got string \"fast\""},
              {"tags.team", "expected string, got integer 1"},
              {"verbose", "expected boolean, got string \"yes\""},
              {"output", "missing required field"},
              {"epochs", "must be between 1 and 1000, got 5000"},
          });
}

TEST_CASE("a missing required field is reported at its path", "[reflect]") {
    json j = valid_params();
    j.erase("output");
    j["model"].erase("name");
    auto p = synapse::from_json<train_params>(j);
    REQUIRE_FALSE(p.has_value());
    REQUIRE(p.error().fields.size() == 2);
    CHECK(p.error().fields[0] ==
          synapse::field_error{"model.name", "missing required field", "present", "absent"});
    CHECK(p.error().fields[1] ==
          synapse::field_error{"output", "missing required field", "present", "absent"});
    CHECK(p.error().message == "2 fields failed validation");
}

TEST_CASE("a missing nested struct is one missing field, not one per member", "[reflect]") {
    json j = valid_params();
    j.erase("model");
    auto p = synapse::from_json<train_params>(j);
    REQUIRE_FALSE(p.has_value());
    CHECK(paths_and_messages(p.error()) ==
          std::vector<path_and_message>{{"model", "missing required field"}});
}

TEST_CASE("absent optional and defaulted fields are not missing", "[reflect]") {
    json j = valid_params();
    j["model"].erase("dropout");
    j["model"]["layers"][0].erase("act");
    j.erase("epochs");
    j.erase("verbose");
    auto p = synapse::from_json<train_params>(j);
    REQUIRE(p.has_value());
    CHECK_FALSE(p->model.dropout.has_value());
    CHECK(p->model.layers[0].act == activation::relu);
    CHECK(p->epochs == 10);
    CHECK_FALSE(p->verbose);
}

TEST_CASE("a struct rejects a value that is not an object", "[reflect]") {
    auto root = synapse::from_json<train_params>(json::array({1}));
    REQUIRE_FALSE(root.has_value());
    REQUIRE(root.error().fields.size() == 1);
    CHECK(root.error().fields[0] ==
          synapse::field_error{"", "expected object, got array [1]", "object", "array"});
    CHECK(synapse::to_string(root.error()) ==
          "validation_failed: 1 field failed validation: (root): expected object, got array [1]");

    json j = valid_params();
    j["model"] = 3;
    auto nested = synapse::from_json<train_params>(j);
    REQUIRE_FALSE(nested.has_value());
    CHECK(paths_and_messages(nested.error()) ==
          std::vector<path_and_message>{{"model", "expected object, got integer 3"}});
}

TEST_CASE("unknown fields are ignored by default", "[reflect]") {
    json j = valid_params();
    j["extra"] = "from another action";
    j["model"]["colour"] = "blue";
    j["model"]["layers"][0]["bias"] = true;
    auto p = synapse::from_json<train_params>(j);
    REQUIRE(p.has_value());
    CHECK(p->model.name == "mlp");
}

TEST_CASE("unknown fields are reported with their paths in strict mode", "[reflect]") {
    json j = valid_params();
    j["extra"] = "from another action";
    j["model"]["colour"] = "blue";
    j["model"]["layers"][0]["bias"] = true;
    auto p = synapse::from_json<train_params>(j, synapse::parse_options{.strict = true});
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == synapse::errc::validation_failed);
    CHECK(p.error().message == "3 fields failed validation");
    CHECK(paths_and_messages(p.error()) ==
          std::vector<path_and_message>{
              {"model.layers[0].bias", "unknown field (strict mode)"},
              {"model.colour", "unknown field (strict mode)"},
              {"extra", "unknown field (strict mode)"},
          });
    CHECK(p.error().fields[0].expected == "absent");
    CHECK(p.error().fields[0].actual == "present");
}

TEST_CASE("strict mode accepts a document with only known fields", "[reflect]") {
    auto p =
        synapse::from_json<train_params>(valid_params(), synapse::parse_options{.strict = true});
    REQUIRE(p.has_value());
    CHECK(p->epochs == 20);
}

TEST_CASE("from_json reads a vector of structs with indexed paths", "[reflect]") {
    auto ok = synapse::from_json<std::vector<layer>>(json::parse(R"([{"units": 1}])"));
    REQUIRE(ok.has_value());
    CHECK(ok->at(0).units == 1);
    auto bad = synapse::from_json<std::vector<layer>>(json::parse(R"([{"units": 1}, {}])"));
    REQUIRE_FALSE(bad.has_value());
    CHECK(paths_and_messages(bad.error()) ==
          std::vector<path_and_message>{{"[1].units", "missing required field"}});
}

TEST_CASE("from_json_text reads and validates JSON text", "[reflect]") {
    auto ok = synapse::from_json_text<train_params>(valid_params().dump());
    REQUIRE(ok.has_value());
    CHECK(ok->model.layers.size() == 2);

    auto invalid = synapse::from_json_text<layer>(R"({"units": -1})");
    REQUIRE_FALSE(invalid.has_value());
    CHECK(invalid.error().code == synapse::errc::validation_failed);
    CHECK(paths_and_messages(invalid.error()) ==
          std::vector<path_and_message>{{"units", "must be at least 1, got -1"}});

    auto strict = synapse::from_json_text<layer>(R"({"units": 2, "x": 0})",
                                                 synapse::parse_options{.strict = true});
    REQUIRE_FALSE(strict.has_value());
    CHECK(paths_and_messages(strict.error()) ==
          std::vector<path_and_message>{{"x", "unknown field (strict mode)"}});
}

TEST_CASE("from_json_text with malformed JSON gives invalid_json with the position", "[reflect]") {
    auto p =
        synapse::from_json_text<layer>("{\n  \"units\": 4,\n  \"act\": relu\n}", {}, "--params");
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == synapse::errc::invalid_json);
    CHECK(p.error().where == "--params:3:10");
    CHECK_THAT(p.error().message, Catch::StartsWith("invalid JSON in --params at line 3, "
                                                    "column 10: "));
    CHECK(p.error().fields.empty());

    auto unnamed = synapse::from_json_text<layer>("{");
    REQUIRE_FALSE(unnamed.has_value());
    CHECK(unnamed.error().code == synapse::errc::invalid_json);
    CHECK(unnamed.error().where == "JSON text:1:2");
}

TEST_CASE("reflected structs are Reflectable", "[reflect]") {
    STATIC_REQUIRE(synapse::Reflectable<train_params>);
    STATIC_REQUIRE(synapse::Reflectable<model_spec>);
    STATIC_REQUIRE(synapse::Reflectable<std::vector<layer>>);
    STATIC_REQUIRE(synapse::Reflectable<activation>);
}

TEST_CASE("a codec that throws fails the read with its message instead of throwing", "[reflect]") {
    auto ok = synapse::from_json<core_reflect_test::careless>(json(7));
    REQUIRE(ok);
    CHECK(ok->value == 7);
    auto bad = synapse::from_json<core_reflect_test::careless>(json("seven"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::validation_failed);
    CHECK_THAT(bad.error().message, Catch::StartsWith("reading the value threw: "));
    CHECK_THAT(bad.error().message, Catch::Contains("type must be number"));
}
