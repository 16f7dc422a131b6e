// The client against a real pipeline service: its errors keep their status and detail, and a
// run deleted mid-stream ends the stream.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support.hpp"

using namespace interop;
using synapse::json;

TEST_CASE("the service's errors keep their status and detail", "[interop]") {
    auto c = connect();
    auto run = c.get_run("no-such-run");
    REQUIRE_FALSE(run);
    CHECK(run.error().code == errc::not_found);
    CHECK(run.error().http_status == 404);
    CHECK(run.error().message.find("Run not found") != std::string::npos);

    auto pipeline = c.create_run("no-such-pipeline");
    REQUIRE_FALSE(pipeline);
    CHECK(pipeline.error().message.find("Pipeline not found") != std::string::npos);

    auto no_run = c.latest_checkpoint("no-such-run");
    REQUIRE_FALSE(no_run);
    CHECK(no_run.error().code == errc::not_found);

    const auto p = create_two_action_pipeline(c);
    auto fresh = c.create_run(p.id);
    REQUIRE(fresh);
    auto none = c.latest_checkpoint(fresh->id);
    INFO(why(none));
    REQUIRE(none);
    CHECK_FALSE(*none);

    auto limit = c.get_logs(fresh->id, {.limit = 0});  // the service wants 1..10000
    REQUIRE_FALSE(limit);
    CHECK(limit.error().code == errc::validation_failed);
    CHECK(limit.error().http_status == 422);
    REQUIRE(limit.error().fields.size() == 1);
    CHECK(limit.error().fields[0].path == "limit");

    auto stream =
        c.stream_progress("no-such-run", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(stream);
    CHECK(stream.error().code == errc::not_found);
    CHECK(stream.error().http_status == 404);
    REQUIRE(c.delete_pipeline(p.id));
}

TEST_CASE("a run deleted while its progress is streamed ends the stream with not_found",
          "[interop]") {
    auto c = connect();
    const auto p = create_two_action_pipeline(c);
    auto run = c.create_run(p.id);
    REQUIRE(run);
    stream_recorder stream(run->id);
    const bool first_state = stream.wait_for([](const auto& states) { return !states.empty(); });
    INFO("progress stream: " << stream.outcome_text());
    REQUIRE(first_state);
    REQUIRE(c.delete_run(run->id));
    auto ended = stream.finish();
    REQUIRE_FALSE(ended);
    CHECK(ended.error().code == errc::not_found);
    REQUIRE(c.delete_pipeline(p.id));
}
