#include <synapse/plugin/job_protocol.hpp>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "../common/temp_dir.hpp"

namespace jp = synapse::job_protocol;
using synapse::json;

namespace {
jp::env_lookup fake_env(std::map<std::string, std::string> values) {
    return [values](std::string_view name) -> std::optional<std::string> {
        auto it = values.find(std::string(name));
        if (it == values.end() || it->second.empty()) return std::nullopt;
        return it->second;
    };
}
}  // namespace

TEST_CASE("the result is printed as three marker lines, non-objects wrapped", "[job_protocol]") {
    CHECK(jp::format_result({{"a", 1}}) ==
          "__SYNAPSE_RESULT_START__\n{\"a\":1}\n__SYNAPSE_RESULT_END__\n");
    CHECK(jp::format_result(json(5)) ==
          "__SYNAPSE_RESULT_START__\n{\"result\":5}\n__SYNAPSE_RESULT_END__\n");
    CHECK(jp::format_result(json("a\nb")).find("{\"result\":\"a\\nb\"}") != std::string::npos);
}

TEST_CASE("params come from SYNAPSE_ACTION_PARAMS, else from the params file", "[job_protocol]") {
    auto inline_params = jp::read_params(fake_env({{"SYNAPSE_ACTION_PARAMS", "{\"x\": 1}"}}));
    REQUIRE(inline_params);
    CHECK((*inline_params)["x"] == 1);

    test_support::temp_dir dir;
    std::ofstream(dir / "p.json") << "{\"from\": \"file\"}";
    auto file_params =
        jp::read_params(fake_env({{"SYNAPSE_ACTION_PARAMS", ""},
                                  {"SYNAPSE_ACTION_PARAMS_FILE", (dir / "p.json").string()}}));
    REQUIRE(file_params);
    CHECK((*file_params)["from"] == "file");
}

TEST_CASE("missing, unreadable and malformed params are clear errors", "[job_protocol]") {
    auto none = jp::read_params(fake_env({}));
    REQUIRE_FALSE(none);
    CHECK(none.error().code == synapse::errc::protocol_error);
    CHECK(none.error().message ==
          "no params provided via SYNAPSE_ACTION_PARAMS or SYNAPSE_ACTION_PARAMS_FILE");

    auto missing_file =
        jp::read_params(fake_env({{"SYNAPSE_ACTION_PARAMS_FILE", "/nonexistent/p.json"}}));
    REQUIRE_FALSE(missing_file);
    CHECK(missing_file.error().code == synapse::errc::io_error);
    CHECK(missing_file.error().where == "/nonexistent/p.json");
    CHECK(missing_file.error().message ==
          "cannot read params file '/nonexistent/p.json' named by SYNAPSE_ACTION_PARAMS_FILE");

    auto malformed = jp::read_params(fake_env({{"SYNAPSE_ACTION_PARAMS", "{\"x\": }"}}));
    REQUIRE_FALSE(malformed);
    CHECK(malformed.error().code == synapse::errc::invalid_json);
    CHECK(malformed.error().where == "SYNAPSE_ACTION_PARAMS:1:7");
}

TEST_CASE("the job id is SYNAPSE_JOB_ID, else RAY_JOB_ID", "[job_protocol]") {
    CHECK(jp::job_id(fake_env({{"SYNAPSE_JOB_ID", "a"}, {"RAY_JOB_ID", "b"}})) == "a");
    CHECK(jp::job_id(fake_env({{"RAY_JOB_ID", "b"}})) == "b");
    CHECK_FALSE(jp::job_id(fake_env({})).has_value());
}

TEST_CASE("the result is found among other output lines", "[job_protocol]") {
    auto r = jp::parse_result(
        "starting\nINFO: x\n__SYNAPSE_RESULT_START__\n{\"ok\": true}\n"
        "__SYNAPSE_RESULT_END__\n");
    REQUIRE(r);
    CHECK((*r)["ok"] == true);
}

TEST_CASE("marker-like text printed by the action does not confuse the parser", "[job_protocol]") {
    std::string output =
        "the action says __SYNAPSE_RESULT_START__ inline\n"
        "__SYNAPSE_RESULT_START__\n"  // a stray start with no proper end
        "not json\n"
        "some other line\n"
        "__SYNAPSE_RESULT_END__\n"      // stray end
        "__SYNAPSE_RESULT_START__\r\n"  // CRLF output
        "{\"real\": 1}\r\n"
        "__SYNAPSE_RESULT_END__\r\n";
    auto r = jp::parse_result(output);
    REQUIRE(r);
    CHECK(*r == json({{"real", 1}}));
}

TEST_CASE("the last complete result wins", "[job_protocol]") {
    auto r = jp::parse_result(
        "__SYNAPSE_RESULT_START__\n{\"n\":1}\n__SYNAPSE_RESULT_END__\n"
        "__SYNAPSE_RESULT_START__\n{\"n\":2}\n__SYNAPSE_RESULT_END__\n");
    REQUIRE(r);
    CHECK((*r)["n"] == 2);
}

TEST_CASE("missing markers and a malformed result line are protocol errors", "[job_protocol]") {
    auto none = jp::parse_result("just logs\n");
    REQUIRE_FALSE(none);
    CHECK(none.error().code == synapse::errc::protocol_error);
    CHECK(none.error().message.find("result markers not found") != std::string::npos);

    auto bad = jp::parse_result("__SYNAPSE_RESULT_START__\n{oops\n__SYNAPSE_RESULT_END__\n");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::protocol_error);
    CHECK(bad.error().message.find("the result line") != std::string::npos);
}

TEST_CASE("the output filter hides exactly the three result lines", "[job_protocol]") {
    jp::output_filter f;
    std::vector<std::string> shown;
    for (std::string_view line :
         {"log 1", "__SYNAPSE_RESULT_START__", "{\"a\":1}", "__SYNAPSE_RESULT_END__", "log 2"})
        if (f.visible(line)) shown.emplace_back(line);
    CHECK(shown == std::vector<std::string>{"log 1", "log 2"});
}
