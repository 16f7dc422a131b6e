#include <synapse/plugin/context.hpp>

#include <catch2/catch.hpp>
#include <synapse/testing/recording_logger.hpp>

namespace {
struct manual_clock {
    std::chrono::steady_clock::time_point now{};
    void advance(double seconds) {
        now += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(seconds));
    }
};
}  // namespace

TEST_CASE("set_progress reports percent, elapsed time and ETA per step", "[context]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    manual_clock clock;
    ctx.set_clock([&] { return clock.now; });

    REQUIRE(ctx.set_progress(0, 3, "train"));
    clock.advance(2.0);
    REQUIRE(ctx.set_progress(1, 3, "train"));
    clock.advance(2.0);
    REQUIRE(ctx.set_progress(2, 3, "train"));

    REQUIRE(logger.progress.size() == 3);
    CHECK(logger.progress[0].percent == 0.0);
    CHECK_FALSE(logger.progress[0].eta.has_value());
    CHECK(logger.progress[1].percent == 33.33);
    CHECK(logger.progress[1].elapsed == 2.0);
    CHECK(logger.progress[1].eta == 4.0);
    CHECK(logger.progress[2].percent == 66.67);
    CHECK(logger.progress[2].elapsed == 4.0);
    CHECK(logger.progress[2].eta == 2.0);
    CHECK(logger.progress[2].step == "train");
}

TEST_CASE("each step keeps its own start time, and current 0 restarts it", "[context]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    manual_clock clock;
    ctx.set_clock([&] { return clock.now; });
    REQUIRE(ctx.set_progress(0, 10, "a"));
    clock.advance(5);
    REQUIRE(ctx.set_progress(1, 10, "b"));  // b starts now
    clock.advance(1);
    REQUIRE(ctx.set_progress(1, 10, "b"));
    REQUIRE(ctx.set_progress(5, 10, "a"));
    REQUIRE(ctx.set_progress(0, 10, "a"));  // restart a
    clock.advance(3);
    REQUIRE(ctx.set_progress(3, 10, "a"));
    CHECK(logger.progress[2].elapsed == 1.0);
    CHECK(logger.progress[3].elapsed == 6.0);
    CHECK(logger.progress[5].elapsed == 3.0);
}

TEST_CASE("set_progress rejects total <= 0 and current outside [0, total]", "[context]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    auto zero = ctx.set_progress(1, 0);
    REQUIRE_FALSE(zero);
    CHECK(zero.error().code == synapse::errc::invalid_argument);
    CHECK(zero.error().message == "total must be > 0, got 0");
    auto negative = ctx.set_progress(1, -5);
    REQUIRE_FALSE(negative);
    CHECK(negative.error().message == "total must be > 0, got -5");
    auto over = ctx.set_progress(11, 10);
    REQUIRE_FALSE(over);
    CHECK(over.error().message == "current must be between 0 and 10, got 11");
    auto under = ctx.set_progress(-1, 10);
    REQUIRE_FALSE(under);
    CHECK(under.error().message == "current must be between 0 and 10, got -1");
    CHECK(logger.progress.empty());
}

TEST_CASE("set_metrics merges values per step and reports the merged set", "[context]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    REQUIRE(ctx.set_metrics({{"loss", 0.9}, {"epoch", 1}}, "train"));
    REQUIRE(ctx.set_metrics({{"loss", 0.5}, {"accuracy", 0.7}}, "train"));
    REQUIRE(ctx.set_metrics({{"loss", 0.6}}, "validation"));
    REQUIRE(logger.metrics.size() == 3);
    CHECK(logger.metrics[1].values ==
          synapse::json({{"loss", 0.5}, {"epoch", 1}, {"accuracy", 0.7}}));
    CHECK(logger.metrics[2].values == synapse::json({{"loss", 0.6}}));
    CHECK(ctx.metrics("train")["epoch"] == 1);
    CHECK(ctx.metrics("missing") == synapse::json::object());
}

TEST_CASE("set_metrics needs an object and a step", "[context]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    auto not_object = ctx.set_metrics(synapse::json::array({1, 2}), "train");
    REQUIRE_FALSE(not_object);
    CHECK(not_object.error().message == "metrics must be a JSON object, got array");
    auto no_step = ctx.set_metrics({{"loss", 1}}, "");
    REQUIRE_FALSE(no_step);
    CHECK(no_step.error().message == "metrics need a step name");
}

TEST_CASE("the context exposes the log, environment and job id", "[context]") {
    synapse::testing::recording_logger logger;
    synapse::plugin_environment env = synapse::plugin_environment::from_map({{"MODE", "fast"}});
    synapse::context ctx(logger, env, std::string("job-7"));
    ctx.log("started", {{"rows", 3}}, synapse::log_level::warning);
    REQUIRE(logger.logs.size() == 1);
    CHECK(logger.logs[0].event == "started");
    CHECK(logger.logs[0].level == synapse::log_level::warning);
    CHECK(logger.logs[0].data["rows"] == 3);
    CHECK(ctx.env().get_string("MODE") == "fast");
    CHECK(ctx.job_id() == "job-7");
}

TEST_CASE("an empty clock function restores the steady clock instead of throwing", "[context]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    ctx.set_clock({});
    REQUIRE(ctx.set_progress(0, 2, "train"));
    REQUIRE(ctx.set_progress(1, 2, "train"));
    REQUIRE(logger.progress.size() == 2);
    CHECK(logger.progress[1].elapsed >= 0.0);
    CHECK(logger.progress[1].eta.has_value());
}
