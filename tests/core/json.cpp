#include <synapse/core/json.hpp>

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace core_json_test {

/// Parses text that must be malformed and returns its error.
synapse::error parse_error_of(std::string_view text, std::string_view source = "params.json") {
    auto parsed = synapse::parse_json(text, source);
    REQUIRE_FALSE(parsed.has_value());
    return parsed.error();
}

}  // namespace core_json_test

using core_json_test::parse_error_of;
using synapse::json;

TEST_CASE("parse_json reads a valid document", "[json]") {
    auto parsed = synapse::parse_json(R"({"epochs": 10, "lr": 0.5, "name": "net",
                                         "layers": [1, 2, 3], "debug": false, "extra": null})");
    REQUIRE(parsed.has_value());
    const json& j = *parsed;
    CHECK(j.is_object());
    CHECK(j.size() == 6);
    CHECK(j["epochs"] == 10);
    CHECK(j["lr"] == 0.5);
    CHECK(j["name"] == "net");
    CHECK(j["layers"] == json::array({1, 2, 3}));
    CHECK(j["debug"] == false);
    CHECK(j["extra"].is_null());
}

TEST_CASE("parse_json reads scalars and surrounding whitespace", "[json]") {
    auto number = synapse::parse_json("  42\n");
    REQUIRE(number.has_value());
    CHECK(*number == 42);
    auto text = synapse::parse_json(R"("hello")");
    REQUIRE(text.has_value());
    CHECK(*text == "hello");
    auto nothing = synapse::parse_json("null");
    REQUIRE(nothing.has_value());
    CHECK(nothing->is_null());
}

TEST_CASE("malformed JSON names the source, line and column", "[json]") {
    const std::string text =
        "{\n"
        "  \"a\": 1,\n"
        "  \"b\": [1 2]\n"
        "}";
    auto e = parse_error_of(text, "--params");
    CHECK(e.code == synapse::errc::invalid_json);
    CHECK(e.where == "--params:3:11");
    CHECK(e.message ==
          "invalid JSON in --params at line 3, column 11: syntax error while parsing array - "
          "unexpected number literal; expected ']'");
}

TEST_CASE("an invalid literal on the third line is located at its last read character", "[json]") {
    const std::string text =
        "{\n"
        "  \"a\": 1,\n"
        "  \"b\": tru,\n"
        "  \"c\": 3\n"
        "}";
    auto e = parse_error_of(text, "/tmp/params.json");
    CHECK(e.code == synapse::errc::invalid_json);
    CHECK(e.where == "/tmp/params.json:3:11");
    CHECK_THAT(e.message,
               Catch::StartsWith("invalid JSON in /tmp/params.json at line 3, column 11: "
                                 "syntax error while parsing value - invalid literal"));
    // The nlohmann prefix "[json.exception.parse_error.101] parse error at ..." is dropped.
    CHECK_THAT(e.message, !Catch::Contains("json.exception"));
    CHECK_THAT(e.message, !Catch::Contains("parse error at"));
}

TEST_CASE("a missing comma is reported on the line of the next key", "[json]") {
    const std::string text =
        "{\n"
        "  \"a\": 1\n"
        "  \"b\": 2\n"
        "}";
    auto e = parse_error_of(text);
    CHECK(e.where == "params.json:3:5");
    CHECK(e.message ==
          "invalid JSON in params.json at line 3, column 5: syntax error while parsing object - "
          "unexpected string literal; expected '}'");
}

TEST_CASE("a carriage return before a newline does not start an extra line", "[json]") {
    auto e = parse_error_of("{\r\n\"a\": x}");
    CHECK(e.where == "params.json:2:6");
}

TEST_CASE("truncated JSON is reported just past its end", "[json]") {
    auto e = parse_error_of(R"({"a": 1)");
    CHECK(e.where == "params.json:1:8");
    CHECK(e.message ==
          "invalid JSON in params.json at line 1, column 8: syntax error while parsing object - "
          "unexpected end of input; expected '}'");
}

