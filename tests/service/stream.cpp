// The SSE progress stream (reference §2.4) of the real service: pushed on change, dev-api's
// frames and event names, resumable with Last-Event-ID, heartbeats, and its end.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "service_process.hpp"
#include "sse_client.hpp"

using synapse::json;
using test_support::api;
using test_support::eventually;
using test_support::service_process;
using test_support::sse_client;
using test_support::sse_frame;
using test_support::temp_dir;

namespace {

struct fixture {
    temp_dir dir;
    std::unique_ptr<service_process> svc;
    std::unique_ptr<api> a;
    std::string pipeline, run;

    explicit fixture(std::vector<std::string> extra = {}) {
        svc = std::make_unique<service_process>(dir / "p.db", std::move(extra));
        a = std::make_unique<api>(svc->port());
        auto p =
            a->post("/api/v1/pipelines/", {{"name", "demo"},
                                           {"actions",
                                            {{{"name", "download"}, {"entrypoint", "m.Download"}},
                                             {{"name", "train"}, {"entrypoint", "m.Train"}}}}});
        REQUIRE(p.status == 201);
        pipeline = p.body["id"].get<std::string>();
        auto r = a->post("/api/v1/pipelines/" + pipeline + "/runs/", json::object());
        REQUIRE(r.status == 201);
        run = r.body["id"].get<std::string>();
    }
    std::string stream_path() const { return "/api/v1/runs/" + run + "/progress/stream"; }
    void progress(double value) {
        REQUIRE(a->post("/api/v1/runs/" + run + "/progress",
                        {{"current_action_index", 1},
                         {"action_progress",
                          {{"name", "train"}, {"status", "running"}, {"progress", value}}}})
                    .status == 200);
    }
    void status(const std::string& s) {
        REQUIRE(a->post("/api/v1/runs/" + run + "/progress", {{"status", s}}).status == 200);
    }
};

/// The next frame that is not a heartbeat comment.
sse_frame next_event(sse_client& c) {
    for (;;) {
        auto f = c.next();
        REQUIRE(f);
        if (!f->is_comment()) return *f;
    }
}

std::uint64_t id_of(const sse_frame& f) {
    REQUIRE(f.id);
    return std::stoull(*f.id);
}

}  // namespace

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

    // Pushed on change: with a 1 s poll (dev-api) the median wait would be about 500 ms.
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
    INFO("median post-to-event wait " << waits[waits.size() / 2] << " ms");
    CHECK(waits[waits.size() / 2] < 250.0);

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

TEST_CASE("a subscriber reconnecting with Last-Event-ID gets exactly the events it missed",
          "[service][stream]") {
    fixture fx;
    std::uint64_t seen = 0;
    {
        sse_client c(fx.svc->port(), fx.stream_path());
        seen = id_of(next_event(c));
    }  // hung up
    for (int i = 1; i <= 3; ++i) fx.progress(i / 4.0);

    {
        sse_client c(fx.svc->port(), fx.stream_path(), std::to_string(seen));
        for (int i = 1; i <= 3; ++i) {
            auto e = next_event(c);
            CHECK(id_of(e) == seen + 1);  // nothing lost, nothing repeated
            CHECK(json::parse(e.data)["progress"][1]["progress"] == i / 4.0);
            seen = id_of(e);
        }
        fx.progress(1.0);
        CHECK(id_of(next_event(c)) == ++seen);
    }
    // Up to date: nothing is sent until the next change.
    sse_client c(fx.svc->port(), fx.stream_path(), std::to_string(seen),
                 "");  // no heartbeat in 15 s
    CHECK_FALSE(c.next(std::chrono::milliseconds(300)));
    fx.status("cancelled");
    auto end = next_event(c);
    CHECK(end.event == "cancelled");
    CHECK(id_of(end) == seen + 1);
    CHECK_FALSE(c.next(std::chrono::seconds(5)));
    CHECK(c.ended());

    // Resuming at the terminal event: the stream ends at once, repeating nothing.
    sse_client after(fx.svc->port(), fx.stream_path(), *end.id);
    CHECK_FALSE(after.next(std::chrono::seconds(5)));
    CHECK(after.ended());
}

