// Runs and their progress over real HTTP: listing, progress posts in dev-api's order, PATCH.
#include <string>

#include <catch2/catch.hpp>

#include "api_fixtures.hpp"
#include "service_process.hpp"

using synapse::json;
using test_support::api;
using test_support::first_loc;
using test_support::make_pipeline;
using test_support::make_run;
using test_support::service_process;
using test_support::temp_dir;

TEST_CASE("runs are listed newest first, filtered by status and per pipeline", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    const auto first = make_run(a, pid);
    const auto second = make_run(a, pid);
    REQUIRE(a.post("/api/v1/runs/" + second + "/progress", {{"status", "running"}}).status == 200);

    auto all = a.get("/api/v1/runs/");
    REQUIRE(all.body.size() == 2);
    CHECK(all.body[0]["id"] == second);
    CHECK(all.body[1]["id"] == first);
    auto running = a.get("/api/v1/runs/?status_filter=running");
    REQUIRE(running.body.size() == 1);
    CHECK(running.body[0]["id"] == second);
    CHECK(a.get("/api/v1/runs/?status_filter=").body.size() == 2);
    CHECK(a.get("/api/v1/runs/?skip=1").body.size() == 1);

    auto of_pipeline = a.get("/api/v1/pipelines/" + pid + "/runs/");
    REQUIRE(of_pipeline.body.size() == 2);
    CHECK(of_pipeline.body[0]["id"] == first);
    CHECK(a.get("/api/v1/pipelines/nope/runs/").status == 404);

    auto bad = a.get("/api/v1/runs/?status_filter=sleeping");
    CHECK(bad.status == 422);
    CHECK(first_loc(bad) == "query.status_filter");
    auto bad_skip = a.get("/api/v1/runs/?skip=abc");
    CHECK(bad_skip.status == 422);
    CHECK(first_loc(bad_skip) == "query.skip");
}

TEST_CASE("progress posts follow dev-api's order and keep an action's started_at",
          "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    const std::string url = "/api/v1/runs/" + run + "/progress";

    auto running = a.post(url, {{"status", "running"}});
    REQUIRE(running.status == 200);
    CHECK(running.body["status"] == "running");
    const auto started = running.body["started_at"];
    CHECK(started.is_string());
    // A second "running" keeps the first started_at.
    CHECK(a.post(url, {{"status", "running"}}).body["started_at"] == started);

    auto step = a.post(url, {{"current_action", "train"},
                             {"current_action_index", 1},
                             {"action_progress",
                              {{"name", "train"},
                               {"status", "running"},
                               {"progress", 0.0},
                               {"started_at", "2026-11-22T01:00:00.000001"}}}});
    REQUIRE(step.status == 200);
    CHECK(step.body["current_action"] == "train");
    CHECK(step.body["current_action_index"] == 1);
    CHECK(step.body["progress"][1]["status"] == "running");
    CHECK(step.body["progress"][0]["status"] == "pending");

    // The index defaults to the stored one; the replacement keeps started_at (dev-api loses it).
    auto half = a.post(url, {{"action_progress",
                              {{"name", "train"},
                               {"status", "running"},
                               {"progress", 0.5},
                               {"progress_category", "epochs"},
                               {"message", "5/10"},
                               {"metrics", {{"loss", 0.25}}}}}});
    REQUIRE(half.status == 200);
    const auto entry = half.body["progress"][1];
    CHECK(entry["progress"] == 0.5);
    CHECK(entry["message"] == "5/10");
    // dev-api's field is progress_step; older synapse-sdk actors send progress_category.
    CHECK(entry["progress_step"] == "epochs");
    CHECK_FALSE(entry.contains("progress_category"));
    CHECK(entry["metrics"] == json{{"loss", 0.25}});
    CHECK(entry["started_at"] == "2026-11-22T01:00:00.000001");

    // Out-of-range index: silently ignored, as dev-api does.
    CHECK(a.post(url, {{"current_action_index", 7}, {"action_progress", {{"name", "x"}}}}).status ==
          200);

    auto progress = a.get(url);
    REQUIRE(progress.status == 200);
    CHECK_FALSE(progress.body.contains("pipeline_id"));
    CHECK(progress.body["run_id"] == run);
    CHECK(progress.body["progress"][1]["progress"] == 0.5);
    for (const char* k : {"status", "current_action", "current_action_index", "error", "started_at",
                          "completed_at"})
        CHECK(progress.body.contains(k));

    auto failed = a.post(url, {{"status", "failed"}, {"error", "boom"}});
    CHECK(failed.body["status"] == "failed");
    CHECK(failed.body["error"] == "boom");
    CHECK(failed.body["completed_at"].is_string());
    CHECK(a.post("/api/v1/runs/nope/progress", {{"status", "running"}}).body ==
          json{{"detail", "Run not found"}});
    CHECK(a.get("/api/v1/runs/nope/progress").status == 404);
}

