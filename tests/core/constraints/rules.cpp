// constraints.hpp: each rule on its own (check and describe).
#include <synapse/core/constraints.hpp>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <synapse/core/pattern.hpp>
#include <type_traits>
#include <vector>

using synapse::json;
namespace rules = synapse::rules;

TEST_CASE("in_range passes values within its inclusive bounds", "[constraints]") {
    auto r = rules::in_range(1, 100);
    CHECK_FALSE(r.check(1).has_value());
    CHECK_FALSE(r.check(50).has_value());
    CHECK_FALSE(r.check(100).has_value());
}

TEST_CASE("in_range names both bounds and the value when it fails", "[constraints]") {
    auto r = rules::in_range(1, 100);
    CHECK(r.check(1000) == "must be between 1 and 100, got 1000");
    CHECK(r.check(0) == "must be between 1 and 100, got 0");
    CHECK(r.check(-5) == "must be between 1 and 100, got -5");
}

TEST_CASE("in_range prints floating point numbers with a decimal point", "[constraints]") {
    auto r = rules::in_range(0.0, 10.0);
    CHECK_FALSE(r.check(10.0).has_value());
    CHECK(r.check(12.5) == "must be between 0.0 and 10.0, got 12.5");
    CHECK(r.check(-1.0) == "must be between 0.0 and 10.0, got -1.0");
    CHECK(rules::in_range(0.5, 1e20).check(1e21) == "must be between 0.5 and 1e+20, got 1e+21");
}

TEST_CASE("in_range with integer bounds prints a floating point value as a float",
          "[constraints]") {
    auto r = rules::in_range(1, 100);
    CHECK(r.check(150.5) == "must be between 1 and 100, got 150.5");
    CHECK(r.check(1000.0) == "must be between 1 and 100, got 1000.0");
    CHECK_FALSE(r.check(99.9).has_value());
}

TEST_CASE("at_least and at_most check one bound each", "[constraints]") {
    CHECK_FALSE(rules::at_least(1).check(1).has_value());
    CHECK_FALSE(rules::at_least(1).check(1000000).has_value());
    CHECK(rules::at_least(1).check(0) == "must be at least 1, got 0");
    CHECK_FALSE(rules::at_most(0.5).check(-100.0).has_value());
    CHECK(rules::at_most(0.5).check(0.75) == "must be at most 0.5, got 0.75");
    CHECK(rules::at_most(3).check(4) == "must be at most 3, got 4");
}

TEST_CASE("one_of passes a listed string and names the choices otherwise", "[constraints]") {
    auto r = rules::one_of({"sgd", "adam"});
    CHECK_FALSE(r.check(std::string("sgd")).has_value());
    CHECK_FALSE(r.check(std::string("adam")).has_value());
    CHECK(r.check(std::string("rmsprop")) == "must be one of \"sgd\", \"adam\", got \"rmsprop\"");
    CHECK(r.check(std::string("")) == "must be one of \"sgd\", \"adam\", got \"\"");
    CHECK(r.check(std::string("Adam")) == "must be one of \"sgd\", \"adam\", got \"Adam\"");
}

TEST_CASE("non_empty rejects empty strings, paths, vectors and maps", "[constraints]") {
    CHECK(rules::non_empty.check(std::string()) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::string("x")).has_value());
    CHECK(rules::non_empty.check(std::filesystem::path()) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::filesystem::path("a")).has_value());
    CHECK(rules::non_empty.check(std::vector<int>{}) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::vector<int>{0}).has_value());
    CHECK(rules::non_empty.check(std::map<std::string, int>{}) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::map<std::string, int>{{"k", 0}}).has_value());
}

TEST_CASE("defaulted never fails", "[constraints]") {
    CHECK_FALSE(rules::defaulted.check(0).has_value());
    CHECK_FALSE(rules::defaulted.check(std::string()).has_value());
    STATIC_REQUIRE(rules::defaulted_t::marks_default);
}

TEST_CASE("each rule describes itself with its JSON Schema keyword", "[constraints]") {
    json range = {{"type", "integer"}};
    rules::in_range(1, 100).describe(range);
    CHECK(range == json{{"type", "integer"}, {"minimum", 1}, {"maximum", 100}});

    json low = {{"type", "number"}};
    rules::at_least(0.5).describe(low);
    CHECK(low == json{{"type", "number"}, {"minimum", 0.5}});

    json high = {{"type", "integer"}};
    rules::at_most(9).describe(high);
    CHECK(high == json{{"type", "integer"}, {"maximum", 9}});

    json choice = {{"type", "string"}};
    rules::one_of({"a", "b"}).describe(choice);
    CHECK(choice == json{{"type", "string"}, {"enum", {"a", "b"}}});

    json text = {{"type", "string"}};
    rules::pattern("^x").describe(text);
    CHECK(text == json{{"type", "string"}, {"pattern", "^x"}});

    json str = {{"type", "string"}};
    rules::non_empty.describe(str);
    CHECK(str == json{{"type", "string"}, {"minLength", 1}});

    json arr = {{"type", "array"}};
    rules::non_empty.describe(arr);
    CHECK(arr == json{{"type", "array"}, {"minItems", 1}});

    json obj = {{"type", "object"}};
    rules::non_empty.describe(obj);
    CHECK(obj == json{{"type", "object"}, {"minProperties", 1}});

    json untouched = {{"type", "integer"}};
    rules::defaulted.describe(untouched);
    CHECK(untouched == json{{"type", "integer"}});
}

TEST_CASE("an unsigned field compares with signed bounds by value", "[constraints]") {
    CHECK_FALSE(synapse::rules::in_range(-1, 10).check(5u).has_value());
    CHECK(synapse::rules::in_range(1, 64).check(0u) == "must be between 1 and 64, got 0");
    CHECK(synapse::rules::in_range(1, 64).check(65u) == "must be between 1 and 64, got 65");
}

TEST_CASE("non_empty describes a schema whose type is a list of names without throwing",
          "[constraints]") {
    json nullable = {{"type", json::array({"string", "null"})}};
    rules::non_empty.describe(nullable);
    CHECK(nullable == json{{"type", json::array({"string", "null"})}, {"minLength", 1}});
    json untyped = json::object();
    rules::non_empty.describe(untyped);
    CHECK(untyped == json{{"minLength", 1}});
}

namespace core_rules_test {  // named: the unity build makes this file a header
                             // (-Wsubobject-linkage)
struct two_ints {
    int a = 0;
    int b = 0;
};
}  // namespace core_rules_test
using core_rules_test::two_ints;

TEST_CASE("rule<&T::field> carries its field in its type and checks like rule(&T::field)",
          "[constraints]") {
    auto typed = synapse::rule<&two_ints::b>(rules::defaulted, rules::in_range(1, 9));
    using typed_rule = decltype(typed);
    STATIC_REQUIRE(typed_rule::member == &two_ints::b);
    STATIC_REQUIRE(typed_rule::marks_default);
    STATIC_REQUIRE(std::is_base_of_v<
                   synapse::field_rule<two_ints, int, rules::defaulted_t, rules::range_t<int>>,
                   typed_rule>);
    STATIC_REQUIRE_FALSE(decltype(synapse::rule<&two_ints::a>(rules::non_empty))::marks_default);

    json described = json::object();
    typed.describe(described);
    CHECK(described == json{{"minimum", 1}, {"maximum", 9}});
    CHECK(synapse::rule(&two_ints::b, rules::in_range(1, 9)).member == &two_ints::b);
}
