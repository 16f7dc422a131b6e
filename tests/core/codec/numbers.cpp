// codec.hpp: booleans, integers and floating point numbers.
#include <synapse/core/codec.hpp>

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "read_as.hpp"

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

TEST_CASE("a float rejects a finite double beyond its range", "[codec]") {
    auto huge = read_as<float>(json(1e300), 1.5f);
    REQUIRE(huge.errors.size() == 1);
    CHECK(huge.errors[0] == field_error{"", "number 1e+300 does not fit in a float",
                                        "number within float range", "1e+300"});
    CHECK(huge.value == 1.5f);
    auto low = read_as<float>(json(-1e39));
    REQUIRE(low.errors.size() == 1);
    auto largest = read_as<float>(json(static_cast<double>(std::numeric_limits<float>::max())));
    CHECK(largest.errors.empty());
    CHECK(largest.value == std::numeric_limits<float>::max());
    auto as_double = read_as<double>(json(1e300));
    CHECK(as_double.errors.empty());
}
