#include <synapse/plugin/plugin.hpp>

#include <catch2/catch.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <synapse/plugin/loggers/json_lines.hpp>
#include <synapse/testing/recording_logger.hpp>

namespace plugin_test {
struct p {
    int n = 0;
};
struct r {
    int n = 0;
};
struct inc {
    static constexpr std::string_view name = "inc";
    using params_type = p;
    using result_type = r;
    r execute(const p& in, synapse::context& ctx) {
        ctx.log("inc", {{"n", in.n}});
        return {in.n + 1};
    }
};
struct dec {
    static constexpr std::string_view name = "dec";
    using params_type = p;
    using result_type = r;
    r execute(const p& in, synapse::context&) { return {in.n - 1}; }
};
struct text {
    std::string value;
};
struct echo {
    static constexpr std::string_view name = "echo";
    using params_type = text;
    using result_type = text;
    text execute(const text& in, synapse::context& ctx) {
        ctx.log("echo", {{"value", in.value}});
        return in;
    }
};
/// A result whose codec throws when it is written.
struct unwritable {
    int n = 0;
};
struct broken_result {
    static constexpr std::string_view name = "broken_result";
    using params_type = p;
    using result_type = unwritable;
    unwritable execute(const p& in, synapse::context&) { return {in.n}; }
};
}  // namespace plugin_test
SYNAPSE_REFLECT(plugin_test::p, n)
SYNAPSE_REFLECT(plugin_test::r, n)
SYNAPSE_REFLECT(plugin_test::text, value)

template <>
struct synapse::codec<plugin_test::unwritable> {
    static constexpr bool supported = true;
    static void read(const json& j, plugin_test::unwritable& out, detail::read_state& st) {
        codec<int>::read(j, out.n, st);
    }
    static json write(const plugin_test::unwritable&) {
        throw std::runtime_error("no writer for unwritable");
    }
    static json schema() { return {{"type", "integer"}}; }
};

using plugin_test::dec;
using plugin_test::inc;
using two = synapse::plugin<inc, dec>;

TEST_CASE("a plugin lists its action names in order", "[plugin]") {
    STATIC_REQUIRE(two::size == 2);
    STATIC_REQUIRE(two::names[0] == "inc");
    STATIC_REQUIRE(two::contains("dec"));
    STATIC_REQUIRE_FALSE(two::contains("mul"));
}

TEST_CASE("a plugin runs an action by name with JSON params", "[plugin]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    auto out = two::run("dec", {{"n", 5}}, ctx);
    REQUIRE(out);
    CHECK(*out == synapse::json({{"n", 4}}));
    auto out2 = two::run("inc", {{"n", 5}}, ctx);
    REQUIRE(out2);
    CHECK((*out2)["n"] == 6);
    REQUIRE(logger.logs.size() == 1);
}

TEST_CASE("an unknown action name lists the available ones", "[plugin]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    auto out = two::run("mul", {{"n", 5}}, ctx);
    REQUIRE_FALSE(out);
    CHECK(out.error().code == synapse::errc::unknown_action);
    CHECK(out.error().message == "unknown action 'mul'; available: inc, dec");
}

TEST_CASE("invalid params name the action and every failing field", "[plugin]") {
    synapse::testing::recording_logger logger;
    synapse::context ctx(logger);
    auto out = two::run("inc", {{"n", "five"}}, ctx);
    REQUIRE_FALSE(out);
    CHECK(out.error().code == synapse::errc::validation_failed);
    CHECK(out.error().message == "invalid params for action 'inc': 1 field failed validation");
    REQUIRE(out.error().fields.size() == 1);
    CHECK(out.error().fields[0].path == "n");
    CHECK(out.error().fields[0].message == "expected integer, got string \"five\"");
    CHECK(logger.logs.empty());
}

TEST_CASE("strict parsing rejects unknown params", "[plugin]") {
    synapse::null_logger logger;
    synapse::context ctx(logger);
    auto lax = two::run("inc", {{"n", 1}, {"extra", 2}}, ctx);
    REQUIRE(lax);
    auto strict = two::run("inc", {{"n", 1}, {"extra", 2}}, ctx, {.strict = true});
    REQUIRE_FALSE(strict);
    CHECK(strict.error().fields.at(0).path == "extra");
}

TEST_CASE("a plugin gives each action's params and result schema", "[plugin]") {
    auto s = two::schema("inc");
    REQUIRE(s);
    CHECK((*s)["name"] == "inc");
    CHECK((*s)["params"]["properties"]["n"]["type"] == "integer");
    CHECK((*s)["result"]["required"] == synapse::json::array({"n"}));
    CHECK_FALSE(two::schema("nope"));
}

TEST_CASE("params and results with invalid UTF-8 run and are written without throwing",
          "[plugin]") {
    using plugin_test::echo;
    std::ostringstream lines;
    synapse::json_lines_logger logger(lines);
    synapse::context ctx(logger);
    const std::string bytes = "caf\xe9";
    auto out = synapse::plugin<echo>::run("echo", {{"value", bytes}}, ctx);
    REQUIRE(out);
    CHECK((*out)["value"] == bytes);  // the result holds the bytes as they are
    CHECK(synapse::dump(*out) == "{\"value\":\"caf\xef\xbf\xbd\"}");
    CHECK_THAT(lines.str(), Catch::Contains("\"data\":{\"value\":\"caf\xef\xbf\xbd\"}"));

    auto bad = two::run("inc", {{"n", bytes}}, ctx);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::validation_failed);
    REQUIRE(bad.error().fields.size() == 1);
    CHECK(bad.error().fields[0].message == "expected integer, got string \"caf\xef\xbf\xbd\"");
}

TEST_CASE("a result that cannot be written fails the action instead of throwing", "[plugin]") {
    using plugin_test::broken_result;
    synapse::null_logger logger;
    synapse::context ctx(logger);
    auto out = synapse::plugin<broken_result>::run("broken_result", {{"n", 1}}, ctx);
    REQUIRE_FALSE(out);
    CHECK(out.error().code == synapse::errc::action_failed);
    CHECK(out.error().message ==
          "action 'broken_result': writing the result threw: no writer for unwritable");
}