TEST_CASE("an id older than the backlog gets an explicit reset event, then the current state",
          "[service][stream]") {
    fixture fx({"--backlog", "2"});
    std::uint64_t seen = 0;
    {
        sse_client c(fx.svc->port(), fx.stream_path());
        seen = id_of(next_event(c));
    }
    for (int i = 1; i <= 5; ++i) fx.progress(i / 10.0);
    sse_client c(fx.svc->port(), fx.stream_path(), std::to_string(seen));
    auto reset = next_event(c);
    CHECK(reset.event == "reset");
    CHECK_FALSE(reset.id);  // ids are on data events only
    auto info = json::parse(reset.data);
    CHECK(info["run_id"] == fx.run);
    CHECK(info["current_id"] == seen + 5);
    auto current = next_event(c);
    CHECK(current.event == "progress");
    CHECK(id_of(current) == seen + 5);
    CHECK(json::parse(current.data)["progress"][1]["progress"] == 0.5);

    sse_client garbage(fx.svc->port(), fx.stream_path(), "not-a-number");
    CHECK(next_event(garbage).event == "reset");
    CHECK(id_of(next_event(garbage)) == seen + 5);
}

TEST_CASE("after a restart ids keep growing and a lost gap gets a reset", "[service][stream]") {
    fixture fx;
    std::uint64_t seen = 0;
    {
        sse_client c(fx.svc->port(), fx.stream_path());
        seen = id_of(next_event(c));
    }
    fx.progress(0.5);
    fx.svc->stop();
    fx.svc->start();
    api a(fx.svc->port());
    {
        // One change missed: the current state is exactly that event.
        sse_client c(fx.svc->port(), fx.stream_path(), std::to_string(seen));
        auto e = next_event(c);
        CHECK(e.event == "progress");
        CHECK(id_of(e) == seen + 1);  // ids live in the database, not in memory
    }
    fx.svc->stop();
    fx.svc->start();
    api b(fx.svc->port());
    REQUIRE(b.post("/api/v1/runs/" + fx.run + "/progress", {{"status", "running"}}).status == 200);
    fx.svc->stop();
    fx.svc->start();
    // Two changes missed and only the last one known after the restart: reset, then the state.
    sse_client c(fx.svc->port(), fx.stream_path(), std::to_string(seen));
    CHECK(next_event(c).event == "reset");
    CHECK(id_of(next_event(c)) == seen + 2);
    api d(fx.svc->port());
    REQUIRE(d.post("/api/v1/runs/" + fx.run + "/progress", {{"status", "failed"}}).status == 200);
    auto end = next_event(c);
    CHECK(end.event == "failed");
    CHECK(id_of(end) == seen + 3);
}

TEST_CASE("a quiet stream sends comment heartbeats", "[service][stream]") {
    fixture fx({"--heartbeat", "0.1"});
    sse_client c(fx.svc->port(), fx.stream_path());
    CHECK(next_event(c).event == "progress");
    auto beat = c.next(std::chrono::seconds(5));
    REQUIRE(beat);
    CHECK(beat->is_comment());
    CHECK_FALSE(beat->id);
    CHECK(beat->raw == ": keep-alive\n\n");
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

TEST_CASE("a client that drops its stream frees its thread", "[service][stream]") {
    fixture fx({"--threads", "4", "--max-streams", "2", "--heartbeat", "0.05"});
    auto a = std::make_unique<sse_client>(fx.svc->port(), fx.stream_path());
    auto b = std::make_unique<sse_client>(fx.svc->port(), fx.stream_path());
    REQUIRE(a->status() == 200);
    REQUIRE(b->status() == 200);
    {
        sse_client third(fx.svc->port(), fx.stream_path());
        CHECK(third.status() == 503);
    }
    a->hang_up();
    b->hang_up();
    // Both slots come back (the heartbeat write finds the peer gone); the API still answers.
    std::unique_ptr<sse_client> one, two;
    auto reopen = [&](std::unique_ptr<sse_client>& slot) {
        return eventually([&] {
            slot = std::make_unique<sse_client>(fx.svc->port(), fx.stream_path());
            if (slot->status() == 200) return true;
            slot.reset();
            return false;
        });
    };
    CHECK(reopen(one));
    CHECK(reopen(two));
    CHECK(fx.a->get("/api/v1/runs/" + fx.run).status == 200);
}

TEST_CASE("SIGTERM ends open streams and stops the service", "[service][stream]") {
    fixture fx({"--heartbeat", "3600"});
    sse_client c(fx.svc->port(), fx.stream_path());
    CHECK(next_event(c).event == "progress");
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(fx.svc->stop() == 0);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(8));
    CHECK_FALSE(c.next(std::chrono::seconds(2)));
    CHECK(c.ended());
}
