#include <synapse/core/codec.hpp>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <synapse/core/reflect.hpp>
#include <utility>
#include <vector>

namespace core_codec_test {

using synapse::json;

/// The value read and every error recorded while reading it.
template <class T>
struct outcome {
    T value;
    std::vector<synapse::field_error> errors;
};

/// Reads `j` into a `T` that starts out as `initial`.
template <class T>
outcome<T> read_as(const json& j, T initial = T{}) {
    synapse::detail::read_state st;
    synapse::codec<T>::read(j, initial, st);
    return {std::move(initial), std::move(st.errors())};
}

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

TEST_CASE("a bool reads from true and false", "[codec]") {
    auto t = read_as<bool>(json(true));
    CHECK(t.errors.empty());
    CHECK(t.value == true);
    auto f = read_as<bool>(json(false), true);
    CHECK(f.errors.empty());
    CHECK(f.value == false);
}

TEST_CASE("a bool rejects strings and numbers with the actual value", "[codec]") {
    auto s = read_as<bool>(json("true"));
    REQUIRE(s.errors.size() == 1);
    CHECK(s.errors[0] ==
          field_error{"", "expected boolean, got string \"true\"", "boolean", "string"});
    auto n = read_as<bool>(json(1));
    REQUIRE(n.errors.size() == 1);
    CHECK(n.errors[0].message == "expected boolean, got integer 1");
    CHECK(n.errors[0].actual == "integer");
}

TEST_CASE("a bool writes as a JSON boolean and describes itself as boolean", "[codec]") {
    CHECK(codec<bool>::write(true) == json(true));
    CHECK(codec<bool>::write(false).is_boolean());
    CHECK(codec<bool>::schema() == json{{"type", "boolean"}});
}

TEST_CASE("an int reads positive and negative integers", "[codec]") {
    auto p = read_as<int>(json(42));
    CHECK(p.errors.empty());
    CHECK(p.value == 42);
    auto n = read_as<int>(json(-42));
    CHECK(n.errors.empty());
    CHECK(n.value == -42);
}

TEST_CASE("an int8_t rejects values outside [-128, 127]", "[codec]") {
    CHECK(read_as<std::int8_t>(json(127)).value == 127);
    CHECK(read_as<std::int8_t>(json(-128)).value == -128);

    auto high = read_as<std::int8_t>(json(128), std::int8_t{5});
    REQUIRE(high.errors.size() == 1);
    CHECK(high.errors[0] == field_error{"", "integer 128 does not fit in [-128, 127]",
                                        "integer in [-128, 127]", "128"});
    CHECK(high.value == 5);

    auto low = read_as<std::int8_t>(json(-129));
    REQUIRE(low.errors.size() == 1);
    CHECK(low.errors[0].message == "integer -129 does not fit in [-128, 127]");
    CHECK(low.errors[0].actual == "-129");
}

TEST_CASE("a uint16_t rejects values above 65535", "[codec]") {
    auto max = read_as<std::uint16_t>(json(65535));
    CHECK(max.errors.empty());
    CHECK(max.value == 65535);
    auto over = read_as<std::uint16_t>(json(65536));
    REQUIRE(over.errors.size() == 1);
    CHECK(over.errors[0] == field_error{"", "integer 65536 does not fit in [0, 65535]",
                                        "integer in [0, 65535]", "65536"});
}

TEST_CASE("a negative number does not read into an unsigned integer", "[codec]") {
    auto small = read_as<std::uint16_t>(json(-1), std::uint16_t{7});
    REQUIRE(small.errors.size() == 1);
    CHECK(small.errors[0].message == "integer -1 does not fit in [0, 65535]");
    CHECK(small.value == 7);

    auto wide = read_as<std::uint64_t>(json(-5));
    REQUIRE(wide.errors.size() == 1);
    CHECK(wide.errors[0].message == "integer -5 does not fit in [0, 18446744073709551615]");

    auto parsed = synapse::parse_json("-3");
    REQUIRE(parsed.has_value());
    auto unsigned_int = read_as<unsigned>(*parsed);
    REQUIRE(unsigned_int.errors.size() == 1);
    CHECK(unsigned_int.errors[0].message == "integer -3 does not fit in [0, 4294967295]");
}

TEST_CASE("64-bit integers read their full range", "[codec]") {
    auto parsed = synapse::parse_json(
        "[9223372036854775807, -9223372036854775808, 18446744073709551615, 9223372036854775808]");
    REQUIRE(parsed.has_value());
    const json& j = *parsed;
    CHECK(read_as<std::int64_t>(j[0]).value == std::numeric_limits<std::int64_t>::max());
    CHECK(read_as<std::int64_t>(j[1]).value == std::numeric_limits<std::int64_t>::min());
    CHECK(read_as<std::uint64_t>(j[2]).value == std::numeric_limits<std::uint64_t>::max());
    auto over = read_as<std::int64_t>(j[3]);
    REQUIRE(over.errors.size() == 1);
    CHECK(over.errors[0].message ==
          "integer 9223372036854775808 does not fit in [-9223372036854775808, "
          "9223372036854775807]");
}

TEST_CASE("a floating point number does not read into an integer", "[codec]") {
    auto fraction = read_as<int>(json(1.5), 9);
    REQUIRE(fraction.errors.size() == 1);
    CHECK(fraction.errors[0] ==
          field_error{"", "expected integer, got number 1.5", "integer", "number"});
    CHECK(fraction.value == 9);

    auto whole = read_as<long>(json(2.0));
    REQUIRE(whole.errors.size() == 1);
    CHECK(whole.errors[0].message == "expected integer, got number 2.0");
}

TEST_CASE("an integer rejects strings, booleans and null", "[codec]") {
    auto s = read_as<int>(json("3"));
    REQUIRE(s.errors.size() == 1);
    CHECK(s.errors[0].message == "expected integer, got string \"3\"");
    auto b = read_as<int>(json(true));
    REQUIRE(b.errors.size() == 1);
    CHECK(b.errors[0].message == "expected integer, got boolean true");
    auto n = read_as<int>(json(nullptr));
    REQUIRE(n.errors.size() == 1);
    CHECK(n.errors[0] == field_error{"", "expected integer, got null", "integer", "null"});
}

TEST_CASE("a long actual value is shortened to 40 characters in the message", "[codec]") {
    auto long_text = read_as<int>(json(std::string(50, 'a')));
    REQUIRE(long_text.errors.size() == 1);
    CHECK(long_text.errors[0].message ==
          "expected integer, got string \"" + std::string(36, 'a') + "...");
}

TEST_CASE("integers write as JSON integers and describe their sign", "[codec]") {
    CHECK(codec<int>::write(-7) == json(-7));
    CHECK(codec<std::uint16_t>::write(65535) == json(65535));
    CHECK(codec<int>::schema() == json{{"type", "integer"}});
    CHECK(codec<std::int8_t>::schema() == json{{"type", "integer"}});
    CHECK(codec<std::uint16_t>::schema() == json{{"type", "integer"}, {"minimum", 0}});
    CHECK(codec<unsigned long long>::schema() == json{{"type", "integer"}, {"minimum", 0}});
}

TEST_CASE("a double reads floating point numbers", "[codec]") {
    auto d = read_as<double>(json(0.25));
    CHECK(d.errors.empty());
    CHECK(d.value == 0.25);
    auto f = read_as<float>(json(1.5));
    CHECK(f.errors.empty());
    CHECK(f.value == 1.5f);
}

TEST_CASE("a double accepts integers", "[codec]") {
    auto positive = read_as<double>(json(3));
    CHECK(positive.errors.empty());
    CHECK(positive.value == 3.0);
    auto negative = read_as<double>(json(-4));
    CHECK(negative.errors.empty());
    CHECK(negative.value == -4.0);
    auto parsed = synapse::parse_json("[10, 1e2]");
    REQUIRE(parsed.has_value());
    CHECK(read_as<double>((*parsed)[0]).value == 10.0);
    CHECK(read_as<double>((*parsed)[1]).value == 100.0);
}

TEST_CASE("a double rejects strings and null", "[codec]") {
    auto s = read_as<double>(json("1.0"), 2.5);
    REQUIRE(s.errors.size() == 1);
    CHECK(s.errors[0] ==
          field_error{"", "expected number, got string \"1.0\"", "number", "string"});
    CHECK(s.value == 2.5);
    auto n = read_as<double>(json(nullptr));
    REQUIRE(n.errors.size() == 1);
    CHECK(n.errors[0].message == "expected number, got null");
}

TEST_CASE("floating point numbers write as JSON numbers and describe themselves as number",
          "[codec]") {
    CHECK(codec<double>::write(0.5) == json(0.5));
    CHECK(codec<double>::write(0.5).is_number_float());
    CHECK(codec<double>::schema() == json{{"type", "number"}});
    CHECK(codec<float>::schema() == json{{"type", "number"}});
}

TEST_CASE("a string reads JSON strings and rejects other types", "[codec]") {
    auto ok = read_as<std::string>(json("héllo wörld"));
    CHECK(ok.errors.empty());
    CHECK(ok.value == "héllo wörld");
    auto empty = read_as<std::string>(json(""), std::string("old"));
    CHECK(empty.errors.empty());
    CHECK(empty.value.empty());
    auto number = read_as<std::string>(json(5), std::string("kept"));
    REQUIRE(number.errors.size() == 1);
    CHECK(number.errors[0] ==
          field_error{"", "expected string, got integer 5", "string", "integer"});
    CHECK(number.value == "kept");
    auto array = read_as<std::string>(json::array({"a"}));
    REQUIRE(array.errors.size() == 1);
    CHECK(array.errors[0].message == "expected string, got array [\"a\"]");
}

TEST_CASE("a string writes as itself and describes itself as string", "[codec]") {
    CHECK(codec<std::string>::write("abc") == json("abc"));
    CHECK(codec<std::string>::schema() == json{{"type", "string"}});
}

TEST_CASE("a path reads from a string and rejects other types", "[codec]") {
    auto ok = read_as<std::filesystem::path>(json("/data/train.csv"));
    CHECK(ok.errors.empty());
    CHECK(ok.value == std::filesystem::path("/data/train.csv"));
    CHECK(ok.value.filename() == "train.csv");
    auto bad = read_as<std::filesystem::path>(json(7));
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0] ==
          field_error{"", "expected string (a path), got integer 7", "string (a path)", "integer"});
}

