#include <synapse/plugin/context.hpp>
#include <synapse/plugin/loggers/json_lines.hpp>
#include <synapse/plugin/record_replay.hpp>
#include <synapse/testing/recording_logger.hpp>

#include <catch2/catch.hpp>
#include <sstream>

using synapse::json;

namespace {
/// Records written by json_lines_logger, as another process would send them.
std::vector<json> written_records() {
    std::ostringstream out;
    synapse::json_lines_logger writer(out);
    synapse::context ctx(writer);
    ctx.log("loaded", {{"rows", 3}}, synapse::log_level::warning);
    (void)ctx.set_progress(1, 4, "train");
    (void)ctx.set_metrics({{"loss", 0.5}}, "epoch");
    std::vector<json> records;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) records.push_back(json::parse(line));
    return records;
}
}  // namespace

TEST_CASE("records written by json_lines_logger replay to a logger as they were reported",
          "[record_replay]") {
    synapse::testing::recording_logger logger;
    for (const auto& r : written_records()) CHECK(synapse::replay_record(r, logger));
    REQUIRE(logger.logs.size() == 1);
    CHECK(logger.logs[0].level == synapse::log_level::warning);
    CHECK(logger.logs[0].event == "loaded");
    CHECK(logger.logs[0].data == json{{"rows", 3}});
    REQUIRE(logger.progress.size() == 1);
    CHECK(logger.progress[0].step == "train");
    CHECK(logger.progress[0].current == 1);
    CHECK(logger.progress[0].total == 4);
    CHECK(logger.progress[0].percent == 25.0);
    REQUIRE(logger.metrics.size() == 1);
    CHECK(logger.metrics[0].values == json{{"loss", 0.5}});
}

TEST_CASE("a record keeps the time it was written at", "[record_replay]") {
    auto t = synapse::detail::read_utc_timestamp("2026-12-02T09:25:42.123Z");
    REQUIRE(t);
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() ==
          1796203542123);
    CHECK_FALSE(synapse::detail::read_utc_timestamp("2026-12-02 09:25:42"));
    CHECK_FALSE(synapse::detail::read_utc_timestamp("2026-13-02T09:25:42.123Z"));
}

TEST_CASE("what is not a record is not replayed", "[record_replay]") {
    synapse::testing::recording_logger logger;
    CHECK_FALSE(synapse::replay_record(json{{"type", "result"}}, logger));
    CHECK_FALSE(synapse::replay_record(json::array(), logger));
    CHECK(logger.logs.empty());
}
