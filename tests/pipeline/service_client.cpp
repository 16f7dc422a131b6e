// The pipeline service client against scripted answers: the exact requests of every endpoint,
// and the error paths a real service does not give on demand (malformed answers, dropped
// streams). tests/pipeline/dev_api_interop.cpp runs the same calls against a real service.
#include <synapse/pipeline/service_client.hpp>

#include <catch2/catch.hpp>
#include <stop_token>
#include <string>
#include <vector>

#include <synapse/testing/scripted_transport.hpp>

namespace ps = synapse::pipeline_service;
using synapse::errc;
using synapse::json;
using synapse::testing::scripted_transport;
using client_type = synapse::basic_pipeline_service_client<scripted_transport>;

namespace {

const char* pipeline_answer = R"({"name": "train", "description": null,
  "actions": [{"name": "download", "entrypoint": "m.Download", "description": null}],
  "id": "p1", "created_at": "2026-11-22T01:40:43.915228", "updated_at": "2026-11-22T01:40:43.915239"})";

std::string run_answer(std::string_view status = "pending") {
    return R"({"id": "r1", "pipeline_id": "p1", "status": ")" + std::string(status) +
           R"(", "params": null, "current_action": null, "current_action_index": 0,
  "progress": [{"name": "download", "status": "pending", "progress": 0.0, "progress_step": null,
    "message": null, "metrics": {}, "started_at": null, "completed_at": null, "error": null}],
  "result": null, "error": null, "work_dir": null, "started_at": null, "completed_at": null,
  "created_at": "2026-11-22T01:40:43.915228"})";
}

const char* checkpoint_answer = R"({"id": "c1", "run_id": "r1", "action_name": "download",
  "action_index": 0, "status": "completed", "params_snapshot": {"dataset": 7}, "result": null,
  "artifacts_path": null, "created_at": "2026-11-22T01:40:43.915228"})";

const char* log_answer = R"({"id": "l1", "run_id": "r1", "action_name": "download",
  "level": "info", "message": "hello", "timestamp": "2026-11-22T01:40:43.915228"})";

std::string progress_frame(std::string_view event, std::string_view status, double progress,
                           std::string_view id = {}) {
    std::string frame;
    if (!id.empty()) frame += "id: " + std::string(id) + "\n";
    frame += "event: " + std::string(event) + "\n";
    frame += R"(data: {"run_id": "r1", "pipeline_id": "p1", "status": ")" + std::string(status) +
             R"(", "current_action": "download", "current_action_index": 0, "progress": )"
             R"([{"name": "download", "status": "running", "progress": )" +
             std::to_string(progress) +
             R"(}], "error": null, "started_at": "2026-11-22T01:40:43.915228", )"
             R"("completed_at": null})"
             "\n\n";
    return frame;
}

std::string header(const synapse::http_request& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

const synapse::progress_stream_options fast{.max_reconnects = 2,
                                            .reconnect_delay = std::chrono::milliseconds(0)};

}  // namespace

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

TEST_CASE("a 404 detail becomes not_found with the status and the service's text",
          "[pipeline][client]") {
    scripted_transport t;
    t.respond(404, R"({"detail": "Run not found"})");
    client_type c(std::move(t));
    auto r = c.get_run("nope");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::not_found);
    CHECK(r.error().http_status == 404);
    CHECK(r.error().message == "reading run nope: HTTP 404: Run not found");
}

TEST_CASE("a 422 validation detail names each failing field", "[pipeline][client]") {
    scripted_transport t;
    t.respond(422, R"({"detail": [{"type": "less_than_equal", "loc": ["body", "action_progress",
        "progress"], "msg": "Input should be less than or equal to 1", "input": 2.0,
        "ctx": {"le": 1.0}}, {"type": "missing", "loc": ["body", "entries", 0, "message"],
        "msg": "Field required", "input": {}}]})")
        .respond(500, "Internal Server Error");
    client_type c(std::move(t));
    auto r = c.get_progress("r1");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::validation_failed);
    CHECK(r.error().http_status == 422);
    REQUIRE(r.error().fields.size() == 2);
    CHECK(r.error().fields[0].path == "action_progress.progress");
    CHECK(r.error().fields[0].message == "Input should be less than or equal to 1");
    CHECK(r.error().fields[1].path == "entries[0].message");
    CHECK(r.error().message.find("entries[0].message: Field required") != std::string::npos);

    auto text = c.get_run("r1");  // a body that is not {"detail": ...} is quoted as it is
    REQUIRE_FALSE(text);
    CHECK(text.error().code == errc::http_error);
    CHECK(text.error().http_status == 500);
    CHECK(text.error().message == "reading run r1: HTTP 500: Internal Server Error");
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