TEST_CASE("a path writes as a string and describes itself with the path format", "[codec]") {
    json written = codec<std::filesystem::path>::write(std::filesystem::path("runs/model.bin"));
    CHECK(written.is_string());
    CHECK(written == json("runs/model.bin"));
    CHECK(codec<std::filesystem::path>::schema() == json{{"type", "string"}, {"format", "path"}});
}

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

TEST_CASE("a json value passes through unchanged", "[codec]") {
    const json any = json::parse(R"({"a": [1, "two", null, {"b": false}], "c": 1.5})");
    auto read = read_as<json>(any);
    CHECK(read.errors.empty());
    CHECK(read.value == any);
    auto scalar = read_as<json>(json(nullptr), json(5));
    CHECK(scalar.errors.empty());
    CHECK(scalar.value.is_null());
    CHECK(codec<json>::write(any) == any);
}

TEST_CASE("a json value accepts anything, so its schema is empty", "[codec]") {
    json schema = codec<json>::schema();
    CHECK(schema.is_object());
    CHECK(schema.empty());
}

TEST_CASE("read_state restores the path after nested values and collects all errors", "[codec]") {
    synapse::detail::read_state st;
    CHECK(st.path().empty());
    {
        auto outer = st.enter_key("model");
        CHECK(st.path() == "model");
        {
            auto index = st.enter_index(3);
            CHECK(st.path() == "model[3]");
            auto inner = st.enter_key("units");
            CHECK(st.path() == "model[3].units");
            st.add("custom problem", "constraint", "0");
        }
        CHECK(st.path() == "model");
        st.type_mismatch("string", json(1));
    }
    CHECK(st.path().empty());
    REQUIRE(st.error_count() == 2);
    CHECK(st.errors()[0] == field_error{"model[3].units", "custom problem", "constraint", "0"});
    CHECK(st.errors()[1] ==
          field_error{"model", "expected string, got integer 1", "string", "integer"});
}

TEST_CASE("parse options are lenient by default", "[codec]") {
    CHECK_FALSE(synapse::parse_options{}.strict);
    synapse::detail::read_state st(synapse::parse_options{.strict = true});
    CHECK(st.options().strict);
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
