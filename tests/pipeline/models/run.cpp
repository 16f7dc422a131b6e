// Runs read and write the service's exact wire JSON (the sample is dev-api's own answer, from
// synapse-sdk's sdist), and the run bodies carry the service's rules.
#include <synapse/pipeline/models/run.hpp>

#include <catch2/catch.hpp>

namespace ps = synapse::pipeline_service;
using synapse::errc;
using synapse::json;

namespace {

// POST /api/v1/pipelines/{id}/runs/ as dev-api answers it.
const char* created_run = R"({"id": "5f0c0a52-8f8c-4d1e-9a51-0c1f0e7f2a10",
 "pipeline_id": "868092d4-587f-4421-b441-272162cfc688", "status": "pending",
 "params": {"dataset": 7}, "current_action": null, "current_action_index": 0,
 "progress": [{"name": "download", "status": "pending", "progress": 0.0, "progress_step": null,
   "message": null, "metrics": {}, "started_at": null, "completed_at": null, "error": null}],
 "result": null, "error": null, "work_dir": null, "started_at": null, "completed_at": null,
 "created_at": "2026-11-22T01:40:43.915228"})";

}  // namespace

TEST_CASE("a run answer round-trips to the same JSON, key for key", "[pipeline][models]") {
    const json wire = json::parse(created_run);
    auto r = synapse::from_json<ps::run>(wire);
    REQUIRE(r);
    CHECK(r->status == ps::run_status::pending);
    CHECK(r->params == json{{"dataset", 7}});
    REQUIRE(r->progress);
    CHECK(r->progress->at(0).name == "download");
    CHECK_FALSE(r->started_at);
    CHECK(r->created_at == "2026-11-22T01:40:43.915228");
    CHECK(synapse::to_json(*r) == wire);
    CHECK(synapse::to_json(*r).dump() == wire.dump());  // same key order too
}

TEST_CASE("an action index beyond 32 bits is read as the service stores it", "[pipeline][models]") {
    json wire = json::parse(created_run);
    wire["current_action_index"] = 5000000000LL;
    auto r = synapse::from_json<ps::run>(wire);
    REQUIRE(r);
    CHECK(r->current_action_index == 5000000000LL);
}

TEST_CASE("run bodies want objects for params and result and ISO-8601 timestamps",
          "[pipeline][models]") {
    auto params = synapse::from_json<ps::run_create>(json{{"params", json::array({1})}});
    REQUIRE_FALSE(params);
    CHECK(params.error().where == "params");
    CHECK(params.error().fields[0].message == "expected object, got array");
    CHECK(synapse::from_json<ps::run_create>(json{{"params", nullptr}}));  // not sent

    auto update = synapse::from_json<ps::run_update>(
        json{{"result", "done"}, {"started_at", "noon"}, {"completed_at", "2026-01-02T03:04:05Z"}});
    REQUIRE_FALSE(update);
    REQUIRE(update.error().fields.size() == 2);
    CHECK(update.error().fields[0].path == "result");
    CHECK(update.error().fields[1].path == "started_at");
    CHECK(update.error().fields[1].message == R"(expected an ISO-8601 date-time, got "noon")");
    CHECK(update.error().code == errc::validation_failed);
}
