// Resuming the SSE progress stream with Last-Event-ID: exactly the events missed, a reset when
// they are gone, ids that keep growing across restarts.
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
