// Every endpoint of the pipeline service (reference §2.3) over real HTTP, with a real SQLite file.
#include <string>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "service_process.hpp"

using synapse::json;
using test_support::api;
using test_support::service_process;
using test_support::temp_dir;

namespace {

const json two_actions = json::array({{{"name", "download"}, {"entrypoint", "plugin.Download"}},
                                      {{"name", "train"}, {"entrypoint", "plugin.Train"}}});

std::string make_pipeline(api& a) {
    auto r = a.post("/api/v1/pipelines/", {{"name", "demo"}, {"actions", two_actions}});
    REQUIRE(r.status == 201);
    return r.body["id"].get<std::string>();
}

std::string make_run(api& a, const std::string& pipeline) {
    auto r = a.post("/api/v1/pipelines/" + pipeline + "/runs/", {{"params", {{"lr", 0.1}}}});
    REQUIRE(r.status == 201);
    return r.body["id"].get<std::string>();
}

/// The `loc` of the first 422 detail item, joined with dots.
std::string first_loc(const api::reply& r) {
    std::string out;
    for (const auto& p : r.body["detail"][0]["loc"])
        out += (out.empty() ? "" : ".") + (p.is_string() ? p.get<std::string>() : p.dump());
    return out;
}

}  // namespace

TEST_CASE("the health endpoint answers like dev-api", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    auto r = a.get("/health");
    CHECK(r.status == 200);
    CHECK(r.body == json{{"status", "healthy"}, {"service", "Synapse Pipeline Service"}});
}

TEST_CASE("pipelines are created, listed, read, replaced and deleted", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    auto created =
        a.post("/api/v1/pipelines/",
               {{"name", "demo"}, {"description", "two steps"}, {"actions", two_actions}});
    REQUIRE(created.status == 201);
    const auto id = created.body["id"].get<std::string>();
    CHECK(id.size() == 36);
    CHECK(created.body["name"] == "demo");
    CHECK(created.body["description"] == "two steps");
    CHECK(created.body["actions"][1]["entrypoint"] == "plugin.Train");
    CHECK(created.body["actions"][1]["description"].is_null());
    CHECK(created.body["created_at"].get<std::string>().size() == 26);  // naive UTC, microseconds
    CHECK(created.body["updated_at"].is_string());

    a.post("/api/v1/pipelines/", {{"name", "second"}});
    auto list = a.get("/api/v1/pipelines/");
    REQUIRE(list.status == 200);
    REQUIRE(list.body.size() == 2);
    CHECK(list.body[0]["id"] == id);
    CHECK(a.get("/api/v1/pipelines/?skip=1&limit=5").body.size() == 1);
    CHECK(a.get("/api/v1/pipelines/?limit=1").body.size() == 1);

    auto read = a.get("/api/v1/pipelines/" + id);
    CHECK(read.status == 200);
    CHECK(read.body == created.body);

    auto updated = a.put("/api/v1/pipelines/" + id, {{"description", nullptr}});
    REQUIRE(updated.status == 200);
    CHECK(updated.body["name"] == "demo");  // not sent, kept
    CHECK(updated.body["description"].is_null());
    CHECK(updated.body["actions"].size() == 2);

    CHECK(a.del("/api/v1/pipelines/" + id).status == 204);
    auto gone = a.get("/api/v1/pipelines/" + id);
    CHECK(gone.status == 404);
    CHECK(gone.body == json{{"detail", "Pipeline not found"}});
    CHECK(a.del("/api/v1/pipelines/" + id).status == 404);
    CHECK(a.put("/api/v1/pipelines/" + id, {{"name", "x"}}).status == 404);
}

