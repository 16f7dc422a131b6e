#include <synapse/plugin/environment.hpp>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

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

TEST_CASE("get_bool reads what synapse-sdk reads as booleans, with its answers", "[environment]") {
    auto env = plugin_environment::from_map({{"a", "true"},
                                             {"b", "1"},
                                             {"c", "YES"},
                                             {"d", "False"},
                                             {"e", "0"},
                                             {"f", "no"},
                                             {"g", ""}});
    for (const char* key : {"a", "b", "c"}) {
        auto v = env.get_bool(key);
        REQUIRE(v);
        CHECK(*v);
    }
    for (const char* key : {"d", "e", "f", "g"}) {
        auto v = env.get_bool(key);
        REQUIRE(v);
        CHECK_FALSE(*v);
    }
    plugin_environment typed(json{{"t", true}, {"f", false}, {"two", 2}, {"zero", 0.0}});
    CHECK(typed.get_bool("t") == true);
    CHECK(typed.get_bool("f") == false);
    CHECK(typed.get_bool("two") == true);
    CHECK(typed.get_bool("zero") == false);
}

TEST_CASE("get_bool gives the fallback for a missing or null key", "[environment]") {
    plugin_environment env(json{{"null", nullptr}});
    CHECK(env.get_bool("missing", true) == true);
    CHECK(env.get_bool("missing") == false);
    CHECK(env.get_bool("null", true) == true);
}

TEST_CASE("get_bool reports a string it does not know as malformed instead of false",
          "[environment]") {
    // synapse-sdk reads each of these as false: "on" would silently mean off.
    auto env = plugin_environment::from_map(
        {{"on", "on"}, {"off", "off"}, {"y", "y"}, {"spaced", " true"}, {"maybe", "maybe"}});
    for (const char* key : {"on", "off", "y", "spaced", "maybe"}) {
        auto v = env.get_bool(key);
        REQUIRE_FALSE(v);
        CHECK(v.error().code == synapse::errc::invalid_argument);
        CHECK(v.error().where == key);
    }
    auto on = env.get_bool("on");
    REQUIRE_FALSE(on);
    CHECK(on.error().message ==
          "environment value on=\"on\" is not a boolean (true, 1, yes or false, 0, no; any case)");
}

TEST_CASE("get_bool reports an array or an object as malformed", "[environment]") {
    plugin_environment env(json{{"list", {1, 2}}, {"object", {{"k", true}}}});
    auto list = env.get_bool("list");
    REQUIRE_FALSE(list);
    CHECK(list.error().code == synapse::errc::invalid_argument);
    CHECK(list.error().message ==
          "environment value list=[1,2] is not a boolean (true, 1, yes or false, 0, no; any case)");
    auto object = env.get_bool("object");
    REQUIRE_FALSE(object);
    CHECK(object.error().where == "object");
}

TEST_CASE("get_list splits strings on commas, trims and drops empty items", "[environment]") {
    plugin_environment env(json{{"s", " a, b ,,c , "}, {"arr", {"x", 2}}, {"empty", ""}});
    CHECK(env.get_list("s") == std::vector<std::string>{"a", "b", "c"});
    CHECK(env.get_list("arr") == std::vector<std::string>{"x", "2"});
    CHECK(env.get_list("empty") == std::vector<std::string>{});
    CHECK(env.get_list("missing", {"fallback"}) == std::vector<std::string>{"fallback"});
    auto missing = env.get_list("missing");
    REQUIRE(missing);
    CHECK(missing->empty());
}

TEST_CASE("get_list reports a number, a boolean or an object as malformed", "[environment]") {
    plugin_environment env(json{{"n", 5}, {"b", true}, {"o", {{"k", "v"}}}});
    for (const char* key : {"n", "b", "o"}) {
        auto v = env.get_list(key, {"fallback"});
        REQUIRE_FALSE(v);
        CHECK(v.error().code == synapse::errc::invalid_argument);
        CHECK(v.error().where == key);
    }
    auto n = env.get_list("n");
    REQUIRE_FALSE(n);
    CHECK(n.error().message ==
          "environment value n=5 is not a list (an array, or a string of comma-separated items)");
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
    CHECK(plugin_environment(json{{"b", true}}).get_float("b") == 1.0);
    CHECK_FALSE(plugin_environment(json{{"a", {1.5}}}).get_float("a"));
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

TEST_CASE("get_int takes numbers as Python's int() does and reports what int64 cannot hold",
          "[environment]") {
    plugin_environment env(json{{"float", 3.9},
                                {"negative", -3.9},
                                {"true", true},
                                {"max", std::numeric_limits<std::int64_t>::max()},
                                {"huge", std::numeric_limits<std::uint64_t>::max()},
                                {"big_float", 1e300},
                                {"nan", std::nan("")},
                                {"spaced", " 12\n"}});
    CHECK(env.get_int("float") == 3);
    CHECK(env.get_int("negative") == -3);
    CHECK(env.get_int("true") == 1);
    CHECK(env.get_int("max") == std::numeric_limits<std::int64_t>::max());
    CHECK(env.get_int("spaced") == 12);
    for (const char* key : {"huge", "big_float", "nan"}) {
        auto v = env.get_int(key);
        REQUIRE_FALSE(v);
        CHECK(v.error().code == synapse::errc::invalid_argument);
        CHECK(v.error().where == key);
    }
}

namespace {

// Bytes that are not UTF-8, as a process environment or a file can hold them.
const std::string not_utf8 = "caf\xe9 \xff";
// What synapse::dump writes for them: each invalid byte as U+FFFD.
const std::string replaced = "caf\xef\xbf\xbd \xef\xbf\xbd";

}  // namespace

TEST_CASE("values with invalid UTF-8 are read and reported without throwing", "[environment]") {
    plugin_environment env(json{
        {"text", not_utf8}, {"list", {not_utf8, {{"k", not_utf8}}}}, {"obj", {{"k", not_utf8}}}});
    CHECK(env.get_string("text") == not_utf8);  // a string is given back as it is
    CHECK(env.get_string("obj") == "{\"k\":\"" + replaced + "\"}");
    CHECK(env.get_list("text") == std::vector<std::string>{not_utf8});
    CHECK(env.get_list("list") ==
          std::vector<std::string>{not_utf8, "{\"k\":\"" + replaced + "\"}"});
    auto as_int = env.get_int("text");
    REQUIRE_FALSE(as_int);
    CHECK(as_int.error().message ==
          "environment value text=\"" + replaced + "\" is not an integer");
    auto as_float = env.get_float("text");
    REQUIRE_FALSE(as_float);
    CHECK(as_float.error().code == synapse::errc::invalid_argument);
    auto as_bool = env.get_bool("obj");
    REQUIRE_FALSE(as_bool);
    CHECK_THAT(as_bool.error().message, Catch::Contains(replaced));
    auto strings = env.to_strings();
    CHECK(strings["text"] == not_utf8);
    CHECK(strings["obj"] == "{\"k\":\"" + replaced + "\"}");
}

TEST_CASE("a process environment value with invalid UTF-8 is kept and reported safely",
          "[environment]") {
    setenv("SYNTEST_BYTES", not_utf8.c_str(), 1);
    auto env = plugin_environment::from_process("SYNTEST_");
    unsetenv("SYNTEST_BYTES");
    CHECK(env.get_string("BYTES") == not_utf8);
    auto flag = env.get_bool("BYTES");
    REQUIRE_FALSE(flag);
    CHECK(flag.error().message ==
          "environment value BYTES=\"" + replaced +
              "\" is not a boolean (true, 1, yes or false, 0, no; any case)");
}
