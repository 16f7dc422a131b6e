// Log entries read the service's answers; an entry to append wants a known level and an
// ISO-8601 timestamp.
#include <synapse/pipeline/models/log_entry.hpp>

#include <catch2/catch.hpp>

namespace ps = synapse::pipeline_service;
using synapse::json;

TEST_CASE("log entries read the service's answers", "[pipeline][models]") {
    auto l = synapse::from_json<ps::log_entry>(json::parse(
        R"({"id": "l1", "run_id": "r", "action_name": null, "level": "warning",
            "message": "disk almost full", "timestamp": "2026-11-22T01:40:43.915228"})"));
    REQUIRE(l);
    CHECK(l->level == ps::log_level::warning);
    CHECK_FALSE(l->action_name);

    auto bad = synapse::from_json<ps::log_entry>(json::parse(
        R"({"id": "l1", "run_id": "r", "level": "critical", "message": "m", "timestamp": "t"})"));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().where == "level");
}

TEST_CASE("a log batch names the entry whose level or timestamp is wrong", "[pipeline][models]") {
    auto batch = synapse::from_json<ps::log_batch>(json::parse(
        R"({"entries": [{"message": "ok", "timestamp": "2026-01-01T00:00:01+00:00"},
                        {"message": "late", "timestamp": "tomorrow"},
                        {"message": "loud", "level": "critical"}]})"));
    REQUIRE_FALSE(batch);
    REQUIRE(batch.error().fields.size() == 2);
    CHECK(batch.error().fields[0].path == "entries[1].timestamp");
    CHECK(batch.error().fields[1].path == "entries[2].level");
    CHECK_FALSE(synapse::from_json<ps::log_batch>(json::object()));  // entries are required
}
