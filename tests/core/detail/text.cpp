#include <synapse/core/detail/text.hpp>

#include <catch2/catch.hpp>
#include <string_view>

using synapse::detail::mentions;
using synapse::detail::trim;

TEST_CASE("trim removes leading and trailing whitespace and keeps inner whitespace", "[text]") {
    CHECK(trim("  a b \t\r\n") == "a b");
    CHECK(trim("\f\vx\v") == "x");
    CHECK(trim("x") == "x");
    CHECK(trim(" \t\n ").empty());
    CHECK(trim("").empty());
    STATIC_REQUIRE(trim("  constexpr ") == "constexpr");
}

TEST_CASE("trim returns a view into its argument", "[text]") {
    constexpr std::string_view text = "  value  ";
    const auto trimmed = trim(text);
    CHECK(trimmed.data() == text.data() + 2);
}

TEST_CASE("mentions finds a name as a whole word", "[text]") {
    CHECK(mentions("unknown action 'fly'; available: train", "fly"));
    CHECK(mentions("x must not be negative", "x"));
    CHECK(mentions("cannot read model x", "x"));
    CHECK(mentions("/p/config.yaml:3: bad", "/p/config.yaml:3"));
    CHECK(mentions("at model.layers[1].units (at model.layers[1].units)", "model.layers[1].units"));
    CHECK(mentions("anything", ""));
}

TEST_CASE("mentions does not find a name inside a longer name, path or number", "[text]") {
    CHECK_FALSE(mentions("max is 3", "x"));
    CHECK_FALSE(mentions("cannot read x.json", "x"));
    CHECK_FALSE(mentions("cannot read a/x", "x"));
    CHECK_FALSE(mentions("layers[1] is bad", "layers"));
    CHECK_FALSE(mentions("config.yaml:30: bad", "config.yaml:3"));
    CHECK_FALSE(mentions("run_x failed", "x"));
    CHECK_FALSE(mentions("caf\xc3\xa9", "caf"));
    CHECK_FALSE(mentions("", "x"));
}

TEST_CASE("mentions looks past an occurrence inside a word for a whole one", "[text]") {
    CHECK(mentions("xx, then x", "x"));
    CHECK(mentions("epochs_max or epochs", "epochs"));
}