TEST_CASE("empty input is reported at line 1, column 1", "[json]") {
    auto e = parse_error_of("");
    CHECK(e.code == synapse::errc::invalid_json);
    CHECK(e.where == "params.json:1:1");
    CHECK_THAT(e.message, Catch::Contains("unexpected end of input"));
}

TEST_CASE("trailing content after a document is rejected", "[json]") {
    auto e = parse_error_of("{} x");
    CHECK(e.where == "params.json:1:4");
    CHECK_THAT(e.message, Catch::EndsWith("expected end of input"));
}

TEST_CASE("parse_json names the default source when none is given", "[json]") {
    auto parsed = synapse::parse_json("[1, 2,]");
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().where == "JSON text:1:7");
    CHECK_THAT(parsed.error().message, Catch::StartsWith("invalid JSON in JSON text at line 1, "
                                                         "column 7: "));
}

TEST_CASE("json_type_name uses the JSON Schema name of each type", "[json]") {
    CHECK(synapse::json_type_name(json(nullptr)) == "null");
    CHECK(synapse::json_type_name(json(true)) == "boolean");
    CHECK(synapse::json_type_name(json(-3)) == "integer");
    CHECK(synapse::json_type_name(json(std::uint64_t{18446744073709551615ULL})) == "integer");
    CHECK(synapse::json_type_name(json(2.5)) == "number");
    CHECK(synapse::json_type_name(json("text")) == "string");
    CHECK(synapse::json_type_name(json::array({1, 2})) == "array");
    CHECK(synapse::json_type_name(json::object()) == "object");
    CHECK(synapse::json_type_name(json::binary({1, 2, 3})) == "binary");
}

TEST_CASE("json_type_name classifies parsed numbers by their written form", "[json]") {
    auto parsed = synapse::parse_json(R"([7, -7, 7.0, 1e3])");
    REQUIRE(parsed.has_value());
    CHECK(synapse::json_type_name((*parsed)[0]) == "integer");
    CHECK(synapse::json_type_name((*parsed)[1]) == "integer");
    CHECK(synapse::json_type_name((*parsed)[2]) == "number");
    CHECK(synapse::json_type_name((*parsed)[3]) == "number");
}

TEST_CASE("dump writes a value as json::dump does", "[json]") {
    const json j = {{"b", 1}, {"a", {true, nullptr, "x"}}};
    CHECK(synapse::dump(j) == j.dump());
    CHECK(synapse::dump(j) == R"({"b":1,"a":[true,null,"x"]})");
    CHECK(synapse::dump(j, 2) == j.dump(2));
}

TEST_CASE("dump writes invalid UTF-8 as U+FFFD instead of throwing", "[json]") {
    const json j = {{"name", "caf\xe9"}, {"list", {"\xff\xfe"}}};
    CHECK_THROWS_AS(j.dump(), json::type_error);  // what synapse::dump protects from
    CHECK(synapse::dump(j) ==
          "{\"name\":\"caf\xef\xbf\xbd\",\"list\":[\"\xef\xbf\xbd\xef\xbf\xbd\"]}");
    CHECK(synapse::dump(json("ok \xc3\xa9")) == "\"ok \xc3\xa9\"");  // valid UTF-8 stays
}

TEST_CASE("parse_json reports invalid UTF-8 in a string as invalid JSON", "[json]") {
    const synapse::error e = parse_error_of("{\"name\": \"caf\xe9\"}");
    CHECK(e.code == synapse::errc::invalid_json);
    CHECK(e.where.rfind("params.json:1:", 0) == 0);
}

TEST_CASE("a number too large for a double is invalid JSON, not an exception", "[json][fuzz]") {
    // Found by the params fuzz target: nlohmann throws out_of_range (406), not parse_error.
    auto j = synapse::parse_json(R"({"rate": 1e309})", "params");
    REQUIRE_FALSE(j);
    CHECK(j.error().code == synapse::errc::invalid_json);
    CHECK(j.error().message == "invalid JSON in params: number overflow parsing '1e309'");
}
