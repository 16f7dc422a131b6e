#include <synapse/core/detail/read_state.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <synapse/core/codec.hpp>
#include <vector>

#include "../codec/read_as.hpp"

using core_codec_test::read_as;
using synapse::codec;
using synapse::field_error;
using synapse::json;

TEST_CASE("a long actual value is shortened to 40 characters in the message", "[codec]") {
    auto long_text = read_as<int>(json(std::string(50, 'a')));
    REQUIRE(long_text.errors.size() == 1);
    CHECK(long_text.errors[0].message ==
          "expected integer, got string \"" + std::string(36, 'a') + "...");
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

TEST_CASE("a shortened value is cut between UTF-8 characters, never inside one", "[codec]") {
    std::string text = "a";
    for (int i = 0; i < 30; ++i) text += "\xc3\xa9";  // é, two bytes each
    auto r = read_as<int>(json(text));
    REQUIRE(r.errors.size() == 1);
    std::string shown = "\"a";
    for (int i = 0; i < 17; ++i) shown += "\xc3\xa9";
    CHECK(r.errors[0].message == "expected integer, got string " + shown + "...");
}

TEST_CASE("a value with invalid UTF-8 is shown with U+FFFD instead of throwing", "[codec]") {
    auto r = read_as<int>(json("caf\xe9"));
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] ==
          field_error{"", "expected integer, got string \"caf\xef\xbf\xbd\"", "integer", "string"});
}
