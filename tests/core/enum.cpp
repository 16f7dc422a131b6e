#include <synapse/core/enum.hpp>

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace core_enum_test {

enum class optimizer { sgd, adam, rmsprop };
enum class color : unsigned char { red = 2, green = 4, blue = 8 };
enum class not_reflected { a, b };

template <class T>
struct outcome {
    T value;
    std::vector<synapse::field_error> errors;
};

template <class T>
outcome<T> read_enum_as(const synapse::json& j, T initial) {
    synapse::detail::read_state st;
    synapse::codec<T>::read(j, initial, st);
    return {std::move(initial), std::move(st.errors())};
}

}  // namespace core_enum_test

SYNAPSE_REFLECT_ENUM(core_enum_test::optimizer, sgd, adam, rmsprop)
SYNAPSE_REFLECT_ENUM(core_enum_test::color, red, green, blue)

using core_enum_test::color;
using core_enum_test::optimizer;
using core_enum_test::read_enum_as;
using synapse::codec;
using synapse::field_error;
using synapse::json;

TEST_CASE("a reflected enum reads from the name of each enumerator", "[enum]") {
    auto sgd = read_enum_as(json("sgd"), optimizer::rmsprop);
    CHECK(sgd.errors.empty());
    CHECK(sgd.value == optimizer::sgd);
    CHECK(read_enum_as(json("adam"), optimizer::sgd).value == optimizer::adam);
    CHECK(read_enum_as(json("rmsprop"), optimizer::sgd).value == optimizer::rmsprop);
}

TEST_CASE("an enum with explicit values reads and writes by name, not by number", "[enum]") {
    CHECK(read_enum_as(json("blue"), color::red).value == color::blue);
    CHECK(codec<color>::write(color::green) == json("green"));
    auto number = read_enum_as(json(4), color::red);
    REQUIRE(number.errors.size() == 1);
    CHECK(number.value == color::red);
}

TEST_CASE("a reflected enum writes as the name of its enumerator", "[enum]") {
    CHECK(codec<optimizer>::write(optimizer::sgd) == json("sgd"));
    CHECK(codec<optimizer>::write(optimizer::adam) == json("adam"));
    CHECK(codec<optimizer>::write(optimizer::rmsprop) == json("rmsprop"));
    CHECK(codec<optimizer>::write(optimizer::adam).is_string());
}

TEST_CASE("an unknown name lists the allowed values", "[enum]") {
    auto bad = read_enum_as(json("adagrad"), optimizer::adam);
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0] == field_error{"",
                                       "expected one of \"sgd\", \"adam\", \"rmsprop\", got "
                                       "\"adagrad\"",
                                       "one of \"sgd\", \"adam\", \"rmsprop\"", "\"adagrad\""});
    CHECK(bad.value == optimizer::adam);
}

TEST_CASE("enum names are matched case-sensitively", "[enum]") {
    auto upper = read_enum_as(json("SGD"), optimizer::adam);
    REQUIRE(upper.errors.size() == 1);
    CHECK(upper.errors[0].message == "expected one of \"sgd\", \"adam\", \"rmsprop\", got \"SGD\"");
    CHECK(upper.value == optimizer::adam);
}

TEST_CASE("an unknown name with invalid UTF-8 is reported with U+FFFD instead of throwing",
          "[enum]") {
    auto bad = read_enum_as(json("sg\xe9"), optimizer::adam);
    REQUIRE(bad.errors.size() == 1);
    CHECK(bad.errors[0].message ==
          "expected one of \"sgd\", \"adam\", \"rmsprop\", got \"sg\xef\xbf\xbd\"");
    CHECK(bad.errors[0].actual == "\"sg\xef\xbf\xbd\"");
}

TEST_CASE("a value that is not a string is rejected with its type", "[enum]") {
    auto number = read_enum_as(json(1), optimizer::sgd);
    REQUIRE(number.errors.size() == 1);
    CHECK(number.errors[0] == field_error{"",
                                          "expected one of \"sgd\", \"adam\", \"rmsprop\", got "
                                          "integer 1",
                                          "one of \"sgd\", \"adam\", \"rmsprop\"", "integer"});
    auto null = read_enum_as(json(nullptr), optimizer::sgd);
    REQUIRE(null.errors.size() == 1);
    CHECK(null.errors[0].message == "expected one of \"sgd\", \"adam\", \"rmsprop\", got null");
    auto array = read_enum_as(json::array({"sgd"}), optimizer::sgd);
    REQUIRE(array.errors.size() == 1);
    CHECK(array.errors[0].message ==
          "expected one of \"sgd\", \"adam\", \"rmsprop\", got array [\"sgd\"]");
}

TEST_CASE("the schema of an enum is a string with the list of names", "[enum]") {
    CHECK(codec<optimizer>::schema() ==
          json{{"type", "string"}, {"enum", json::array({"sgd", "adam", "rmsprop"})}});
    CHECK(codec<color>::schema()["enum"] == json::array({"red", "green", "blue"}));
}

TEST_CASE("enum_name gives the JSON name of an enumerator", "[enum]") {
    CHECK(synapse::enum_name(optimizer::sgd) == "sgd");
    CHECK(synapse::enum_name(optimizer::adam) == "adam");
    CHECK(synapse::enum_name(optimizer::rmsprop) == "rmsprop");
    CHECK(synapse::enum_name(color::blue) == "blue");
    STATIC_REQUIRE(synapse::enum_name(optimizer::adam) == "adam");
}

TEST_CASE("enum_name is empty for a value that was not reflected", "[enum]") {
    CHECK(synapse::enum_name(static_cast<optimizer>(42)).empty());
    CHECK(synapse::enum_name(static_cast<color>(3)).empty());
}

TEST_CASE("only reflected enums are Reflectable", "[enum]") {
    STATIC_REQUIRE(synapse::ReflectedEnum<optimizer>);
    STATIC_REQUIRE(synapse::Reflectable<optimizer>);
    STATIC_REQUIRE(synapse::Reflectable<std::vector<optimizer>>);
    STATIC_REQUIRE_FALSE(synapse::ReflectedEnum<core_enum_test::not_reflected>);
    STATIC_REQUIRE_FALSE(synapse::ReflectedEnum<int>);
    STATIC_REQUIRE_FALSE(synapse::Reflectable<core_enum_test::not_reflected>);
}

TEST_CASE("enums read inside containers report the element path", "[enum]") {
    synapse::detail::read_state st;
    std::vector<optimizer> out;
    codec<std::vector<optimizer>>::read(json::array({"sgd", "nesterov", "adam"}), out, st);
    REQUIRE(st.errors().size() == 1);
    CHECK(st.errors()[0].path == "[1]");
    CHECK(st.errors()[0].message ==
          "expected one of \"sgd\", \"adam\", \"rmsprop\", got \"nesterov\"");
    CHECK(out[0] == optimizer::sgd);
    CHECK(out[2] == optimizer::adam);
}

TEST_CASE("an optional enum reads null as empty and writes empty as null", "[enum]") {
    auto none = read_enum_as(json(nullptr), std::optional<optimizer>(optimizer::adam));
    CHECK(none.errors.empty());
    CHECK_FALSE(none.value.has_value());
    auto some = read_enum_as(json("rmsprop"), std::optional<optimizer>());
    CHECK(some.value == optimizer::rmsprop);
    CHECK(codec<std::optional<optimizer>>::write(std::nullopt).is_null());
    CHECK(codec<std::optional<optimizer>>::write(optimizer::sgd) == json("sgd"));
}
