// ISO-8601 timestamps as dev-api reads and writes them.
#include <synapse/pipeline/timestamp.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace ps = synapse::pipeline_service;

TEST_CASE("timestamps are written as naive UTC with microseconds", "[pipeline][timestamp]") {
    CHECK(ps::format_timestamp(0) == "1970-01-01T00:00:00.000000");
    CHECK(ps::format_timestamp(1795311643915228) == "2026-11-22T01:40:43.915228");
    CHECK(ps::format_timestamp(-1) == "1969-12-31T23:59:59.999999");
}

TEST_CASE("timestamps are read with or without time, fraction and offset",
          "[pipeline][timestamp]") {
    CHECK(ps::parse_timestamp("2026-11-22T01:40:43.915228") == 1795311643915228);
    CHECK(ps::normalize_timestamp("2026-11-22") == "2026-11-22T00:00:00.000000");
    CHECK(ps::normalize_timestamp("2026-11-22 01:40") == "2026-11-22T01:40:00.000000");
    CHECK(ps::normalize_timestamp("2026-11-22T01:40:43Z") == "2026-11-22T01:40:43.000000");
    CHECK(ps::normalize_timestamp("2026-11-22T01:40:43.1234567+02:00") ==
          "2026-11-21T23:40:43.123456");
    CHECK(ps::normalize_timestamp("2026-11-22T01:40:43-0130") == "2026-11-22T03:10:43.000000");
}

TEST_CASE("text that is not a timestamp is refused", "[pipeline][timestamp]") {
    for (const std::string& bad :
         std::vector<std::string>{"", "noon", "2026-13-01", "2026-11-32", "2026-11-22T24:00",
                                  "2026-11-22T01:40:43.", "2026-11-22T01:40:43+2", "2026-11-22X",
                                  "2026-11-22T01:40:43Zjunk", std::string("2026-11-22\xFF")}) {
        INFO(bad);
        CHECK_FALSE(ps::parse_timestamp(bad));
        CHECK_FALSE(ps::normalize_timestamp(bad));
    }
}
