// Following a run's progress stream against scripted streams: states handed out until the end,
// reconnects with and without ids, bounded retries, errors, and stopping.
#include <synapse/pipeline/progress_stream.hpp>

#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "answers.hpp"

namespace ps = synapse::pipeline_service;
using namespace test_answers;
using synapse::errc;
using synapse::json;
using synapse::testing::scripted_transport;

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

TEST_CASE("the stream can be followed on any transport without a client",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.5),
                           progress_frame("cancelled", "cancelled", 0.5)});
    std::vector<ps::run_status> statuses;
    auto done = ps::stream_progress(t, "run 1", [&](const ps::pipeline_progress& p) {
        statuses.push_back(p.status);
        return true;
    });
    REQUIRE(done);
    CHECK(statuses ==
          std::vector<ps::run_status>{ps::run_status::running, ps::run_status::cancelled});
    CHECK(t.requests().at(0).target == "/api/v1/runs/run%201/progress/stream");
}

TEST_CASE("a progress callback that throws ends the stream with an error, not the exception",
          "[pipeline][client][stream]") {
    scripted_transport t;
    t.respond_chunks(200, {progress_frame("progress", "running", 0.25)});
    client_type c(std::move(t));
    synapse::expected<void> done;
    REQUIRE_NOTHROW(done = c.stream_progress("r1", [](const ps::pipeline_progress&) -> bool {
        throw std::runtime_error("display closed");
    }));
    REQUIRE_FALSE(done);
    CHECK(done.error().code == errc::invalid_argument);
    CHECK(done.error().message ==
          "streaming the progress of run r1: the progress callback threw: display closed");
}
