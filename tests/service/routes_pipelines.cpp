// /health, pipelines and the runs of a pipeline over real HTTP, with a real SQLite file.
#include <string>

#include <catch2/catch.hpp>

#include "api_fixtures.hpp"
#include "service_process.hpp"

using synapse::json;
using test_support::api;
using test_support::service_process;
using test_support::temp_dir;
using test_support::two_actions;

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
