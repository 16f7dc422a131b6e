// codec.hpp: optionals, vectors and maps, and which types are Reflectable.
#include <synapse/core/codec.hpp>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <synapse/core/reflect.hpp>
#include <vector>

#include "read_as.hpp"

namespace core_codec_test {

/// A struct with one optional field, to read it absent (absence is decided by the struct).
struct with_optional {
    std::optional<int> seed;
    int epochs = 0;
};

struct not_reflected {
    int x = 0;
};

}  // namespace core_codec_test

SYNAPSE_REFLECT(core_codec_test::with_optional, seed, epochs)

using core_codec_test::read_as;
using synapse::codec;
using synapse::field_error;
using synapse::json;

TEST_CASE("an optional reads null as empty", "[codec]") {
    auto n = read_as<std::optional<int>>(json(nullptr), std::optional<int>(3));
    CHECK(n.errors.empty());
    CHECK_FALSE(n.value.has_value());
}

TEST_CASE("an optional reads a present value through the contained type", "[codec]") {
    auto v = read_as<std::optional<int>>(json(5));
    CHECK(v.errors.empty());
    REQUIRE(v.value.has_value());
    CHECK(*v.value == 5);
    auto s = read_as<std::optional<std::string>>(json("x"));
    REQUIRE(s.value.has_value());
    CHECK(*s.value == "x");
}

TEST_CASE("an optional reports the contained type's error and stays empty", "[codec]") {
    auto bad = read_as<std::optional<int>>(json("five"));
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0] ==
          field_error{"", "expected integer, got string \"five\"", "integer", "string"});
    CHECK_FALSE(bad.value.has_value());
    auto range = read_as<std::optional<std::uint16_t>>(json(-1));
    REQUIRE(range.errors.size() == 1);
    CHECK(range.errors[0].message == "integer -1 does not fit in [0, 65535]");
    CHECK_FALSE(range.value.has_value());
}

TEST_CASE("an absent optional field reads as empty and is not required", "[codec]") {
    auto absent = synapse::from_json<core_codec_test::with_optional>(json{{"epochs", 3}});
    REQUIRE(absent.has_value());
    CHECK_FALSE(absent->seed.has_value());
    CHECK(absent->epochs == 3);

    auto null =
        synapse::from_json<core_codec_test::with_optional>(json{{"seed", nullptr}, {"epochs", 3}});
    REQUIRE(null.has_value());
    CHECK_FALSE(null->seed.has_value());

    auto present =
        synapse::from_json<core_codec_test::with_optional>(json{{"seed", 11}, {"epochs", 3}});
    REQUIRE(present.has_value());
    CHECK(present->seed == 11);

    auto schema = synapse::codec<core_codec_test::with_optional>::schema();
    CHECK(schema["required"] == json::array({"epochs"}));
}

TEST_CASE("an optional writes null when empty and describes itself as anyOf with null", "[codec]") {
    CHECK(codec<std::optional<int>>::write(std::nullopt).is_null());
    CHECK(codec<std::optional<int>>::write(4) == json(4));
    CHECK(codec<std::optional<int>>::schema() ==
          json{{"anyOf", json::array({json{{"type", "integer"}}, json{{"type", "null"}}})}});
    CHECK(codec<std::optional<std::filesystem::path>>::schema() ==
          json{{"anyOf", json::array({json{{"type", "string"}, {"format", "path"}},
                                      json{{"type", "null"}}})}});
}

TEST_CASE("a vector reads every element in order", "[codec]") {
    auto v = read_as<std::vector<int>>(json::array({1, 2, 3}), std::vector<int>{9, 9, 9, 9, 9});
    CHECK(v.errors.empty());
    CHECK(v.value == std::vector<int>{1, 2, 3});
    auto empty = read_as<std::vector<std::string>>(json::array(), std::vector<std::string>{"x"});
    CHECK(empty.errors.empty());
    CHECK(empty.value.empty());
}

TEST_CASE("a bad vector element is reported at its index", "[codec]") {
    auto v = read_as<std::vector<int>>(json::array({1, 2, "three", 4}));
    REQUIRE(v.errors.size() == 1);
    CHECK(v.errors[0] ==
          field_error{"[2]", "expected integer, got string \"three\"", "integer", "string"});
}

TEST_CASE("every bad vector element is reported, in order", "[codec]") {
    auto v = read_as<std::vector<std::uint16_t>>(json::array({true, 1, nullptr, 70000}));
    REQUIRE(v.errors.size() == 3);
    CHECK(v.errors[0].path == "[0]");
    CHECK(v.errors[0].message == "expected integer, got boolean true");
    CHECK(v.errors[1].path == "[2]");
    CHECK(v.errors[1].message == "expected integer, got null");
    CHECK(v.errors[2].path == "[3]");
    CHECK(v.errors[2].message == "integer 70000 does not fit in [0, 65535]");
}

