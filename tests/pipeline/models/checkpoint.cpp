// Checkpoints read the service's answers; a checkpoint body wants objects for its snapshot and
// result.
#include <synapse/pipeline/models/checkpoint.hpp>

#include <catch2/catch.hpp>

namespace ps = synapse::pipeline_service;
using synapse::json;

TEST_CASE("checkpoints read the service's answers", "[pipeline][models]") {
    auto c = synapse::from_json<ps::checkpoint>(json::parse(
        R"({"id": "c1", "run_id": "r", "action_name": "download", "action_index": 0,
            "status": "completed", "params_snapshot": {"dataset": 7, "path": "/data"},
            "result": {"path": "/data"}, "artifacts_path": null,
            "created_at": "2026-11-22T01:40:43.915228"})"));
    REQUIRE(c);
    CHECK(c->params_snapshot == json{{"dataset", 7}, {"path", "/data"}});
    CHECK_FALSE(c->artifacts_path);
}

TEST_CASE("a checkpoint body wants objects for the params snapshot and the result",
          "[pipeline][models]") {
    auto ok = synapse::from_json<ps::checkpoint_create>(
        json{{"action_name", "a"}, {"action_index", 0}, {"params_snapshot", {{"lr", 0.1}}}});
    REQUIRE(ok);
    CHECK(ok->status == ps::action_status::completed);  // the default
    auto bad = synapse::from_json<ps::checkpoint_create>(
        json{{"action_name", "a"}, {"action_index", 0}, {"params_snapshot", 7}, {"result", "x"}});
    REQUIRE_FALSE(bad);
    REQUIRE(bad.error().fields.size() == 2);
    CHECK(bad.error().fields[0].path == "params_snapshot");
    CHECK(bad.error().fields[1].path == "result");
    CHECK(synapse::json_schema<ps::checkpoint_create>()["properties"]["result"]["anyOf"][0] ==
          json{{"type", "object"}});
}
