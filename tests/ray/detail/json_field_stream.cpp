// json_field_stream: one string field of a JSON object, decoded while the object streams in.
#include <synapse/ray/detail/json_field_stream.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include <synapse/core/json.hpp>

namespace {

struct decoded {
    std::string text;
    bool fed = true;
    synapse::expected<void> finished;
};

/// Feeds `doc` in pieces of `step` bytes.
decoded decode(std::string_view doc, std::size_t step, std::string key = "logs") {
    decoded out;
    synapse::detail::json_field_stream s(std::move(key), [&](std::string_view t) {
        out.text.append(t);
        return true;
    });
    for (std::size_t at = 0; at < doc.size() && out.fed; at += step)
        out.fed = s.feed(doc.substr(at, step));
    out.finished = s.finish();
    return out;
}

}  // namespace

TEST_CASE("json_field_stream decodes the field the same at every split of the input",
          "[json_field_stream]") {
    const std::string text =
        "line one\n\ttabbed \"quoted\" back\\slash /slash\r\n"
        "caf\xC3\xA9 \xF0\x9F\x98\x80 \x01 end";
    const std::string doc = synapse::json{{"logs", text}}.dump(-1, ' ', true);  // \u escapes
    REQUIRE(doc.find("\\u00e9") != std::string::npos);
    REQUIRE(doc.find("\\ud83d\\ude00") != std::string::npos);
    for (std::size_t step = 1; step <= doc.size(); ++step) {
        auto d = decode(doc, step);
        INFO("pieces of " << step << " bytes");
        CHECK(d.fed);
        CHECK(d.finished);
        CHECK(d.text == text);
    }
    // Unescaped UTF-8 passes through as it is.
    auto plain = decode(synapse::json{{"logs", text}}.dump(), 3);
    CHECK(plain.text == text);
}

TEST_CASE("json_field_stream skips other fields of any type, nested look-alikes included",
          "[json_field_stream]") {
    const std::string doc =
        R"({"a": {"logs": "nested", "x": [1, "]}", {"y": null}]}, "n": -1.5e3, "t": true,)"
        R"( "s": "\"logs\": \"no\"", "logs": "the real one", "after": [false]})";
    auto d = decode(doc, 5);
    CHECK(d.finished);
    CHECK(d.text == "the real one");
    CHECK(decode(R"({"logs":""})", 1).finished);
}

TEST_CASE("json_field_stream reports a missing field, a truncated answer and malformed JSON",
          "[json_field_stream]") {
    auto missing = decode(R"({"other": "x"})", 4);
    REQUIRE_FALSE(missing.finished);
    CHECK(missing.finished.error().code == synapse::errc::malformed_response);
    CHECK(missing.finished.error().message == "no \"logs\" in the answer");

    auto truncated = decode(R"({"logs": "abc)", 4);
    REQUIRE_FALSE(truncated.finished);
    CHECK(truncated.finished.error().message == "the JSON answer ended early");

    auto not_object = decode("[1, 2]", 2);
    CHECK_FALSE(not_object.fed);
    REQUIRE_FALSE(not_object.finished);
    CHECK(not_object.finished.error().message == "expected a JSON object at byte 1");

    auto bad_escape = decode(R"({"logs": "a\qb"})", 100);
    CHECK_FALSE(bad_escape.fed);
    REQUIRE_FALSE(bad_escape.finished);
    CHECK(bad_escape.finished.error().message.starts_with("an unknown escape \\q at byte"));

    auto lone_surrogate = decode(R"({"logs": "\ud83d x"})", 100);
    REQUIRE_FALSE(lone_surrogate.finished);
    CHECK(lone_surrogate.finished.error().message.starts_with("an unpaired surrogate"));

    auto trailing_comma = decode(R"({"logs": "x",})", 100);
    REQUIRE_FALSE(trailing_comma.finished);
    CHECK(trailing_comma.finished.error().message.starts_with("expected a key"));

    auto garbage_after = decode(R"({"logs": "x"} tail)", 100);
    REQUIRE_FALSE(garbage_after.finished);
    CHECK(garbage_after.finished.error().message.starts_with("text after the JSON object"));
}

TEST_CASE("json_field_stream stops when the receiver says so", "[json_field_stream]") {
    std::string got;
    synapse::detail::json_field_stream s("logs", [&](std::string_view t) {
        got.append(t);
        return false;
    });
    CHECK_FALSE(s.feed(R"({"logs": "abc)"));
    CHECK_FALSE(s.feed(R"(def"})"));
    CHECK(got == "abc");
}

TEST_CASE("json_field_stream refuses an answer that holds the field twice", "[json_field_stream]") {
    // Found by the json_field_stream fuzz target: the first value was handed on, and nlohmann
    // (like most parsers) keeps the last one.
    auto twice = decode(R"({"logs": "first", "x": 1, "logs": "second"})", 7);
    CHECK_FALSE(twice.fed);
    REQUIRE_FALSE(twice.finished);
    CHECK(twice.finished.error().message.starts_with("\"logs\" appears twice in the answer"));
}