TEST_CASE("a run starts pending with one progress entry per action", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    auto pipeline = a.post(
        "/api/v1/pipelines/",
        {{"name", "demo"},
         {"actions",
          {{{"name", ""}, {"entrypoint", "m.A"}}, {{"name", "train"}, {"entrypoint", "m.B"}}}}});
    const auto pid = pipeline.body["id"].get<std::string>();
    auto run = a.post("/api/v1/pipelines/" + pid + "/runs/",
                      {{"params", {{"epochs", 3}}}, {"work_dir", "/tmp/w"}});
    REQUIRE(run.status == 201);
    CHECK(run.body["pipeline_id"] == pid);
    CHECK(run.body["status"] == "pending");
    CHECK(run.body["params"] == json{{"epochs", 3}});
    CHECK(run.body["work_dir"] == "/tmp/w");
    CHECK(run.body["current_action"].is_null());
    CHECK(run.body["current_action_index"] == 0);
    CHECK(run.body["result"].is_null());
    CHECK(run.body["started_at"].is_null());
    CHECK(run.body["completed_at"].is_null());
    const json pending_entry = {
        {"name", "action_0"},       {"status", "pending"},     {"progress", 0.0},
        {"progress_step", nullptr}, {"message", nullptr},      {"metrics", json::object()},
        {"started_at", nullptr},    {"completed_at", nullptr}, {"error", nullptr}};
    REQUIRE(run.body["progress"].size() == 2);
    CHECK(run.body["progress"][0] == pending_entry);
    CHECK(run.body["progress"][1]["name"] == "train");

    auto empty = a.send("POST", "/api/v1/pipelines/" + pid + "/runs/", "{}");
    CHECK(empty.status == 201);
    CHECK(empty.body["params"].is_null());  // as dev-api stores it
    CHECK(a.post("/api/v1/pipelines/nope/runs/", json::object()).body ==
          json{{"detail", "Pipeline not found"}});
}

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

TEST_CASE("checkpoints are stored, ordered, and found by latest and by name", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    const std::string url = "/api/v1/runs/" + run + "/checkpoints/";
    CHECK(a.get(url + "latest").body == json{{"detail", "No checkpoints found"}});

    auto second = a.post(url, {{"action_name", "train"},
                               {"action_index", 1},
                               {"params_snapshot", {{"lr", 0.1}, {"rows", 10}}},
                               {"result", {{"loss", 0.2}}}});
    REQUIRE(second.status == 201);
    CHECK(second.body["status"] == "completed");  // the default
    CHECK(second.body["run_id"] == run);
    CHECK(second.body["artifacts_path"].is_null());
    auto first =
        a.post(url, {{"action_name", "latest"}, {"action_index", 0}, {"status", "skipped"}});
    REQUIRE(first.status == 201);
    CHECK(first.body["params_snapshot"].is_null());

    auto list = a.get(url);
    REQUIRE(list.body.size() == 2);
    CHECK(list.body[0]["action_name"] == "latest");  // ordered by action_index
    CHECK(list.body[1] == second.body);
    CHECK(a.get(url + "latest").body == second.body);
    CHECK(a.get(url + "train").body == second.body);
    CHECK(a.get(url + "nothing").body == json{{"detail", "Checkpoint not found"}});
    // An action named "latest" is reachable (dev-api cannot).
    CHECK(a.get(url + "by-name/latest").body == first.body);
    CHECK(a.get(url + "?action_name=latest").body == json::array({first.body}));

    CHECK(a.post("/api/v1/runs/nope/checkpoints/", {{"action_name", "a"}, {"action_index", 0}})
              .status == 404);
    CHECK(a.get("/api/v1/runs/nope/checkpoints/latest").body == json{{"detail", "Run not found"}});
    auto bad = a.post(url, {{"action_name", "a"}, {"action_index", "one"}});
    CHECK(bad.status == 422);
    CHECK(first_loc(bad) == "body.action_index");
}