TEST_CASE("nested vectors report the path of every index", "[codec]") {
    auto v = read_as<std::vector<std::vector<int>>>(json::parse(R"([[1], [2, "x"], []])"));
    REQUIRE(v.errors.size() == 1);
    CHECK(v.errors[0].path == "[1][1]");
}

TEST_CASE("a vector rejects a value that is not an array", "[codec]") {
    auto v = read_as<std::vector<int>>(json{{"a", 1}});
    REQUIRE(v.errors.size() == 1);
    CHECK(v.errors[0] ==
          field_error{"", "expected array, got object {\"a\":1}", "array", "object"});
}

TEST_CASE("a vector writes as an array and describes its items", "[codec]") {
    CHECK(codec<std::vector<int>>::write({1, 2}) == json::array({1, 2}));
    CHECK(codec<std::vector<int>>::write({}) == json::array());
    CHECK(codec<std::vector<int>>::write({}).is_array());
    CHECK(codec<std::vector<std::string>>::schema() ==
          json{{"type", "array"}, {"items", {{"type", "string"}}}});
}

TEST_CASE("a map reads every key and value", "[codec]") {
    auto m = read_as<std::map<std::string, int>>(json{{"a", 1}, {"b", 2}},
                                                 std::map<std::string, int>{{"old", 0}});
    CHECK(m.errors.empty());
    CHECK(m.value == std::map<std::string, int>{{"a", 1}, {"b", 2}});
}

TEST_CASE("a bad map value is reported at its key", "[codec]") {
    auto m = read_as<std::map<std::string, int>>(json{{"good", 1}, {"key", "x"}});
    REQUIRE(m.errors.size() == 1);
    CHECK(m.errors[0] ==
          field_error{"key", "expected integer, got string \"x\"", "integer", "string"});
}

TEST_CASE("paths combine map keys and vector indexes", "[codec]") {
    auto m = read_as<std::map<std::string, std::vector<int>>>(
        json::parse(R"({"ok": [1], "sizes": [1, 2.5]})"));
    REQUIRE(m.errors.size() == 1);
    CHECK(m.errors[0].path == "sizes[1]");
    auto v = read_as<std::vector<std::map<std::string, bool>>>(
        json::parse(R"([{"a": true}, {"b": "yes"}])"));
    REQUIRE(v.errors.size() == 1);
    CHECK(v.errors[0].path == "[1].b");
}

TEST_CASE("a map rejects a value that is not an object", "[codec]") {
    auto m = read_as<std::map<std::string, int>>(json::array({1}));
    REQUIRE(m.errors.size() == 1);
    CHECK(m.errors[0] == field_error{"", "expected object, got array [1]", "object", "array"});
}

TEST_CASE("a map writes as an object and describes its values", "[codec]") {
    CHECK(codec<std::map<std::string, double>>::write({{"x", 0.5}}) == json{{"x", 0.5}});
    CHECK(codec<std::map<std::string, double>>::write({}) == json::object());
    CHECK(codec<std::map<std::string, double>>::schema() ==
          json{{"type", "object"}, {"additionalProperties", {{"type", "number"}}}});
}

TEST_CASE("Reflectable holds for the built-in types and not for unknown ones", "[codec]") {
    STATIC_REQUIRE(synapse::Reflectable<bool>);
    STATIC_REQUIRE(synapse::Reflectable<int>);
    STATIC_REQUIRE(synapse::Reflectable<std::uint64_t>);
    STATIC_REQUIRE(synapse::Reflectable<double>);
    STATIC_REQUIRE(synapse::Reflectable<std::string>);
    STATIC_REQUIRE(synapse::Reflectable<std::filesystem::path>);
    STATIC_REQUIRE(synapse::Reflectable<std::optional<int>>);
    STATIC_REQUIRE(synapse::Reflectable<std::vector<std::string>>);
    STATIC_REQUIRE(synapse::Reflectable<std::map<std::string, double>>);
    STATIC_REQUIRE(synapse::Reflectable<json>);
    STATIC_REQUIRE_FALSE(synapse::Reflectable<core_codec_test::not_reflected>);
    STATIC_REQUIRE_FALSE(synapse::Reflectable<std::vector<core_codec_test::not_reflected>>);
    STATIC_REQUIRE_FALSE(synapse::Reflectable<std::optional<core_codec_test::not_reflected>>);
    STATIC_REQUIRE_FALSE(synapse::Reflectable<std::map<int, int>>);
    STATIC_REQUIRE_FALSE(synapse::Reflectable<const char*>);
}
