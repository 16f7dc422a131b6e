// Pipeline definitions: names of 1 to 255 characters, as the service checks them.
#include <synapse/pipeline/models/pipeline.hpp>

#include <catch2/catch.hpp>
#include <string>

namespace ps = synapse::pipeline_service;
using synapse::json;

TEST_CASE("a pipeline name has 1 to 255 characters, counted as characters, not bytes",
          "[pipeline][models]") {
    CHECK(synapse::from_json<ps::pipeline_create>(json{{"name", std::string(255, 'x')}}));
    auto empty = synapse::from_json<ps::pipeline_create>(json{{"name", ""}});
    REQUIRE_FALSE(empty);
    CHECK(empty.error().where == "name");
    CHECK(empty.error().fields[0].message == "must have 1 to 255 characters, got 0");
    auto long_name = synapse::from_json<ps::pipeline_create>(json{{"name", std::string(256, 'x')}});
    REQUIRE_FALSE(long_name);
    CHECK(long_name.error().fields[0].message == "must have 1 to 255 characters, got 256");

    std::string accents;
    for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";  // 200 characters, 400 bytes
    CHECK(synapse::from_json<ps::pipeline_create>(json{{"name", accents}}));

    auto renamed = synapse::from_json<ps::pipeline_update>(json{{"name", ""}});
    REQUIRE_FALSE(renamed);
    CHECK(renamed.error().where == "name");
    CHECK(synapse::from_json<ps::pipeline_update>(json{{"description", "d"}}));
}

TEST_CASE("the pipeline body's JSON Schema states the name's length and the defaults",
          "[pipeline][models]") {
    const json s = synapse::json_schema<ps::pipeline_create>();
    CHECK(s["properties"]["name"]["minLength"] == 1);
    CHECK(s["properties"]["name"]["maxLength"] == 255);
    CHECK(s["required"] == json::array({"name"}));
    CHECK(s["properties"]["actions"]["default"] == json::array());
}
