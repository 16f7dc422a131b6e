// The pipeline service's models read and write the service's exact wire JSON (the samples are
// dev-api's own answers, from synapse-sdk's sdist).
#include <synapse/pipeline/models.hpp>

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

TEST_CASE("status enums read and write the service's lowercase strings", "[pipeline][models]") {
    CHECK(synapse::to_json(ps::run_status::cancelled) == "cancelled");
    CHECK(synapse::to_json(ps::action_status::skipped) == "skipped");
    CHECK(ps::to_string(ps::log_level::warning) == "warning");
    auto s = synapse::from_json<ps::run_status>(json("completed"));
    REQUIRE(s);
    CHECK(*s == ps::run_status::completed);
    CHECK(ps::is_terminal(ps::run_status::failed));
    CHECK_FALSE(ps::is_terminal(ps::run_status::running));
    auto bad = synapse::from_json<ps::run_status>(json("COMPLETED"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::validation_failed);
}

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

TEST_CASE("pipeline progress computes overall progress and completed actions",
          "[pipeline][models]") {
    const json wire = json::parse(R"({"run_id": "r", "pipeline_id": "p", "status": "running",
      "current_action": "train", "current_action_index": 2, "progress": [
        {"name": "download", "status": "completed", "progress": 1.0},
        {"name": "convert", "status": "skipped", "progress": 1.0},
        {"name": "train", "status": "running", "progress": 0.25, "progress_step": "epoch",
         "message": "1/4", "started_at": "2026-11-22T01:40:43.915228+00:00"},
        {"name": "evaluate"}],
      "error": null, "started_at": "2026-11-22T01:40:40.000001", "completed_at": null})");
    auto p = synapse::from_json<ps::pipeline_progress>(wire);
    REQUIRE(p);
    CHECK(p->total_actions() == 4);
    CHECK(p->completed_actions() == 1);
    CHECK(p->overall_progress() == Approx((1.0 + 1.0 + 0.25 + 0.0) / 4));
    CHECK(p->actions()[3].status == ps::action_status::pending);
    CHECK(p->actions()[2].started_at == "2026-11-22T01:40:43.915228+00:00");
    CHECK_FALSE(p->is_terminal());
}

TEST_CASE("a progress state without actions is at zero and without a pipeline id is fine",
          "[pipeline][models]") {
    // GET /runs/{id}/progress has no pipeline_id; progress may be null.
    auto p = synapse::from_json<ps::pipeline_progress>(
        json::parse(R"({"run_id": "r", "status": "completed", "current_action": null,
          "current_action_index": 0, "progress": null, "error": null, "started_at": null,
          "completed_at": "2026-11-22T01:40:43.915228"})"));
    REQUIRE(p);
    CHECK_FALSE(p->pipeline_id);
    CHECK(p->overall_progress() == 0.0);
    CHECK(p->completed_actions() == 0);
    CHECK(p->is_terminal());
    CHECK(synapse::to_json(*p)["progress"].is_null());
}

TEST_CASE("validation names every failing field of an answer with its path", "[pipeline][models]") {
    auto p = synapse::from_json<ps::pipeline_progress>(json::parse(
        R"({"status": "exploded", "progress": [{"name": "a", "progress": 1.5}, {"status": 3}]})"));
    REQUIRE_FALSE(p);
    CHECK(p.error().code == errc::validation_failed);
    std::vector<std::string> paths;
    for (const auto& f : p.error().fields) paths.push_back(f.path);
    CHECK_THAT(paths, Catch::Matchers::UnorderedEquals(
                          std::vector<std::string>{"run_id", "status", "progress[1].name",
                                                   "progress[1].status", "progress[0].progress"}));
}

TEST_CASE("request bodies leave out the fields that are not set", "[pipeline][models]") {
    ps::run_update u;
    u.status = ps::run_status::cancelled;
    CHECK(ps::to_request_json(u) == json{{"status", "cancelled"}});

    ps::progress_update p;
    p.current_action_index = 1;
    p.action_progress = ps::action_progress{.name = "train", .progress = 0.5};
    // The nested action progress is complete, as synapse-sdk's ActionProgress.to_dict sends it.
    CHECK(ps::to_request_json(p).dump() ==
          R"({"current_action_index":1,"action_progress":{"name":"train","status":"pending",)"
          R"("progress":0.5,"progress_step":null,"message":null,"metrics":{},"started_at":null,)"
          R"("completed_at":null,"error":null}})");

    ps::checkpoint_create c{.action_name = "download", .action_index = 0};
    CHECK(ps::to_request_json(c) ==
          json{{"action_name", "download"}, {"action_index", 0}, {"status", "completed"}});

    ps::log_entry_create l{.message = "hello"};
    CHECK(ps::to_request_json(l) == json{{"level", "info"}, {"message", "hello"}});
}

TEST_CASE("checkpoints and log entries read the service's answers", "[pipeline][models]") {
    auto c = synapse::from_json<ps::checkpoint>(json::parse(
        R"({"id": "c1", "run_id": "r", "action_name": "download", "action_index": 0,
            "status": "completed", "params_snapshot": {"dataset": 7, "path": "/data"},
            "result": {"path": "/data"}, "artifacts_path": null,
            "created_at": "2026-11-22T01:40:43.915228"})"));
    REQUIRE(c);
    CHECK(c->params_snapshot == json{{"dataset", 7}, {"path", "/data"}});
    CHECK_FALSE(c->artifacts_path);

    auto l = synapse::from_json<ps::log_entry>(json::parse(
        R"({"id": "l1", "run_id": "r", "action_name": null, "level": "warning",
            "message": "disk almost full", "timestamp": "2026-11-22T01:40:43.915228"})"));
    REQUIRE(l);
    CHECK(l->level == ps::log_level::warning);
    CHECK_FALSE(l->action_name);

    auto bad = synapse::from_json<ps::log_entry>(json::parse(
        R"({"id": "l1", "run_id": "r", "level": "critical", "message": "m", "timestamp": "t"})"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().where == "level");
}
