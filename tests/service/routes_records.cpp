// A run's checkpoints and logs over real HTTP.
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
