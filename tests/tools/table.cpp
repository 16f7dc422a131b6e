// The CLI's aligned tables: widths from the content, ids shortened only on a narrow terminal,
// colour only when asked for.
#include "../../tools/synapse/table.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

namespace {

std::string printed(const synapse_cli::text_table& t, std::size_t width, bool colour) {
    std::ostringstream out;
    t.print(out, width, colour);
    return out.str();
}

synapse_cli::text_table nodes() {
    synapse_cli::text_table t({{"NODE_ID", true}, {"STATE", false, true}, {"CPU"}});
    t.add({"0123456789abcdef0123", "ALIVE", "4"});
    t.add({"fedcba", "DEAD", "12"});
    return t;
}

}  // namespace

TEST_CASE("columns are as wide as their widest cell, two spaces apart", "[table]") {
    CHECK(printed(nodes(), 0, false) ==
          "NODE_ID               STATE  CPU\n"
          "0123456789abcdef0123  ALIVE  4\n"
          "fedcba                DEAD   12\n");
}

TEST_CASE("on a terminal too narrow for the table, ids keep their first 12 characters", "[table]") {
    CHECK(printed(nodes(), 30, false) ==
          "NODE_ID       STATE  CPU\n"
          "0123456789ab  ALIVE  4\n"
          "fedcba        DEAD   12\n");
    CHECK(printed(nodes(), 200, false) == printed(nodes(), 0, false));
}

TEST_CASE("states are coloured only when colour is on", "[table]") {
    const auto coloured = printed(nodes(), 200, true);
    CHECK(coloured.find("\x1b[32mALIVE\x1b[0m") != std::string::npos);
    CHECK(coloured.find("\x1b[31mDEAD\x1b[0m") != std::string::npos);
    CHECK(printed(nodes(), 200, false).find('\x1b') == std::string::npos);
}
