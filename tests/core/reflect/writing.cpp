// reflect.hpp: to_json of reflected structs, and reading back what was written.
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

TEST_CASE("a struct writes every field under its own name", "[reflect]") {
    train_params p;
    p.model.name = "cnn";
    p.model.layers = {{16, activation::tanh}};
    p.epochs = 3;
    p.learning_rate = 0.5;
    p.tags = {{"a", "b"}};
    p.output = "out/dir";
    CHECK(synapse::to_json(p) == json::parse(R"({
        "model": {"name": "cnn", "layers": [{"units": 16, "act": "tanh"}], "dropout": null},
        "epochs": 3,
        "learning_rate": 0.5,
        "tags": {"a": "b"},
        "verbose": false,
        "output": "out/dir"
    })"));
}

TEST_CASE("to_json and from_json round trip", "[reflect]") {
    auto first = synapse::from_json<train_params>(valid_params());
    REQUIRE(first.has_value());
    json written = synapse::to_json(*first);
    CHECK(written == valid_params());
    auto second = synapse::from_json<train_params>(written);
    REQUIRE(second.has_value());
    CHECK(synapse::to_json(*second) == written);
    CHECK(second->model.layers[1].act == activation::tanh);
    CHECK(second->output == first->output);

    train_params empty_optional = *first;
    empty_optional.model.dropout.reset();
    auto third = synapse::from_json<train_params>(synapse::to_json(empty_optional));
    REQUIRE(third.has_value());
    CHECK_FALSE(third->model.dropout.has_value());
}
