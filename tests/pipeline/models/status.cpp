// The pipeline service's enums read and write its lowercase status and level strings.
#include <synapse/pipeline/models/status.hpp>

#include <catch2/catch.hpp>

namespace ps = synapse::pipeline_service;
using synapse::errc;
using synapse::json;

TEST_CASE("status enums read and write the service's lowercase strings", "[pipeline][models]") {
    CHECK(synapse::to_json(ps::run_status::cancelled) == "cancelled");
    CHECK(synapse::to_json(ps::action_status::skipped) == "skipped");
    CHECK(ps::to_string(ps::log_level::warning) == "warning");
    auto s = synapse::from_json<ps::run_status>(json("completed"));
    REQUIRE(s);
    CHECK(*s == ps::run_status::completed);
    CHECK(ps::is_terminal(ps::run_status::failed));
    CHECK_FALSE(ps::is_terminal(ps::run_status::running));
    auto bad = synapse::from_json<ps::run_status>(json("COMPLETED"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == errc::validation_failed);
}

TEST_CASE("a log level the service does not know is refused naming the levels it knows",
          "[pipeline][models]") {
    auto critical = synapse::from_json<ps::log_level>(json("critical"));
    REQUIRE_FALSE(critical);
    REQUIRE(critical.error().fields.size() == 1);
    CHECK(critical.error().fields[0].message ==
          R"(expected one of "debug", "info", "warning", "error", got "critical")");
}
