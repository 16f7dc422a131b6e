// Requests no honest client sends: bodies that are not objects, arrays where objects belong,
// bytes that are not UTF-8 in bodies, queries, paths and headers. Each gets a 4xx with a JSON
// answer (or, for a Last-Event-ID, a reset), never a 500, and changes nothing.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "api_fixtures.hpp"
#include "service_process.hpp"
#include "sse_client.hpp"
#include "stream_fixture.hpp"

using synapse::json;
using test_support::api;
using test_support::first_loc;
using test_support::make_pipeline;
using test_support::make_run;
using test_support::service_process;
using test_support::temp_dir;

TEST_CASE("a body that is not a JSON object gets 422 at the body", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    const auto run = make_run(a, pid);
    const std::vector<std::pair<std::string, std::string>> targets = {
        {"POST", "/api/v1/pipelines/"},
        {"PUT", "/api/v1/pipelines/" + pid},
        {"POST", "/api/v1/pipelines/" + pid + "/runs/"},
        {"PATCH", "/api/v1/runs/" + run},
        {"POST", "/api/v1/runs/" + run + "/progress"},
        {"POST", "/api/v1/runs/" + run + "/checkpoints/"},
        {"POST", "/api/v1/runs/" + run + "/logs/"},
    };
    for (const auto& [method, path] : targets) {
        for (const char* body : {"[]", "5", "\"text\"", "null", "true", "[{\"name\": \"x\"}]"}) {
            INFO(method << " " << path << " " << body);
            auto r = a.send(method, path, body);
            CHECK(r.status == 422);
            CHECK(first_loc(r) == "body");
            CHECK(r.body["detail"][0]["type"] == "type_error");
            CHECK(r.body["detail"][0]["msg"].get<std::string>().rfind("body: expected object", 0) ==
                  0);
        }
    }
    CHECK(a.get("/api/v1/pipelines/").body.size() == 1);
    CHECK(a.get("/api/v1/runs/" + run).body["status"] == "pending");
}

TEST_CASE("an array or a scalar where an object belongs gets 422 naming the field",
          "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    const auto run = make_run(a, pid);
    const std::string runs = "/api/v1/runs/" + run;
    struct refused {
        std::string method, path;
        json body;
        std::string loc;
    };
    const std::vector<refused> cases = {
        {"POST", runs + "/progress", {{"action_progress", json::array()}}, "body.action_progress"},
        {"POST",
         runs + "/progress",
         {{"action_progress", {{"name", "a"}, {"metrics", {1}}}}},
         "body.action_progress.metrics"},
        {"POST", runs + "/logs/", {{"entries", json::object()}}, "body.entries"},
        {"POST", runs + "/logs/", {{"entries", {5}}}, "body.entries.0"},
        {"POST", "/api/v1/pipelines/" + pid + "/runs/", {{"params", "x"}}, "body.params"},
        {"POST",
         runs + "/checkpoints/",
         {{"action_name", "a"}, {"action_index", 0}, {"result", {1, 2}}},
         "body.result"},
        {"PATCH", runs, {{"progress", {{"a", 1}}}}, "body.progress"},
        {"PATCH", runs, {{"result", "done"}}, "body.result"},
        {"PATCH",
         runs,
         {{"progress", {{{"name", "a"}, {"progress_category", 5}}}}},
         "body.progress.0.progress_step"},
        {"POST", "/api/v1/pipelines/", {{"name", "x"}, {"actions", {{"a", "b"}}}}, "body.actions"},
    };
    for (const auto& c : cases) {
        INFO(c.method << " " << c.path << " " << c.body.dump());
        auto r = a.send(c.method, c.path, c.body.dump());
        CHECK(r.status == 422);
        CHECK(first_loc(r) == c.loc);
    }
    auto state = a.get(runs).body;
    CHECK(state["status"] == "pending");
    CHECK(state["result"].is_null());
    CHECK(a.get(runs + "/logs/").body.empty());
}

TEST_CASE("bytes that are not UTF-8 get a 4xx whose answer is JSON", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    const std::string runs = "/api/v1/runs/" + run;

    auto body = a.send("POST", "/api/v1/pipelines/", "{\"name\": \"demo \xFF\"}");
    CHECK(body.status == 422);
    REQUIRE(body.body.is_object());  // the answer parsed as JSON
    CHECK(body.body["detail"][0]["type"] == "json_invalid");

    // The message quotes a preview of the value, which must not end mid-character.
    std::string accents;
    for (int i = 0; i < 30; ++i) accents += "\xC3\xA9";
    auto preview = a.send("POST", "/api/v1/pipelines/", "[\"" + accents + "\"]");
    CHECK(preview.status == 422);
    REQUIRE(preview.body.is_object());
    CHECK(first_loc(preview) == "body");

    struct query {
        std::string path, loc;
    };
    for (const auto& q :
         std::vector<query>{{"/api/v1/runs/?status_filter=%FF", "query.status_filter"},
                            {"/api/v1/runs/?skip=%FF%FE", "query.skip"},
                            {"/api/v1/pipelines/?limit=1%C3", "query.limit"},
                            {runs + "/logs/?level=%C0%AF", "query.level"},
                            {runs + "/logs/?since=2026%FF", "query.since"}}) {
        INFO(q.path);
        auto r = a.get(q.path);
        CHECK(r.status == 422);
        REQUIRE(r.body.is_object());
        CHECK(first_loc(r) == q.loc);
        CHECK(r.body["detail"][0]["msg"].get<std::string>().find("\xEF\xBF\xBD") !=
              std::string::npos);
    }

    auto path = a.get("/api/v1/runs/%FF");
    CHECK(path.status == 404);
    CHECK(path.body == json{{"detail", "Run not found"}});
    CHECK(a.get(runs + "/checkpoints/%FF%FE").body == json{{"detail", "Checkpoint not found"}});
    auto filtered = a.get(runs + "/checkpoints/?action_name=%FF");
    CHECK(filtered.status == 200);
    CHECK(filtered.body == json::array());
    CHECK(a.get(runs).body["status"] == "pending");
}

TEST_CASE("a Last-Event-ID that is not UTF-8 gets a reset event, then the current state",
          "[service][stream]") {
    test_support::fixture fx;
    test_support::sse_client c(fx.svc->port(), fx.stream_path(), std::string("\xFF\xFE"));
    REQUIRE(c.status() == 200);
    auto reset = test_support::next_event(c);
    CHECK(reset.event == "reset");
    const auto info = json::parse(reset.data);
    CHECK(info["last_event_id"] == "\xEF\xBF\xBD\xEF\xBF\xBD");
    auto current = test_support::next_event(c);
    CHECK(current.event == "progress");
    CHECK(json::parse(current.data)["run_id"] == fx.run);
}