TEST_CASE("PATCH applies only the fields sent and a terminal status stamps completed_at",
          "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    const std::string url = "/api/v1/runs/" + run;
    auto patched = a.patch(url, {{"result", {{"model", "m.json"}}}});
    REQUIRE(patched.status == 200);
    CHECK(patched.body["result"] == json{{"model", "m.json"}});
    CHECK(patched.body["status"] == "pending");
    CHECK(patched.body["params"] == json{{"lr", 0.1}});

    auto done = a.patch(url, {{"status", "completed"}});
    CHECK(done.body["status"] == "completed");
    CHECK(done.body["completed_at"].is_string());  // dev-api leaves it null
    CHECK(done.body["result"] == json{{"model", "m.json"}});

    auto cleared = a.patch(url, {{"error", nullptr}, {"completed_at", "2026-01-02T03:04:05Z"}});
    CHECK(cleared.body["completed_at"] == "2026-01-02T03:04:05.000000");
    CHECK(a.get(url).body == cleared.body);

    auto bad = a.patch(url, {{"status", "done"}});
    CHECK(bad.status == 422);
    CHECK(first_loc(bad) == "body.status");
    CHECK(a.patch("/api/v1/runs/nope", {{"error", "x"}}).status == 404);
    CHECK(a.del(url).status == 204);
    CHECK(a.get(url).status == 404);
    CHECK(a.del(url).status == 404);
}

TEST_CASE("a late progress post does not send an action of an ended run back to running",
          "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    const std::string url = "/api/v1/runs/" + run + "/progress";
    const json running = {{"current_action_index", 0},
                          {"action_progress", {{"name", "download"}, {"status", "running"}}}};
    REQUIRE(a.post(url, running).status == 200);
    auto cancelled = a.patch(
        "/api/v1/runs/" + run,
        {{"status", "cancelled"},
         {"progress", {{{"name", "download"}, {"status", "failed"}, {"error", "cancelled"}}}}});
    REQUIRE(cancelled.status == 200);
    auto late = a.post(url, running);  // in flight when the run was cancelled
    REQUIRE(late.status == 200);
    CHECK(late.body["progress"][0]["status"] == "failed");
    CHECK(late.body["progress"][0]["error"] == "cancelled");
}

TEST_CASE("a run that ends cancelled or failed ends the action still running with it",
          "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const json running = {{"current_action_index", 0},
                          {"action_progress", {{"name", "download"}, {"status", "running"}}}};
    const auto cancelled_run = make_run(a, make_pipeline(a));
    REQUIRE(a.post("/api/v1/runs/" + cancelled_run + "/progress", running).status == 200);
    auto cancelled = a.patch("/api/v1/runs/" + cancelled_run, {{"status", "cancelled"}});
    REQUIRE(cancelled.status == 200);
    CHECK(cancelled.body["progress"][0]["status"] == "failed");
    CHECK(cancelled.body["progress"][0]["error"] == "cancelled");
    CHECK(cancelled.body["progress"][0]["completed_at"].is_string());
    CHECK(cancelled.body["progress"][1]["status"] == "pending");

    const auto failed_run = make_run(a, make_pipeline(a));
    const std::string progress = "/api/v1/runs/" + failed_run + "/progress";
    REQUIRE(a.post(progress, running).status == 200);
    auto failed = a.post(progress, {{"status", "failed"}, {"error", "the runner's node died"}});
    REQUIRE(failed.status == 200);
    CHECK(failed.body["progress"][0]["status"] == "failed");
    CHECK(failed.body["progress"][0]["error"] == "the runner's node died");
    // The runner's own word, arriving later, still wins.
    auto own = a.post(
        progress,
        {{"current_action_index", 0},
         {"action_progress", {{"name", "download"}, {"status", "failed"}, {"error", "boom"}}}});
    CHECK(own.body["progress"][0]["error"] == "boom");
}
