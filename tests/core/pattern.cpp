#include <synapse/core/pattern.hpp>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

namespace rules = synapse::rules;

TEST_CASE("pattern matches anywhere in the value, like JSON Schema", "[constraints]") {
    auto digits = rules::pattern("[0-9]+");
    CHECK_FALSE(digits.check(std::string("run42x")).has_value());
    CHECK_FALSE(digits.check(std::string("7")).has_value());
    CHECK(digits.check(std::string("run")) == "must match /[0-9]+/, got \"run\"");
}

TEST_CASE("an anchored pattern must match the whole value", "[constraints]") {
    auto name = rules::pattern("^[a-z]+$");
    CHECK_FALSE(name.check(std::string("abc")).has_value());
    CHECK(name.check(std::string("abc1")) == "must match /^[a-z]+$/, got \"abc1\"");
    CHECK(name.check(std::string("1abc")) == "must match /^[a-z]+$/, got \"1abc\"");
}

TEST_CASE("pattern checks the text of a path", "[constraints]") {
    auto csv = rules::pattern("\\.csv$");
    CHECK_FALSE(csv.check(std::filesystem::path("/data/train.csv")).has_value());
    CHECK(csv.check(std::filesystem::path("/data/train.json")) ==
          "must match /\\.csv$/, got \"/data/train.json\"");
}

TEST_CASE("a malformed pattern fails values with a message instead of throwing", "[constraints]") {
    auto rule = synapse::rules::pattern("([a-z");
    CHECK(rule.check(std::string("abc")) == "pattern /([a-z/ is not a valid regular expression");
}
