// codec.hpp: strings, paths and JSON values passed through.
#include <synapse/core/codec.hpp>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "read_as.hpp"

using core_codec_test::read_as;
using synapse::codec;
using synapse::field_error;
using synapse::json;

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

TEST_CASE("a string or path with invalid UTF-8 reads unchanged", "[codec]") {
    const std::string bytes = "caf\xe9 \xff";
    auto text = read_as<std::string>(json(bytes));
    CHECK(text.errors.empty());
    CHECK(text.value == bytes);
    auto path = read_as<std::filesystem::path>(json(bytes));
    CHECK(path.errors.empty());
    CHECK(path.value.string() == bytes);
}
