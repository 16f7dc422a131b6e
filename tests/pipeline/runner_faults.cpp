// pipeline_runner when things go wrong: an unreachable service, a checkpoint that cannot be
// written, cancellation.
#include "runner_fixture.hpp"

TEST_CASE("an unreachable service delays progress but loses no checkpoint", "[runner]") {
    fixture f;
    // Every request from the 3rd to the 12th fails, as a service down for a while would.
    f.service.down([](std::size_t n, const auto&) { return n >= 3 && n <= 12; });
    {
        auto runner = f.runner(spec({"fetch", "count"}, {{"dataset", 7}}));
        auto result = runner.run();
        REQUIRE(result);
    }
    CHECK(f.service.failed() == 10);
    CHECK(f.of("checkpoint").size() == 2);
    REQUIRE(f.of("run").size() == 1);
    CHECK(f.of("run")[0].body["status"] == "completed");
    CHECK(f.clock->slept() > std::chrono::milliseconds(0));  // the retries waited on the clock
}

TEST_CASE("a checkpoint that cannot be written fails the run; it never reports completed",
          "[runner]") {
    fixture f;
    f.service.down([](std::size_t, const auto& r) { return r.target.ends_with("/checkpoints/"); });
    {
        auto runner = f.runner(spec({"fetch", "count"}, {{"dataset", 7}}));
        auto result = runner.run();
        REQUIRE_FALSE(result);
        CHECK(result.error().code == synapse::errc::transport_error);
        CHECK(result.error().message.starts_with("writing the checkpoint of action 'fetch'"));
    }
    const auto patch = f.of("run");
    REQUIRE(patch.size() == 1);
    CHECK(patch[0].body["status"] == "failed");
    CHECK(f.clock->slept() >= std::chrono::seconds(60));  // retried for retry_for first
}

TEST_CASE("cancel stops the running action and marks it and the run cancelled", "[runner]") {
    fixture f;
    runner_test::started = false;
    auto runner = f.runner(spec({"fetch", "wait_for_stop", "count"}, {{"dataset", 7}}));
    synapse::expected<json> result = synapse::fail(synapse::errc::timeout, "not run");
    std::thread run([&] { result = runner.run(); });
    {
        std::unique_lock lock(runner_test::started_mutex);
        runner_test::started_cv.wait(lock, [] { return runner_test::started; });
    }
    runner.cancel();
    run.join();
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::cancelled);
    const auto progress = f.of("progress");
    bool action_cancelled = false;
    for (const auto& p : progress)
        if (p.body.contains("action_progress") &&
            p.body["action_progress"]["name"] == "wait_for_stop" &&
            p.body["action_progress"]["status"] == "failed") {
            action_cancelled = p.body["action_progress"]["error"] == "cancelled";
            CHECK(p.body["action_progress"]["started_at"].is_string());
        }
    CHECK(action_cancelled);
    const auto patch = f.of("run");
    REQUIRE(patch.size() == 1);
    CHECK(patch[0].body == json{{"status", "cancelled"}});
    CHECK(f.of("checkpoint").size() == 1);  // fetch's; nothing after the cancellation
}
