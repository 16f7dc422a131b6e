#include <synapse/plugin/loggers/json_lines.hpp>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <synapse/plugin/context.hpp>

using synapse::json;

TEST_CASE("the JSON-lines logger writes one documented object per line", "[loggers][json_lines]") {
    std::ostringstream out;
    synapse::json_lines_logger logger(out);
    synapse::context ctx(logger);
    ctx.log("dataset_ready", {{"rows", 200}});
    REQUIRE(ctx.set_progress(0, 10, "train"));
    REQUIRE(ctx.set_progress(4, 10, "train"));
    REQUIRE(ctx.set_metrics({{"loss", 0.5}}, "train"));
    REQUIRE(ctx.set_metrics({{"epoch", 2}}, "train"));

    std::istringstream in(out.str());
    std::vector<json> lines;
    std::regex time_re(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)");
    for (std::string line; std::getline(in, line);) {
        CHECK(line.rfind("{\"type\":", 0) == 0);
        auto j = json::parse(line);
        CHECK(std::regex_match(j["time"].get<std::string>(), time_re));
        lines.push_back(j);
    }
    REQUIRE(lines.size() == 5);
    CHECK(lines[0]["type"] == "log");
    CHECK(lines[0]["level"] == "info");
    CHECK(lines[0]["event"] == "dataset_ready");
    CHECK(lines[0]["data"] == json({{"rows", 200}}));
    CHECK(lines[1]["type"] == "progress");
    CHECK(lines[1]["eta"].is_null());
    CHECK(lines[2]["step"] == "train");
    CHECK(lines[2]["current"] == 4);
    CHECK(lines[2]["total"] == 10);
    CHECK(lines[2]["percent"] == 40.0);
    CHECK(lines[2]["eta"].is_number());
    CHECK(lines[4]["type"] == "metrics");
    CHECK(lines[4]["values"] == json({{"loss", 0.5}, {"epoch", 2}}));
}