TEST_CASE("logs are appended in batches and filtered by action, level and time", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    const std::string url = "/api/v1/runs/" + run + "/logs/";
    auto created =
        a.post(url, {{"entries",
                      {{{"message", "first"}, {"timestamp", "2026-01-01T00:00:01"}},
                       {{"message", "second"},
                        {"level", "error"},
                        {"action_name", "train"},
                        {"timestamp", "2026-01-01T00:00:02+00:00"}},
                       {{"message", "third"}, {"action_name", "train"}, {"level", "warning"}}}}});
    REQUIRE(created.status == 201);
    REQUIRE(created.body.size() == 3);
    CHECK(created.body[0]["level"] == "info");
    CHECK(created.body[0]["action_name"].is_null());
    CHECK(created.body[0]["timestamp"] == "2026-01-01T00:00:01.000000");
    CHECK(created.body[1]["timestamp"] == "2026-01-01T00:00:02.000000");
    CHECK(created.body[2]["timestamp"].is_string());

    CHECK(a.get(url).body == created.body);
    CHECK(a.get(url + "?action_name=train").body.size() == 2);
    CHECK(a.get(url + "?level=error").body.size() == 1);
    auto since = a.get(url + "?since=2026-01-01T00:00:01");  // strictly after
    REQUIRE(since.body.size() == 2);
    CHECK(since.body[0]["message"] == "second");
    CHECK(a.get(url + "?limit=1").body.size() == 1);

    CHECK(a.get(url + "?limit=0").status == 422);
    CHECK(a.get(url + "?limit=10001").status == 422);
    auto bad_level = a.post(url, {{"entries", {{{"message", "x"}, {"level", "critical"}}}}});
    CHECK(bad_level.status == 422);
    CHECK(first_loc(bad_level) == "body.entries.0.level");
    auto no_message = a.post(url, {{"entries", {{{"level", "info"}}}}});
    CHECK(first_loc(no_message) == "body.entries.0.message");
    CHECK(a.get(url + "?since=yesterday").status == 422);
    CHECK(a.get("/api/v1/runs/nope/logs/").status == 404);
    // A rejected batch writes nothing.
    CHECK(a.get(url).body.size() == 3);
}

TEST_CASE("bad input gets 422 naming the field", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    const std::string progress = "/api/v1/runs/" + run + "/progress";

    auto malformed = a.send("POST", progress, "{\"status\": ");
    CHECK(malformed.status == 422);
    CHECK(malformed.body["detail"][0]["type"] == "json_invalid");
    CHECK(malformed.body["detail"][0]["msg"].get<std::string>().find("line 1") !=
          std::string::npos);

    auto out_of_range = a.post(progress, {{"action_progress", {{"name", "a"}, {"progress", 1.5}}}});
    CHECK(out_of_range.status == 422);
    CHECK(first_loc(out_of_range) == "body.action_progress.progress");
    CHECK(out_of_range.body["detail"][0]["msg"].get<std::string>().find("must be between") !=
          std::string::npos);
    CHECK(a.post(progress, {{"action_progress", {{"name", "a"}, {"progress", -0.1}}}}).status ==
          422);

    auto unknown_status = a.post(progress, {{"status", "sleeping"}});
    CHECK(unknown_status.status == 422);
    CHECK(first_loc(unknown_status) == "body.status");
    auto action_status = a.post(progress, {{"action_progress", {{"name", "a"}, {"status", "?"}}}});
    CHECK(first_loc(action_status) == "body.action_progress.status");

    auto wrong_type = a.post(progress, {{"current_action_index", "two"}});
    CHECK(first_loc(wrong_type) == "body.current_action_index");
    auto bad_time =
        a.post(progress, {{"action_progress", {{"name", "a"}, {"started_at", "noon"}}}});
    CHECK(first_loc(bad_time) == "body.action_progress.started_at");

    auto no_name = a.post("/api/v1/pipelines/", {{"actions", json::array()}});
    CHECK(no_name.status == 422);
    CHECK(first_loc(no_name) == "body.name");
    CHECK(no_name.body["detail"][0]["type"] == "missing");
    CHECK(a.post("/api/v1/pipelines/", {{"name", std::string(256, 'x')}}).status == 422);
    CHECK(a.post("/api/v1/pipelines/", {{"name", ""}}).status == 422);
    auto params = a.post("/api/v1/pipelines/nope/runs/", {{"params", json::array()}});
    CHECK(first_loc(params) == "body.params");
    CHECK(a.send("POST", "/api/v1/pipelines/", "").status == 422);
    CHECK(a.send("POST", "/api/v1/pipelines/", std::string(100, '[') + std::string(100, ']'))
              .status == 422);

    // Nothing of the rejected posts was applied.
    auto state = a.get(progress).body;
    CHECK(state["status"] == "pending");
    CHECK(state["current_action_index"] == 0);
    CHECK(a.get("/api/v1/nothing/here").body == json{{"detail", "Not Found"}});
}