TEST_CASE("malformed answers are malformed_response naming the problem, never a crash",
          "[pipeline][client]") {
    scripted_transport t;
    t.respond(200, "<html>proxy error</html>")
        .respond(200, R"({"id": "r1", "status": "exploded"})")
        .respond(201, R"({"not": "a list"})")
        .respond(200, "");
    client_type c(std::move(t));
    auto html = c.get_run("r1");
    REQUIRE_FALSE(html);
    CHECK(html.error().code == errc::malformed_response);
    CHECK(html.error().message.find("invalid JSON") != std::string::npos);
    auto shape = c.get_run("r1");
    REQUIRE_FALSE(shape);
    CHECK(shape.error().code == errc::malformed_response);
    std::vector<std::string> paths;
    for (const auto& f : shape.error().fields) paths.push_back(f.path);
    CHECK(std::find(paths.begin(), paths.end(), "status") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "pipeline_id") != paths.end());
    auto logs = c.append_logs("r1", {{.message = "x"}});
    REQUIRE_FALSE(logs);
    CHECK(logs.error().code == errc::malformed_response);
    CHECK(c.health().error().code == errc::malformed_response);
}

TEST_CASE("a bad request body is refused before it is sent", "[pipeline][client]") {
    scripted_transport t;
    client_type c(std::move(t));
    ps::progress_update u;
    u.action_progress = ps::action_progress{.name = "train", .progress = 1.5};
    auto r = c.report_progress("r1", u);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::validation_failed);
    CHECK(r.error().where == "action_progress.progress");
    CHECK_FALSE(c.create_pipeline({.name = ""}));
    CHECK(c.transport().requests().empty());
}

TEST_CASE("an older service's progress_category is read as progress_step", "[pipeline][client]") {
    scripted_transport t;
    t.respond(200, R"({"run_id": "r1", "status": "running", "current_action_index": 0,
        "progress": [{"name": "train", "status": "running", "progress": 0.5,
        "progress_category": "epoch"}]})");
    client_type c(std::move(t));
    auto p = c.get_progress("r1");
    REQUIRE(p);
    CHECK(p->actions().at(0).progress_step == "epoch");
}

TEST_CASE("a transport failure passes through with its code and the call named",
          "[pipeline][client]") {
    scripted_transport t;
    t.fail_with(synapse::error(errc::transport_error, "cannot connect to 127.0.0.1:1"));
    client_type c(std::move(t));
    auto r = c.get_pipeline("p1");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::transport_error);
    CHECK(r.error().message == "reading pipeline p1: cannot connect to 127.0.0.1:1");
}

TEST_CASE("stream_progress hands out each state until the completed event",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.25).substr(0, 30),
                           progress_frame("progress", "running", 0.25).substr(30) +
                               ": heartbeat\n\n" + progress_frame("progress", "running", 0.5),
                           progress_frame("completed", "completed", 1.0),
                           progress_frame("progress", "running", 0.75)});  // never read
    client_type c(std::move(t));
    std::vector<double> seen;
    std::vector<ps::run_status> statuses;
    auto done = c.stream_progress("r1", [&](const ps::pipeline_progress& p) {
        seen.push_back(p.overall_progress());
        statuses.push_back(p.status);
        return true;
    });
    REQUIRE(done);
    CHECK(seen == std::vector<double>{0.25, 0.5, 1.0});
    CHECK(statuses.back() == ps::run_status::completed);
    const auto& sent = c.transport().requests();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].target == "/api/v1/runs/r1/progress/stream");
    CHECK(header(sent[0], "Accept") == "text/event-stream");
    CHECK(header(sent[0], "Last-Event-ID").empty());
}

TEST_CASE("a dropped stream is resumed with Last-Event-ID", "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.25, "7"),
                           "id: 8\nevent: progress\ndata: {\"run_id\""})  // drops mid-event
        .fail_with(synapse::error(errc::transport_error, "connection reset"))
        .respond_chunks(200, {progress_frame("progress", "running", 0.5, "8"),
                              progress_frame("failed", "failed", 0.5, "9")});
    client_type c(std::move(t));
    std::vector<double> seen;
    auto done = c.stream_progress(
        "r1",
        [&](const ps::pipeline_progress& p) {
            seen.push_back(p.overall_progress());
            return true;
        },
        {}, fast);
    REQUIRE(done);
    CHECK(seen == std::vector<double>{0.25, 0.5, 0.5});
    const auto& sent = c.transport().requests();
    REQUIRE(sent.size() == 3);
    CHECK(header(sent[1], "Last-Event-ID") == "7");  // event 8 was cut off: asked for again
    CHECK(header(sent[2], "Last-Event-ID") == "7");
}

