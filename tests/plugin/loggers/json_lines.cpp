#include <synapse/plugin/loggers/json_lines.hpp>

#include <catch2/catch.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <synapse/plugin/context.hpp>
#include <vector>

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

namespace {

/// The keys of a JSON object line, in the order they were written.
std::vector<std::string> keys_of(const std::string& line) {
    const json object = json::parse(line);
    std::vector<std::string> keys;
    for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
    return keys;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("each JSON-lines line type lists its keys in the documented order",
          "[loggers][json_lines]") {
    // The order README.md's "Log line format" shows.
    std::ostringstream out;
    synapse::json_lines_logger logger(out);
    synapse::context ctx(logger);
    ctx.log("dataset_ready", {{"rows", 240}});
    REQUIRE(ctx.set_progress(4, 10, "train"));
    REQUIRE(ctx.set_progress(0, 10));
    REQUIRE(ctx.set_metrics({{"loss", 0.031}, {"epoch", 4}}, "train"));
    const auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 4);
    using keys = std::vector<std::string>;
    CHECK(keys_of(lines[0]) == keys{"type", "time", "level", "event", "data"});
    CHECK(keys_of(lines[1]) ==
          keys{"type", "time", "step", "current", "total", "percent", "elapsed", "eta"});
    CHECK(keys_of(lines[2]) ==
          keys{"type", "time", "step", "current", "total", "percent", "elapsed", "eta"});
    CHECK(keys_of(lines[3]) == keys{"type", "time", "step", "values"});
    CHECK(json::parse(lines[2])["step"] == "");
    CHECK(json::parse(lines[3])["values"].dump() == R"({"loss":0.031,"epoch":4})");
}

TEST_CASE("the JSON-lines logger writes invalid UTF-8 in data, events and steps as U+FFFD",
          "[loggers][json_lines]") {
    std::ostringstream out;
    synapse::json_lines_logger logger(out);
    synapse::context ctx(logger);
    const std::string bytes = "caf\xe9";
    const std::string replaced = "caf\xef\xbf\xbd";
    ctx.log(bytes, {{"name", bytes}, {bytes, 1}});
    REQUIRE(ctx.set_progress(1, 2, bytes));
    REQUIRE(ctx.set_metrics({{"file", bytes}}, bytes));
    const auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 3);
    const json log = json::parse(lines[0]);  // every line is valid JSON (and UTF-8)
    CHECK(log["event"] == replaced);
    CHECK(log["data"] == json({{"name", replaced}, {replaced, 1}}));
    CHECK(json::parse(lines[1])["step"] == replaced);
    CHECK(json::parse(lines[2])["values"]["file"] == replaced);
}