TEST_CASE("a body over the documented limit gets 413", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db", {"--max-body", "1000"});
    api a(svc.port());
    auto big =
        a.post("/api/v1/pipelines/", {{"name", "x"}, {"description", std::string(2000, 'd')}});
    CHECK(big.status == 413);
    CHECK(big.body["detail"].get<std::string>().find("1000 bytes") != std::string::npos);
    CHECK(a.post("/api/v1/pipelines/", {{"name", "x"}}).status == 201);
}

TEST_CASE("deleting a pipeline cascades to its runs, checkpoints and logs", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    const auto run = make_run(a, pid);
    a.post("/api/v1/runs/" + run + "/checkpoints/", {{"action_name", "a"}, {"action_index", 0}});
    a.post("/api/v1/runs/" + run + "/logs/", {{"entries", {{{"message", "m"}}}}});
    REQUIRE(a.del("/api/v1/pipelines/" + pid).status == 204);
    CHECK(a.get("/api/v1/runs/" + run).status == 404);
    svc.stop();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "p.db").c_str(), &db) == SQLITE_OK);
    for (const char* table : {"runs", "checkpoints", "logs"}) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, (std::string("SELECT count(*) FROM ") + table).c_str(), -1, &s,
                           nullptr);
        REQUIRE(sqlite3_step(s) == SQLITE_ROW);
        CHECK(sqlite3_column_int(s, 0) == 0);
        sqlite3_finalize(s);
    }
    sqlite3_stmt* v = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &v, nullptr);
    sqlite3_step(v);
    CHECK(sqlite3_column_int(v, 0) == 1);
    sqlite3_finalize(v);
    sqlite3_close(db);
}

TEST_CASE("a bearer token guards everything but /health", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db", {"--token", "s3cret"});
    api anonymous(svc.port());
    api wrong(svc.port(), "nope");
    api right(svc.port(), "s3cret");
    CHECK(anonymous.get("/health").status == 200);
    auto refused = anonymous.get("/api/v1/pipelines/");
    CHECK(refused.status == 401);
    CHECK(refused.body == json{{"detail", "Not authenticated"}});
    CHECK(wrong.get("/api/v1/pipelines/").status == 401);
    CHECK(wrong.post("/api/v1/pipelines/", {{"name", "x"}}).status == 401);
    CHECK(right.get("/api/v1/pipelines/").status == 200);
    CHECK(right.post("/api/v1/pipelines/", {{"name", "x"}}).status == 201);
    CHECK(anonymous.get("/api/v1/pipelines/?access_token=s3cret").status == 200);
}

TEST_CASE("CORS headers only when an origin is configured", "[service][api]") {
    temp_dir dir;
    httplib::Headers origin{{"Origin", "http://app.example"}};
    {
        service_process svc(dir / "a.db");
        httplib::Client c("127.0.0.1", svc.port());
        auto r = c.Get("/api/v1/pipelines/", origin);
        REQUIRE(r);
        CHECK_FALSE(r->has_header("Access-Control-Allow-Origin"));
    }
    service_process svc(dir / "b.db", {"--cors-origin", "http://app.example"});
    httplib::Client c("127.0.0.1", svc.port());
    auto r = c.Get("/api/v1/pipelines/", origin);
    REQUIRE(r);
    CHECK(r->get_header_value("Access-Control-Allow-Origin") == "http://app.example");
    auto other = c.Get("/api/v1/pipelines/", httplib::Headers{{"Origin", "http://evil.example"}});
    REQUIRE(other);
    CHECK_FALSE(other->has_header("Access-Control-Allow-Origin"));
    auto preflight = c.Options("/api/v1/pipelines/", origin);
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
    CHECK(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization") !=
          std::string::npos);
}

