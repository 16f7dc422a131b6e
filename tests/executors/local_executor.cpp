#include <synapse/executors/local_executor.hpp>

#include <catch2/catch.hpp>
#include <synapse/executors/process_executor.hpp>
#include <synapse/testing/recording_logger.hpp>

namespace local_test {
struct params {
    std::string word;
    int times = 1;
    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&params::word, non_empty),
                                    synapse::rule(&params::times, defaulted, in_range(1, 10)));
    }
};
struct result {
    std::string text;
};
struct repeat {
    static constexpr std::string_view name = "repeat";
    using params_type = params;
    using result_type = result;
    result execute(const params& p, synapse::context& ctx) {
        std::string out;
        for (int i = 0; i < p.times; ++i) out += p.word;
        ctx.log("repeated", {{"times", p.times},
                             {"job", ctx.job_id().value_or("")},
                             {"mode", ctx.env().get_string("MODE")}});
        return {out};
    }
};
}  // namespace local_test
SYNAPSE_REFLECT(local_test::params, word, times)
SYNAPSE_REFLECT(local_test::result, text)

using local_test::repeat;
using recording_executor =
    synapse::basic_local_executor<synapse::plugin<repeat>, synapse::testing::recording_logger>;

TEST_CASE("executors satisfy ExecutorProtocol, other types do not", "[local_executor]") {
    STATIC_REQUIRE(synapse::ExecutorProtocol<synapse::local_executor<repeat>>);
    STATIC_REQUIRE(synapse::ExecutorProtocol<recording_executor>);
    STATIC_REQUIRE_FALSE(synapse::ExecutorProtocol<int>);
    STATIC_REQUIRE_FALSE(synapse::ExecutorProtocol<synapse::plugin<repeat>>);
}

TEST_CASE("execute<A> with a params struct returns the typed result", "[local_executor]") {
    recording_executor exec;
    auto r = exec.execute<repeat>(local_test::params{"ab", 3});
    REQUIRE(r);
    CHECK(r->text == "ababab");
}

TEST_CASE("execute by name with JSON validates, runs and returns JSON", "[local_executor]") {
    synapse::local_executor_options options;
    options.env = synapse::plugin_environment::from_map({{"MODE", "test"}});
    options.job_id = "job-1";
    recording_executor exec(options);
    auto r = exec.execute("repeat", {{"word", "x"}});
    REQUIRE(r);
    CHECK(*r == synapse::json({{"text", "x"}}));
    REQUIRE(exec.logger().logs.size() == 1);
    CHECK(exec.logger().logs[0].data["job"] == "job-1");
    CHECK(exec.logger().logs[0].data["mode"] == "test");

    auto typed_json = exec.execute_json<repeat>(synapse::json{{"word", "y"}, {"times", 2}});
    REQUIRE(typed_json);
    CHECK((*typed_json)["text"] == "yy");
}

TEST_CASE("the local executor reports bad params and unknown actions", "[local_executor]") {
    recording_executor exec;
    auto bad = exec.execute("repeat", {{"word", ""}, {"times", 11}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::validation_failed);
    REQUIRE(bad.error().fields.size() == 2);
    CHECK(bad.error().fields[0].path == "word");
    CHECK(bad.error().fields[0].message == "must not be empty");
    CHECK(bad.error().fields[1].message == "must be between 1 and 10, got 11");

    auto unknown = exec.execute("nope", {});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message == "unknown action 'nope'; available: repeat");
}

TEST_CASE("strict mode in the executor rejects unknown params", "[local_executor]") {
    synapse::local_executor_options options;
    options.parsing.strict = true;
    recording_executor exec(options);
    auto r = exec.execute("repeat", {{"word", "x"}, {"colour", "red"}});
    REQUIRE_FALSE(r);
    CHECK(r.error().fields.at(0).path == "colour");
}
