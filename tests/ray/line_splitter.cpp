// line_splitter: chunks in, whole lines out.
#include <synapse/ray/line_splitter.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace {

std::vector<std::string> split_all(const std::vector<std::string>& chunks, bool finish) {
    std::vector<std::string> lines;
    synapse::line_splitter s([&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    });
    for (const auto& c : chunks) REQUIRE(s.feed(c));
    if (finish) REQUIRE(s.finish());
    return lines;
}

using lines = std::vector<std::string>;

}  // namespace

TEST_CASE("line_splitter splits chunks into lines and keeps the unfinished tail",
          "[line_splitter]") {
    CHECK(split_all({"a\nb\nc\n"}, false) == lines{"a", "b", "c"});
    CHECK(split_all({"one\ntw", "o\nthr", "ee"}, false) == lines{"one", "two"});
    CHECK(split_all({"one\ntw", "o\nthr", "ee"}, true) == lines{"one", "two", "three"});
    CHECK(split_all({"a", "b", "c\n"}, true) == lines{"abc"});
    CHECK(split_all({"\n\nx\n"}, true) == lines{"", "", "x"});
    CHECK(split_all({"dos\r\nline\r", "\n"}, true) == lines{"dos", "line"});
    CHECK(split_all({"", "a\n", ""}, true) == lines{"a"});
    CHECK(split_all({}, true).empty());

    std::vector<std::string> got;
    synapse::line_splitter s([&](std::string_view line) {
        got.emplace_back(line);
        return true;
    });
    CHECK(s.feed("abc\nde"));
    CHECK(s.partial() == "de");
    CHECK(s.finish());
    CHECK(s.partial().empty());
    CHECK(s.finish());  // nothing left
    CHECK(got == lines{"abc", "de"});
}

TEST_CASE("line_splitter stops when the callback returns false", "[line_splitter]") {
    std::vector<std::string> got;
    synapse::line_splitter s([&](std::string_view line) {
        got.emplace_back(line);
        return got.size() < 2;
    });
    CHECK_FALSE(s.feed("1\n2\n3\n"));
    CHECK_FALSE(s.feed("4\n"));
    CHECK_FALSE(s.finish());
    CHECK(got == lines{"1", "2"});
}