TEST_CASE("a database locked by another process gives 503 and writes nothing", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db", {"--busy-timeout", "200"});
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open((dir / "p.db").c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
    auto locked = a.post("/api/v1/runs/" + run + "/progress", {{"status", "running"}});
    CHECK(locked.status == 503);
    CHECK(locked.body["detail"].get<std::string>().find("locked") != std::string::npos);
    auto no_run =
        a.post("/api/v1/pipelines/" + a.get("/api/v1/pipelines/").body[0]["id"].get<std::string>() +
                   "/runs/",
               json::object());
    CHECK(no_run.status == 503);
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    CHECK(a.get("/api/v1/runs/" + run).body["status"] == "pending");
    CHECK(a.get("/api/v1/runs/").body.size() == 1);
    CHECK(a.post("/api/v1/runs/" + run + "/progress", {{"status", "running"}}).status == 200);
}

TEST_CASE("a full disk gives a 5xx with a clear message and no half-written run",
          "[service][api]") {
    temp_dir dir;
    // ulimit -f 2048: no file may grow past 1 or 2 MiB (blocks of 512 bytes or 1 KiB, by shell).
    service_process svc(dir / "p.db", {}, "ulimit -f 2048;");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    const auto run = make_run(a, pid);
    const json big = {{"params", {{"blob", std::string(3 * 1024 * 1024, 'x')}}}};
    auto full = a.post("/api/v1/pipelines/" + pid + "/runs/", big);
    CHECK(full.status >= 500);
    CHECK(full.body["detail"].get<std::string>().find("full") != std::string::npos);
    CHECK(a.get("/api/v1/runs/").body.size() == 1);
    CHECK(a.post("/api/v1/runs/" + run + "/progress", {{"status", "running"}}).status == 200);
}

TEST_CASE("SIGTERM and SIGINT stop the service cleanly", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    CHECK(svc.stop(SIGTERM) == 0);
    CHECK(svc.log().find("SIGTERM, shutting down") != std::string::npos);
    svc.start();
    CHECK(api(svc.port()).get("/health").status == 200);
    CHECK(svc.stop(SIGINT) == 0);
    CHECK(svc.log().find("SIGINT, shutting down") != std::string::npos);
}

TEST_CASE("every read sees the writes answered before it", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    for (int i = 0; i < 20; ++i) {
        const auto run = make_run(a, pid);
        // Reads of every kind, each leaving its statement on a row, then a write, then reads.
        CHECK(a.get("/api/v1/runs/" + run + "/checkpoints/").status == 200);
        CHECK(a.get("/api/v1/runs/" + run + "/logs/").status == 200);
        CHECK(a.get("/api/v1/pipelines/" + pid).status == 200);
        REQUIRE(a.post("/api/v1/runs/" + run + "/checkpoints/",
                       {{"action_name", "a"}, {"action_index", i}})
                    .status == 201);
        const auto next = make_run(a, pid);
        CHECK(a.get("/api/v1/runs/" + next).status == 200);
        CHECK(a.get("/api/v1/runs/" + run + "/checkpoints/latest").status == 200);
        CHECK(a.get("/api/v1/runs/" + next + "/progress").status == 200);
        REQUIRE(a.post("/api/v1/runs/" + next + "/progress", {{"status", "running"}}).status ==
                200);
        CHECK(a.get("/api/v1/runs/" + next).body["status"] == "running");
        CHECK(a.get("/api/v1/runs/?status_filter=running").body.size() ==
              static_cast<std::size_t>(i + 1));
    }
}

TEST_CASE("a path without its trailing slash is redirected with 307, as FastAPI does",
          "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    auto list = a.get("/api/v1/pipelines?skip=0");
    CHECK(list.status == 307);
    auto& raw = a.raw();
    auto r = raw.Post("/api/v1/pipelines", "{}", "application/json");
    REQUIRE(r);
    CHECK(r->status == 307);
    CHECK(r->get_header_value("Location") == "/api/v1/pipelines/");
    auto extra = raw.Get("/api/v1/runs/abc/");
    REQUIRE(extra);
    CHECK(extra->status == 307);
    CHECK(extra->get_header_value("Location") == "/api/v1/runs/abc");
    CHECK(a.get("/api/v1/unknown").status == 404);
}
