// Progress states and action progress: the mean and counts synapse-sdk computes, and the rules
// the service checks (progress 0..1, metrics an object, ISO-8601 timestamps).
#include <synapse/pipeline/models/progress.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ps = synapse::pipeline_service;
using synapse::errc;
using synapse::json;

namespace {

std::vector<std::string> paths(const synapse::error& e) {
    std::vector<std::string> out;
    for (const auto& f : e.fields) out.push_back(f.path);
    return out;
}

}  // namespace

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
    CHECK_THAT(paths(p.error()), Catch::Matchers::UnorderedEquals(std::vector<std::string>{
                                     "run_id", "status", "progress[1].name", "progress[1].status",
                                     "progress[0].progress"}));
}

TEST_CASE("an action's progress is a fraction, its metrics an object, its times ISO-8601",
          "[pipeline][models]") {
    auto bad = synapse::from_json<ps::action_progress>(json{{"name", "train"},
                                                            {"progress", -0.5},
                                                            {"metrics", json::array()},
                                                            {"started_at", "yesterday"},
                                                            {"completed_at", "2026-13-01"}});
    REQUIRE_FALSE(bad);
    CHECK(paths(bad.error()) ==
          std::vector<std::string>{"progress", "metrics", "started_at", "completed_at"});
    CHECK(bad.error().fields[0].message == "must be between 0.0 and 1.0, got -0.5");
    CHECK(bad.error().fields[1].message == "expected object, got array");
    for (const auto& f : bad.error().fields) CHECK(f.expected == "constraint");

    CHECK(synapse::from_json<ps::action_progress>(json{{"name", "train"},
                                                       {"progress", 1.0},
                                                       {"started_at", "2026-11-22T01:40:43Z"},
                                                       {"completed_at", nullptr}}));
}

TEST_CASE("the action progress schema states the service's rules", "[pipeline][models]") {
    const json s = synapse::json_schema<ps::action_progress>();
    const json& p = s["properties"];
    CHECK(p["progress"]["minimum"] == 0.0);
    CHECK(p["progress"]["maximum"] == 1.0);
    CHECK(p["metrics"]["type"] == "object");
    CHECK(p["started_at"]["anyOf"][0] == json{{"type", "string"}, {"format", "date-time"}});
    CHECK(p["status"]["enum"] ==
          json::array({"pending", "running", "completed", "failed", "skipped"}));
}
