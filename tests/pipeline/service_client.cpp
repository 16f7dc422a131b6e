// The pipeline service client against scripted answers: the exact request of every endpoint and
// how its answer is read. tests/pipeline/interop/ runs the same calls against real services.
#include <synapse/pipeline/service_client.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "answers.hpp"

namespace ps = synapse::pipeline_service;
using namespace test_answers;
using synapse::errc;
using synapse::json;
using synapse::testing::scripted_transport;

TEST_CASE("create_pipeline posts the definition and reads the stored pipeline",
          "[pipeline][client]") {
    scripted_transport t;
    t.respond(201, pipeline_answer);
    client_type client(std::move(t));
    auto p = client.create_pipeline(
        {.name = "train", .actions = {{.name = "download", .entrypoint = "m.Download"}}});
    REQUIRE(p);
    CHECK(p->id == "p1");
    CHECK(p->actions.at(0).entrypoint == "m.Download");
    const auto& sent = client.transport().requests().at(0);
    CHECK(sent.method == "POST");
    CHECK(sent.target == "/api/v1/pipelines/");
    CHECK(sent.content_type == "application/json");
    CHECK(
        sent.body ==
        R"({"name":"train","actions":[{"name":"download","entrypoint":"m.Download","description":null}]})");
}

TEST_CASE("every endpoint uses the service's method and path", "[pipeline][client]") {
    scripted_transport t;
    t.respond(200, R"({"status": "healthy", "service": "Synapse Pipeline Service"})")
        .respond(200, std::string("[") + pipeline_answer + "]")
        .respond(200, pipeline_answer)
        .respond(200, pipeline_answer)
        .respond(204)
        .respond(201, run_answer())
        .respond(200, "[" + run_answer() + "]")
        .respond(200, "[" + run_answer("failed") + "]")
        .respond(200, run_answer())
        .respond(200, run_answer("cancelled"))
        .respond(204)
        .respond(200, run_answer("running"))
        .respond(200, R"({"run_id": "r1", "status": "running", "current_action": null,
            "current_action_index": 0, "progress": [], "error": null, "started_at": null,
            "completed_at": null})")
        .respond(201, checkpoint_answer)
        .respond(200, std::string("[") + checkpoint_answer + "]")
        .respond(200, checkpoint_answer)
        .respond(200, checkpoint_answer)
        .respond(201, std::string("[") + log_answer + "]")
        .respond(200, std::string("[") + log_answer + "]");
    client_type c(std::move(t));

    auto health = c.health();
    REQUIRE(health);
    CHECK(health->status == "healthy");
    REQUIRE(c.list_pipelines({.skip = 5, .limit = 10}));
    REQUIRE(c.get_pipeline("p1"));
    REQUIRE(c.update_pipeline("p1", {.description = "new"}));
    REQUIRE(c.delete_pipeline("p1"));
    REQUIRE(c.create_run("p1", {.params = json{{"dataset", 7}}}));
    REQUIRE(c.list_pipeline_runs("p1"));
    auto failed = c.list_runs(ps::run_status::failed);
    REQUIRE(failed);
    CHECK(failed->at(0).status == ps::run_status::failed);
    REQUIRE(c.get_run("r1"));
    REQUIRE(c.update_run("r1", {.status = ps::run_status::cancelled}));
    REQUIRE(c.delete_run("r1"));
    REQUIRE(c.report_progress("r1", {.status = ps::run_status::running}));
    auto progress = c.get_progress("r1");
    REQUIRE(progress);
    CHECK(progress->status == ps::run_status::running);
    REQUIRE(c.create_checkpoint(
        "r1",
        {.action_name = "download", .action_index = 0, .params_snapshot = json{{"dataset", 7}}}));
    REQUIRE(c.list_checkpoints("r1"));
    auto latest = c.latest_checkpoint("r1");
    REQUIRE(latest);
    REQUIRE(*latest);
    CHECK((*latest)->params_snapshot == json{{"dataset", 7}});
    REQUIRE(c.checkpoint_for("r1", "down load"));
    auto appended = c.append_logs("r1", {{.action_name = "download", .message = "hello"}});
    REQUIRE(appended);
    CHECK(appended->at(0).message == "hello");
    REQUIRE(c.get_logs("r1", {.action_name = "download",
                              .level = ps::log_level::warning,
                              .since = "2026-11-22T01:40:43.915228",
                              .limit = 50}));

    const std::vector<std::pair<std::string, std::string>> expected = {
        {"GET", "/health"},
        {"GET", "/api/v1/pipelines/?skip=5&limit=10"},
        {"GET", "/api/v1/pipelines/p1"},
        {"PUT", "/api/v1/pipelines/p1"},
        {"DELETE", "/api/v1/pipelines/p1"},
        {"POST", "/api/v1/pipelines/p1/runs/"},
        {"GET", "/api/v1/pipelines/p1/runs/?skip=0&limit=100"},
        {"GET", "/api/v1/runs/?status_filter=failed&skip=0&limit=100"},
        {"GET", "/api/v1/runs/r1"},
        {"PATCH", "/api/v1/runs/r1"},
        {"DELETE", "/api/v1/runs/r1"},
        {"POST", "/api/v1/runs/r1/progress"},
        {"GET", "/api/v1/runs/r1/progress"},
        {"POST", "/api/v1/runs/r1/checkpoints/"},
        {"GET", "/api/v1/runs/r1/checkpoints/"},
        {"GET", "/api/v1/runs/r1/checkpoints/latest"},
        {"GET", "/api/v1/runs/r1/checkpoints/down%20load"},
        {"POST", "/api/v1/runs/r1/logs/"},
        {"GET",
         "/api/v1/runs/r1/logs/?action_name=download&level=warning&since=2026-11-22T01%3A40%3A43."
         "915228&limit=50"},
    };
    const auto& sent = c.transport().requests();
    REQUIRE(sent.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("request " << i);
        CHECK(sent[i].method == expected[i].first);
        CHECK(sent[i].target == expected[i].second);
    }
    CHECK(json::parse(sent[3].body) == json{{"description", "new"}});
    CHECK(json::parse(sent[5].body) == json{{"params", {{"dataset", 7}}}});
    CHECK(json::parse(sent[9].body) == json{{"status", "cancelled"}});
    CHECK(json::parse(sent[11].body) == json{{"status", "running"}});
    CHECK(json::parse(sent[13].body) == json{{"action_name", "download"},
                                             {"action_index", 0},
                                             {"status", "completed"},
                                             {"params_snapshot", {{"dataset", 7}}}});
    CHECK(json::parse(sent[17].body) ==
          json{{"entries",
                json::array(
                    {{{"action_name", "download"}, {"level", "info"}, {"message", "hello"}}})}});
    CHECK(sent[0].body.empty());
    CHECK(sent[0].content_type.empty());
}

