// Requests the service refuses: 422 in FastAPI's shape naming the field, 413 over the limit.
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
