#include <synapse/plugin/action.hpp>

#include <catch2/catch.hpp>
#include <stdexcept>
#include <synapse/core/reflect.hpp>
#include <synapse/plugin/log_events.hpp>

namespace action_test {
struct params {
    int x = 0;
};
struct result {
    int y = 0;
};
struct doubler {
    static constexpr std::string_view name = "doubler";
    using params_type = params;
    using result_type = result;
    result execute(const params& p, synapse::context&) { return {p.x * 2}; }
};
struct fallible {
    static constexpr std::string_view name = "fallible";
    using params_type = params;
    using result_type = result;
    synapse::expected<result> execute(const params& p, synapse::context& ctx) {
        if (p.x < 0) {
            synapse::error e(synapse::errc::invalid_argument, "x must not be negative");
            e.where = "x";
            return synapse::fail(std::move(e));
        }
        if (p.x == 0) {
            auto bad = ctx.set_progress(1, 0);
            if (!bad) return synapse::fail(bad.error());
        }
        return result{p.x + 1};
    }
};
struct loader {
    static constexpr std::string_view name = "loader";
    using params_type = params;
    using result_type = result;
    synapse::expected<result> execute(const params& p, synapse::context&) {
        synapse::error e(synapse::errc::io_error,
                         p.x == 1 ? "cannot read model 'x'" : "the model file is empty");
        e.where = "x";
        return synapse::fail(std::move(e));
    }
};
/// Fails with every kind of context an error can carry.
struct detailed {
    static constexpr std::string_view name = "detailed";
    using params_type = params;
    using result_type = result;
    synapse::expected<result> execute(const params&, synapse::context&) {
        synapse::error e(synapse::errc::validation_failed, "1 field failed validation");
        e.where = "n";
        e.exit_code = 3;
        e.fields.push_back({"n", "must be positive", "constraint", "-1"});
        return synapse::fail(std::move(e));
    }
};
struct thrower {
    static constexpr std::string_view name = "thrower";
    using params_type = params;
    using result_type = result;
    result execute(const params&, synapse::context&) { throw std::runtime_error("disk on fire"); }
};
struct not_an_action {};
struct wrong_return {
    static constexpr std::string_view name = "wrong";
    using params_type = params;
    using result_type = result;
    int execute(const params&, synapse::context&) { return 0; }
};
}  // namespace action_test
SYNAPSE_REFLECT(action_test::params, x)
SYNAPSE_REFLECT(action_test::result, y)

using namespace action_test;

TEST_CASE("the Action concept accepts well-formed actions and rejects others", "[action]") {
    STATIC_REQUIRE(synapse::Action<doubler>);
    STATIC_REQUIRE(synapse::Action<fallible>);
    STATIC_REQUIRE_FALSE(synapse::Action<not_an_action>);
    STATIC_REQUIRE_FALSE(synapse::Action<wrong_return>);
    STATIC_REQUIRE_FALSE(synapse::Action<int>);
}

TEST_CASE("invoke_action returns the action's result", "[action]") {
    synapse::null_logger logger;
    synapse::context ctx(logger);
    doubler a;
    auto r = synapse::invoke_action(a, params{21}, ctx);
    REQUIRE(r);
    CHECK(r->y == 42);
}

TEST_CASE("an error returned by an action becomes action_failed naming the action", "[action]") {
    synapse::null_logger logger;
    synapse::context ctx(logger);
    fallible a;
    auto r = synapse::invoke_action(a, params{-1}, ctx);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::action_failed);
    CHECK(r.error().message ==
          "action 'fallible' failed: invalid_argument: x must not be negative");
    CHECK(r.error().where == "x");
}

TEST_CASE("an action's error names its place once, however it is wrapped", "[action]") {
    synapse::null_logger logger;
    synapse::context ctx(logger);
    loader a;
    auto named = synapse::invoke_action(a, params{1}, ctx);
    REQUIRE_FALSE(named);
    CHECK(synapse::to_string(named.error()) ==
          "action_failed: action 'loader' failed: io_error: cannot read model 'x'");
    auto unnamed = synapse::invoke_action(a, params{2}, ctx);
    REQUIRE_FALSE(unnamed);
    CHECK(synapse::to_string(unnamed.error()) ==
          "action_failed: action 'loader' failed: io_error: the model file is empty (at x)");
}

TEST_CASE("set_progress with total 0 inside an action fails the action with the reason",
          "[action]") {
    synapse::null_logger logger;
    synapse::context ctx(logger);
    fallible a;
    auto r = synapse::invoke_action(a, params{0}, ctx);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("total must be > 0, got 0") != std::string::npos);
}

TEST_CASE("an exception thrown by an action is caught and reported", "[action]") {
    synapse::null_logger logger;
    synapse::context ctx(logger);
    thrower a;
    auto r = synapse::invoke_action(a, params{1}, ctx);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::action_failed);
    CHECK(r.error().message == "action 'thrower' threw: disk on fire");
}

TEST_CASE("an action's error context is printed once, after the action's name", "[action]") {
    synapse::null_logger logger;
    synapse::context ctx(logger);
    detailed a;
    auto r = synapse::invoke_action(a, params{1}, ctx);
    REQUIRE_FALSE(r);
    CHECK(r.error().message ==
          "action 'detailed' failed: validation_failed: 1 field failed validation");
    REQUIRE(r.error().fields.size() == 1);
    CHECK(r.error().exit_code == 3);
    CHECK(synapse::to_string(r.error()) ==
          "action_failed: action 'detailed' failed: validation_failed: 1 field failed validation "
          "(at n) [exit 3]: n: must be positive");
}
