// The life of an SSE progress stream connection: heartbeats, a client that drops its stream,
// and the service stopping.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "service_process.hpp"
#include "sse_client.hpp"
#include "stream_fixture.hpp"

using test_support::api;
using test_support::eventually;
using test_support::fixture;
using test_support::next_event;
using test_support::sse_client;

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
    CHECK(fx.svc->stop() == 0);  // returns: the open stream did not hold the service up
    CHECK_FALSE(c.next(std::chrono::seconds(2)));
    CHECK(c.ended());
}
