#include <synapse/plugin/environment.hpp>

#include <catch2/catch.hpp>
#include <cstdlib>

using synapse::json;
using synapse::plugin_environment;

TEST_CASE("from_process keeps the variables with the prefix, without it", "[environment]") {
    setenv("SYNTEST_ALPHA", "1", 1);
    setenv("SYNTEST_BETA", "two", 1);
    setenv("OTHER_SYNTEST", "x", 1);
    auto env = plugin_environment::from_process("SYNTEST_");
    CHECK(env.get_string("ALPHA") == "1");
    CHECK(env.get_string("BETA") == "two");
    CHECK_FALSE(env.contains("OTHER_SYNTEST"));
    CHECK_FALSE(env.contains("SYNTEST_ALPHA"));
    auto all = plugin_environment::from_process();
    CHECK(all.get_string("OTHER_SYNTEST") == "x");
}

TEST_CASE("get_bool follows synapse-sdk: only true, 1 and yes are true", "[environment]") {
    auto env = plugin_environment::from_map(
        {{"a", "true"}, {"b", "1"}, {"c", "YES"}, {"d", "on"}, {"e", "y"}, {"f", "false"}});
    CHECK(env.get_bool("a"));
    CHECK(env.get_bool("b"));
    CHECK(env.get_bool("c"));
    CHECK_FALSE(env.get_bool("d"));
    CHECK_FALSE(env.get_bool("e"));
    CHECK_FALSE(env.get_bool("f"));
    CHECK(env.get_bool("missing", true));
    CHECK(plugin_environment(json{{"flag", true}}).get_bool("flag"));
}

TEST_CASE("get_list splits strings on commas, trims and drops empty items", "[environment]") {
    plugin_environment env(json{{"s", " a, b ,,c , "}, {"arr", {"x", 2}}, {"n", 5}});
    CHECK(env.get_list("s") == std::vector<std::string>{"a", "b", "c"});
    CHECK(env.get_list("arr") == std::vector<std::string>{"x", "2"});
    CHECK(env.get_list("n", {"fallback"}) == std::vector<std::string>{"fallback"});
    CHECK(env.get_list("missing").empty());
}

TEST_CASE("get_int and get_float parse text and say which key is malformed", "[environment]") {
    plugin_environment env(
        json{{"i", "42"}, {"f", "2.5"}, {"bad", "3.5"}, {"n", 7}, {"null", nullptr}});
    CHECK(env.get_int("i").value() == 42);
    CHECK(env.get_int("n").value() == 7);
    CHECK(env.get_int("missing", 9).value() == 9);
    CHECK(env.get_int("null", 4).value() == 4);
    CHECK(env.get_float("f").value() == 2.5);
    auto bad = env.get_int("bad");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::invalid_argument);
    CHECK(bad.error().message == "environment value bad=\"3.5\" is not an integer");
    CHECK(bad.error().where == "bad");
    CHECK_FALSE(plugin_environment(json{{"x", "abc"}}).get_float("x"));
}

TEST_CASE("merging: later sources win and no key is dropped", "[environment]") {
    auto process =
        plugin_environment::from_map({{"A", "process"}, {"B", "process"}, {"C", "process"}});
    auto config = plugin_environment::from_map({{"B", "config"}, {"D", "config"}});
    auto explicit_values = plugin_environment::from_map({{"C", "explicit"}, {"D", "explicit"}});
    auto env = plugin_environment::layered(process, config, explicit_values);
    CHECK(env.get_string("A") == "process");
    CHECK(env.get_string("B") == "config");
    CHECK(env.get_string("C") == "explicit");
    CHECK(env.get_string("D") == "explicit");
    CHECK(env.size() == 4);

    // Unlike synapse-sdk's instance merge, update keeps this environment's own keys.
    auto base = plugin_environment::from_map({{"keep", "1"}});
    base.update(config);
    CHECK(base.get_string("keep") == "1");
    CHECK(base.get_string("B") == "config");
}

TEST_CASE("to_strings writes non-string values as JSON", "[environment]") {
    plugin_environment env(json{{"n", 3}, {"b", true}, {"s", "x"}, {"obj", {{"k", 1}}}});
    auto m = env.to_strings();
    CHECK(m["n"] == "3");
    CHECK(m["b"] == "true");
    CHECK(m["s"] == "x");
    CHECK(m["obj"] == "{\"k\":1}");
}