TEST_CASE("no checkpoint yet is an empty answer, an unknown run is not_found",
          "[pipeline][client]") {
    scripted_transport t;
    t.respond(404, R"({"detail": "No checkpoints found"})")
        .respond(404, R"({"detail": "Checkpoint not found"})")
        .respond(404, R"({"detail": "Run not found"})");
    client_type c(std::move(t));
    auto none = c.latest_checkpoint("r1");
    REQUIRE(none);
    CHECK_FALSE(*none);
    auto not_for_action = c.checkpoint_for("r1", "train");
    REQUIRE(not_for_action);
    CHECK_FALSE(*not_for_action);
    auto unknown = c.latest_checkpoint("nope");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == errc::not_found);
}

TEST_CASE("the checkpoint of an action named latest is found in the list", "[pipeline][client]") {
    std::string named_latest = checkpoint_answer;
    named_latest.replace(named_latest.find("\"download\""), 10, "\"latest\"");
    scripted_transport t;
    t.respond(200, std::string("[") + checkpoint_answer + ", " + named_latest + "]");
    client_type c(std::move(t));
    auto found = c.checkpoint_for("r1", "latest");
    REQUIRE(found);
    REQUIRE(*found);
    CHECK((*found)->action_name == "latest");
    CHECK(c.transport().requests().at(0).target == "/api/v1/runs/r1/checkpoints/");
}