TEST_CASE("after a reconnect without ids the state seen last is not handed out again",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.25)})    // then drops
        .respond_chunks(200, {progress_frame("progress", "running", 0.25),  // dev-api resends
                              progress_frame("progress", "running", 0.5)})
        .respond_chunks(200, {progress_frame("progress", "running", 0.5),
                              progress_frame("progress", "running", 0.25),  // a real change back
                              progress_frame("completed", "completed", 1.0)});
    client_type c(std::move(t));
    std::vector<double> seen;
    auto done = c.stream_progress(
        "r1",
        [&](const ps::pipeline_progress& p) {
            seen.push_back(p.overall_progress());
            return true;
        },
        {}, fast);
    REQUIRE(done);
    CHECK(seen == std::vector<double>{0.25, 0.5, 0.25, 1.0});
    CHECK(header(c.transport().requests().at(1), "Last-Event-ID").empty());
}

TEST_CASE("a stream that keeps failing gives up after the bounded retries",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.25)});
    for (int i = 0; i < 3; ++i) t.fail_with(synapse::error(errc::timeout, "no answer"));
    t.respond_chunks(200, {progress_frame("completed", "completed", 1.0)});  // too late
    client_type c(std::move(t));
    int calls = 0;
    auto done = c.stream_progress(
        "r1",
        [&](const ps::pipeline_progress&) {
            ++calls;
            return true;
        },
        {}, fast);
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::timeout);
    CHECK(calls == 1);
    CHECK(c.transport().requests().size() == 4);  // the first stream and 1 + max_reconnects
}

TEST_CASE("a stream that keeps ending without an event gives up, heartbeats or not",
          "[pipeline][client][stream]") {
    scripted_transport t;
    for (int i = 0; i < 3; ++i) t.respond_chunks(200, {": heartbeat\n\n", "retry: 0\n"});
    client_type c(std::move(t));
    auto done = c.stream_progress(
        "r1", [](const ps::pipeline_progress&) { return true; }, {}, fast);
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::transport_error);
    CHECK(done.error().message.find("3 attempts in a row without an event") != std::string::npos);
    CHECK(c.transport().requests().size() == 3);
}

TEST_CASE("a success answer that is not an event stream is malformed_response",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond(200, R"({"run_id": "r1", "status": "running"})");  // application/json
    client_type c(std::move(t));
    auto done = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::malformed_response);
    CHECK(done.error().message.find("application/json") != std::string::npos);
    CHECK(c.transport().requests().size() == 1);
}

TEST_CASE("an error event ends the stream with not_found for a deleted run",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.25),
                           "event: error\ndata: {\"error\": \"Run not found\"}\n\n"});
    client_type c(std::move(t));
    auto done = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::not_found);
    CHECK(done.error().message.find("Run not found") != std::string::npos);
}

TEST_CASE("an unknown run fails at once with the service's 404", "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond(404, R"({"detail": "Run not found"})");
    client_type c(std::move(t));
    auto done = c.stream_progress("nope", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::not_found);
    CHECK(done.error().http_status == 404);
    CHECK(c.transport().requests().size() == 1);
}

TEST_CASE("a progress event that is not a progress state is malformed_response",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {"event: mystery\ndata: not json either\n\n",  // unknown: ignored
                           "event: progress\ndata: {\"run_id\": 5}\n\n"});
    client_type c(std::move(t));
    auto done = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::malformed_response);
    CHECK(done.error().where == "run_id");
}

TEST_CASE("the caller can stop the stream from the callback or with the stop token",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.25),
                           progress_frame("progress", "running", 0.5)})
        .respond_chunks(200, {progress_frame("progress", "running", 0.25)});
    client_type c(std::move(t));
    int calls = 0;
    auto first = c.stream_progress("r1", [&](const ps::pipeline_progress&) {
        ++calls;
        return false;
    });
    REQUIRE(first);
    CHECK(calls == 1);

    std::stop_source source;
    auto second = c.stream_progress(
        "r1",
        [&](const ps::pipeline_progress&) {
            source.request_stop();  // e.g. from another thread
            return true;
        },
        source.get_token(), fast);
    REQUIRE(second);
    CHECK(c.transport().requests().size() == 2);  // no reconnect after the stop
}
