// The SSE progress stream (reference §2.4) of the real service: dev-api's frames and event
// names, pushed on change to every subscriber, and its end.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "service_process.hpp"
#include "sse_client.hpp"
#include "stream_fixture.hpp"

using synapse::json;
using test_support::api;
using test_support::fixture;
using test_support::id_of;
using test_support::next_event;
using test_support::sse_client;

TEST_CASE("a subscriber gets the current state, then every change at once, then the end",
          "[service][stream]") {
    fixture fx({"--heartbeat", "3600"});
    sse_client c(fx.svc->port(), fx.stream_path());
    REQUIRE(c.status() == 200);
    CHECK(c.headers().find("Content-Type: text/event-stream") != std::string::npos);
    CHECK(c.headers().find("Cache-Control: no-cache") != std::string::npos);
    CHECK(c.headers().find("X-Accel-Buffering: no") != std::string::npos);

    auto first = next_event(c);
    CHECK(first.event == "progress");
    // dev-api's frame: event line, then one data line of JSON as Python's json.dumps writes it.
    CHECK(first.raw.rfind("event: progress\ndata: {\"run_id\": \"" + fx.run + "\", ", 0) == 0);
    auto data = json::parse(first.data);
    CHECK(data["pipeline_id"] == fx.pipeline);
    CHECK(data["status"] == "pending");
    std::vector<std::string> keys;
    for (auto it = data.begin(); it != data.end(); ++it) keys.push_back(it.key());
    CHECK(keys == std::vector<std::string>{"run_id", "pipeline_id", "status", "current_action",
                                           "current_action_index", "progress", "error",
                                           "started_at", "completed_at"});
    auto id = id_of(first);

    fx.status("running");
    auto running = next_event(c);
    CHECK(id_of(running) == ++id);
    CHECK(json::parse(running.data)["started_at"].is_string());

    // Pushed on change, each event once and in order (how soon: benchmarks/service).
    std::vector<double> waits;
    for (int i = 1; i <= 10; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        fx.progress(i / 10.0);
        auto e = next_event(c);
        waits.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
        CHECK(e.event == "progress");
        CHECK(id_of(e) == ++id);
        CHECK(json::parse(e.data)["progress"][1]["progress"] == i / 10.0);
    }
    std::sort(waits.begin(), waits.end());
    WARN("median post-to-event wait " << waits[waits.size() / 2] << " ms");

    // An unchanged state sends nothing; the terminal event is the last one.
    fx.progress(1.0);
    fx.status("completed");
    auto done = next_event(c);
    CHECK(done.event == "completed");
    CHECK(id_of(done) == id + 1);
    CHECK(json::parse(done.data)["completed_at"].is_string());
    CHECK_FALSE(c.next(std::chrono::seconds(5)));
    CHECK(c.ended());
}

TEST_CASE("every subscriber of a run gets every event", "[service][stream]") {
    fixture fx;
    std::vector<std::unique_ptr<sse_client>> subs;
    for (int i = 0; i < 3; ++i)
        subs.push_back(std::make_unique<sse_client>(fx.svc->port(), fx.stream_path()));
    for (auto& s : subs) CHECK(next_event(*s).event == "progress");
    fx.progress(0.25);
    fx.status("failed");
    for (auto& s : subs) {
        CHECK(json::parse(next_event(*s).data)["progress"][1]["progress"] == 0.25);
        CHECK(next_event(*s).event == "failed");
        CHECK_FALSE(s->next(std::chrono::seconds(5)));
        CHECK(s->ended());
    }
}

TEST_CASE("deleting the run mid-stream ends the stream with an error event", "[service][stream]") {
    fixture fx;
    sse_client c(fx.svc->port(), fx.stream_path());
    CHECK(next_event(c).event == "progress");
    REQUIRE(fx.a->del("/api/v1/runs/" + fx.run).status == 204);
    auto e = next_event(c);
    CHECK(e.event == "error");
    CHECK(e.raw == "event: error\ndata: {\"error\": \"Run not found\"}\n\n");
    CHECK_FALSE(c.next(std::chrono::seconds(5)));
    CHECK(c.ended());
}

TEST_CASE("a stream of a finished run sends its final state and ends; an unknown run is 404",
          "[service][stream]") {
    fixture fx;
    fx.status("completed");
    sse_client c(fx.svc->port(), fx.stream_path());
    CHECK(next_event(c).event == "completed");
    CHECK_FALSE(c.next(std::chrono::seconds(5)));
    CHECK(c.ended());

    sse_client unknown(fx.svc->port(), "/api/v1/runs/nope/progress/stream");
    CHECK(unknown.status() == 404);
}
