#include <synapse/core/constraints.hpp>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <synapse/core/pattern.hpp>
#include <synapse/core/reflect.hpp>
#include <utility>
#include <vector>

namespace core_constraints_test {

using synapse::json;

struct train_params {
    std::filesystem::path train_path;
    int epochs = 100;
    double learning_rate = 0.01;
    std::string optimizer = "sgd";
    std::string run_name;
    std::vector<int> layers;
    std::map<std::string, std::string> tags = {{"team", "ml"}};
    std::optional<int> seed;
    std::optional<std::string> note;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule(&train_params::train_path, non_empty),
            synapse::rule(&train_params::epochs, defaulted, in_range(1, 100000)),
            synapse::rule(&train_params::learning_rate, defaulted, in_range(0.0, 10.0)),
            synapse::rule(&train_params::optimizer, defaulted, one_of({"sgd", "adam"})),
            synapse::rule(&train_params::run_name, pattern("^[a-z][a-z0-9_-]*$")),
            synapse::rule(&train_params::layers, non_empty),
            synapse::rule(&train_params::tags, defaulted, non_empty),
            synapse::rule(&train_params::seed, at_least(0)),
            synapse::rule(&train_params::note, non_empty));
    }
};

/// A valid train_params document with only the required fields.
inline json minimal() {
    return json{{"train_path", "/data/train.csv"}, {"run_name", "baseline"}, {"layers", {64, 32}}};
}

/// Constraints declared from outside the type, through constraints_of.
struct external {
    int level = 0;
    std::string code = "ABC";
};

struct float_bound {
    float dropout = 0.1f;
    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&float_bound::dropout, synapse::rules::in_range(0.0, 0.3)));
    }
};

struct numbers {
    int count = 0;
    double ratio = 0;
    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&numbers::count, at_least(1), at_most(10)),
                                    synapse::rule(&numbers::ratio, in_range(1, 100)));
    }
};

}  // namespace core_constraints_test

template <>
struct synapse::constraints_of<core_constraints_test::external> {
    static const auto& get() {
        using core_constraints_test::external;
        static const auto rules =
            synapse::constraints(synapse::rule(&external::level, synapse::rules::in_range(0, 9)),
                                 synapse::rule(&external::code, synapse::rules::defaulted,
                                               synapse::rules::pattern("^[A-Z]{3}$")));
        return rules;
    }
};

SYNAPSE_REFLECT(core_constraints_test::train_params, train_path, epochs, learning_rate, optimizer,
                run_name, layers, tags, seed, note)
SYNAPSE_REFLECT(core_constraints_test::external, level, code)
SYNAPSE_REFLECT(core_constraints_test::float_bound, dropout)
SYNAPSE_REFLECT(core_constraints_test::numbers, count, ratio)

using core_constraints_test::minimal;
using core_constraints_test::train_params;
using synapse::field_error;
using synapse::json;
namespace rules = synapse::rules;

namespace {

/// The field errors of reading `j` as a T (empty when it reads fine).
template <class T>
std::vector<field_error> errors_of(const json& j) {
    auto r = synapse::from_json<T>(j);
    if (r) return {};
    CHECK(r.error().code == synapse::errc::validation_failed);
    return r.error().fields;
}

}  // namespace

TEST_CASE("in_range passes values within its inclusive bounds", "[constraints]") {
    auto r = rules::in_range(1, 100);
    CHECK_FALSE(r.check(1).has_value());
    CHECK_FALSE(r.check(50).has_value());
    CHECK_FALSE(r.check(100).has_value());
}

TEST_CASE("in_range names both bounds and the value when it fails", "[constraints]") {
    auto r = rules::in_range(1, 100);
    CHECK(r.check(1000) == "must be between 1 and 100, got 1000");
    CHECK(r.check(0) == "must be between 1 and 100, got 0");
    CHECK(r.check(-5) == "must be between 1 and 100, got -5");
}

TEST_CASE("in_range prints floating point numbers with a decimal point", "[constraints]") {
    auto r = rules::in_range(0.0, 10.0);
    CHECK_FALSE(r.check(10.0).has_value());
    CHECK(r.check(12.5) == "must be between 0.0 and 10.0, got 12.5");
    CHECK(r.check(-1.0) == "must be between 0.0 and 10.0, got -1.0");
    CHECK(rules::in_range(0.5, 1e20).check(1e21) == "must be between 0.5 and 1e+20, got 1e+21");
}

TEST_CASE("in_range with integer bounds prints a floating point value as a float",
          "[constraints]") {
    auto r = rules::in_range(1, 100);
    CHECK(r.check(150.5) == "must be between 1 and 100, got 150.5");
    CHECK(r.check(1000.0) == "must be between 1 and 100, got 1000.0");
    CHECK_FALSE(r.check(99.9).has_value());
}

TEST_CASE("at_least and at_most check one bound each", "[constraints]") {
    CHECK_FALSE(rules::at_least(1).check(1).has_value());
    CHECK_FALSE(rules::at_least(1).check(1000000).has_value());
    CHECK(rules::at_least(1).check(0) == "must be at least 1, got 0");
    CHECK_FALSE(rules::at_most(0.5).check(-100.0).has_value());
    CHECK(rules::at_most(0.5).check(0.75) == "must be at most 0.5, got 0.75");
    CHECK(rules::at_most(3).check(4) == "must be at most 3, got 4");
}

TEST_CASE("one_of passes a listed string and names the choices otherwise", "[constraints]") {
    auto r = rules::one_of({"sgd", "adam"});
    CHECK_FALSE(r.check(std::string("sgd")).has_value());
    CHECK_FALSE(r.check(std::string("adam")).has_value());
    CHECK(r.check(std::string("rmsprop")) == "must be one of \"sgd\", \"adam\", got \"rmsprop\"");
    CHECK(r.check(std::string("")) == "must be one of \"sgd\", \"adam\", got \"\"");
    CHECK(r.check(std::string("Adam")) == "must be one of \"sgd\", \"adam\", got \"Adam\"");
}

TEST_CASE("pattern matches anywhere in the value, like JSON Schema", "[constraints]") {
    auto digits = rules::pattern("[0-9]+");
    CHECK_FALSE(digits.check(std::string("run42x")).has_value());
    CHECK_FALSE(digits.check(std::string("7")).has_value());
    CHECK(digits.check(std::string("run")) == "must match /[0-9]+/, got \"run\"");
}

TEST_CASE("an anchored pattern must match the whole value", "[constraints]") {
    auto name = rules::pattern("^[a-z]+$");
    CHECK_FALSE(name.check(std::string("abc")).has_value());
    CHECK(name.check(std::string("abc1")) == "must match /^[a-z]+$/, got \"abc1\"");
    CHECK(name.check(std::string("1abc")) == "must match /^[a-z]+$/, got \"1abc\"");
}

TEST_CASE("pattern checks the text of a path", "[constraints]") {
    auto csv = rules::pattern("\\.csv$");
    CHECK_FALSE(csv.check(std::filesystem::path("/data/train.csv")).has_value());
    CHECK(csv.check(std::filesystem::path("/data/train.json")) ==
          "must match /\\.csv$/, got \"/data/train.json\"");
}

TEST_CASE("non_empty rejects empty strings, paths, vectors and maps", "[constraints]") {
    CHECK(rules::non_empty.check(std::string()) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::string("x")).has_value());
    CHECK(rules::non_empty.check(std::filesystem::path()) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::filesystem::path("a")).has_value());
    CHECK(rules::non_empty.check(std::vector<int>{}) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::vector<int>{0}).has_value());
    CHECK(rules::non_empty.check(std::map<std::string, int>{}) == "must not be empty");
    CHECK_FALSE(rules::non_empty.check(std::map<std::string, int>{{"k", 0}}).has_value());
}

TEST_CASE("defaulted never fails", "[constraints]") {
    CHECK_FALSE(rules::defaulted.check(0).has_value());
    CHECK_FALSE(rules::defaulted.check(std::string()).has_value());
    STATIC_REQUIRE(rules::defaulted_t::marks_default);
}

TEST_CASE("each rule describes itself with its JSON Schema keyword", "[constraints]") {
    json range = {{"type", "integer"}};
    rules::in_range(1, 100).describe(range);
    CHECK(range == json{{"type", "integer"}, {"minimum", 1}, {"maximum", 100}});

    json low = {{"type", "number"}};
    rules::at_least(0.5).describe(low);
    CHECK(low == json{{"type", "number"}, {"minimum", 0.5}});

    json high = {{"type", "integer"}};
    rules::at_most(9).describe(high);
    CHECK(high == json{{"type", "integer"}, {"maximum", 9}});

    json choice = {{"type", "string"}};
    rules::one_of({"a", "b"}).describe(choice);
    CHECK(choice == json{{"type", "string"}, {"enum", {"a", "b"}}});

    json text = {{"type", "string"}};
    rules::pattern("^x").describe(text);
    CHECK(text == json{{"type", "string"}, {"pattern", "^x"}});

    json str = {{"type", "string"}};
    rules::non_empty.describe(str);
    CHECK(str == json{{"type", "string"}, {"minLength", 1}});

    json arr = {{"type", "array"}};
    rules::non_empty.describe(arr);
    CHECK(arr == json{{"type", "array"}, {"minItems", 1}});

    json obj = {{"type", "object"}};
    rules::non_empty.describe(obj);
    CHECK(obj == json{{"type", "object"}, {"minProperties", 1}});

    json untouched = {{"type", "integer"}};
    rules::defaulted.describe(untouched);
    CHECK(untouched == json{{"type", "integer"}});
}

TEST_CASE("a document that meets every constraint reads without errors", "[constraints]") {
    json j = minimal();
    j["epochs"] = 100000;
    j["learning_rate"] = 0.0;
    j["optimizer"] = "adam";
    j["seed"] = 0;
    j["note"] = "first try";
    auto p = synapse::from_json<train_params>(j);
    REQUIRE(p.has_value());
    CHECK(p->epochs == 100000);
    CHECK(p->optimizer == "adam");
    CHECK(p->seed == 0);
    CHECK(p->note == "first try");
}

TEST_CASE("defaulted fields keep their default when absent", "[constraints]") {
    auto p = synapse::from_json<train_params>(minimal());
    REQUIRE(p.has_value());
    CHECK(p->epochs == 100);
    CHECK(p->learning_rate == 0.01);
    CHECK(p->optimizer == "sgd");
    CHECK(p->tags == std::map<std::string, std::string>{{"team", "ml"}});
    CHECK(p->train_path == std::filesystem::path("/data/train.csv"));
    CHECK(p->layers == std::vector<int>{64, 32});
}

TEST_CASE("fields without defaulted are required", "[constraints]") {
    auto errors = errors_of<train_params>(json::object());
    CHECK(errors == std::vector<field_error>{
                        {"train_path", "missing required field", "present", "absent"},
                        {"run_name", "missing required field", "present", "absent"},
                        {"layers", "missing required field", "present", "absent"},
                    });
}

TEST_CASE("a failing constraint is reported at its field with the rule's message",
          "[constraints]") {
    json j = minimal();
    j["epochs"] = 1000000;
    CHECK(errors_of<train_params>(j) ==
          std::vector<field_error>{
              {"epochs", "must be between 1 and 100000, got 1000000", "constraint", ""}});
}

TEST_CASE("every failing constraint is reported, in the order the rules are declared",
          "[constraints]") {
    json j = {{"train_path", ""},      {"epochs", 0},        {"learning_rate", 12.5},
              {"optimizer", "adamw"},  {"run_name", "Bad!"}, {"layers", json::array()},
              {"tags", json::object()}};
    auto errors = errors_of<train_params>(j);
    std::vector<std::pair<std::string, std::string>> got;
    for (const auto& e : errors) {
        CHECK(e.expected == "constraint");
        got.emplace_back(e.path, e.message);
    }
    CHECK(got == std::vector<std::pair<std::string, std::string>>{
                     {"train_path", "must not be empty"},
                     {"epochs", "must be between 1 and 100000, got 0"},
                     {"learning_rate", "must be between 0.0 and 10.0, got 12.5"},
                     {"optimizer", "must be one of \"sgd\", \"adam\", got \"adamw\""},
                     {"run_name", "must match /^[a-z][a-z0-9_-]*$/, got \"Bad!\""},
                     {"layers", "must not be empty"},
                     {"tags", "must not be empty"},
                 });
}

TEST_CASE("optional fields are checked only when present", "[constraints]") {
    json absent = minimal();
    CHECK(errors_of<train_params>(absent).empty());

    json null = minimal();
    null["seed"] = nullptr;
    null["note"] = nullptr;
    CHECK(errors_of<train_params>(null).empty());

    json bad = minimal();
    bad["seed"] = -1;
    bad["note"] = "";
    CHECK(errors_of<train_params>(bad) ==
          std::vector<field_error>{{"seed", "must be at least 0, got -1", "constraint", ""},
                                   {"note", "must not be empty", "constraint", ""}});
}

TEST_CASE("a constraint is not run on a field that failed its type check", "[constraints]") {
    json j = minimal();
    j["epochs"] = "many";
    j["layers"] = "64,32";
    j["seed"] = 1.5;
    CHECK(errors_of<train_params>(j) ==
          std::vector<field_error>{
              {"epochs", "expected integer, got string \"many\"", "integer", "string"},
              {"layers", "expected array, got string \"64,32\"", "array", "string"},
              {"seed", "expected integer, got number 1.5", "integer", "number"},
          });
}

TEST_CASE("a constraint is not run on a missing required field", "[constraints]") {
    json j = minimal();
    j.erase("run_name");
    CHECK(errors_of<train_params>(j) ==
          std::vector<field_error>{{"run_name", "missing required field", "present", "absent"}});
}

TEST_CASE("a constraint is not run on a vector with a bad element", "[constraints]") {
    json j = minimal();
    j["layers"] = json::array({"wide"});
    CHECK(errors_of<train_params>(j) ==
          std::vector<field_error>{
              {"layers[0]", "expected integer, got string \"wide\"", "integer", "string"}});
}

TEST_CASE("type errors come before constraint errors", "[constraints]") {
    json j = minimal();
    j["epochs"] = -3;
    j["optimizer"] = 7;
    auto errors = errors_of<train_params>(j);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].path == "optimizer");
    CHECK(errors[0].message == "expected string, got integer 7");
    CHECK(errors[1].path == "epochs");
    CHECK(errors[1].message == "must be between 1 and 100000, got -3");
}

TEST_CASE("several rules on one field each report their failure", "[constraints]") {
    CHECK(errors_of<core_constraints_test::numbers>(json{{"count", 11}, {"ratio", 50}}) ==
          std::vector<field_error>{{"count", "must be at most 10, got 11", "constraint", ""}});
    CHECK(errors_of<core_constraints_test::numbers>(json{{"count", 0}, {"ratio", 1000}}) ==
          std::vector<field_error>{
              {"count", "must be at least 1, got 0", "constraint", ""},
              {"ratio", "must be between 1 and 100, got 1000.0", "constraint", ""}});
}

TEST_CASE("a float field accepts a value equal to its upper bound", "[constraints]") {
    // JSON 0.3 reads into the float 0.3f; the rule in_range(0.0, 0.3) must accept it.
    CHECK(errors_of<core_constraints_test::float_bound>(json{{"dropout", 0.31}}) ==
          std::vector<field_error>{
              {"dropout", "must be between 0.0 and 0.3, got 0.31", "constraint", ""}});
    auto p = synapse::from_json<core_constraints_test::float_bound>(json{{"dropout", 0.3}});
    INFO((p ? std::string("read fine") : synapse::to_string(p.error())));
    REQUIRE(p.has_value());
    CHECK(p->dropout == 0.3f);
}

TEST_CASE("constraints_of can declare rules for a type without a constraints() member",
          "[constraints]") {
    using core_constraints_test::external;
    auto ok = synapse::from_json<external>(json{{"level", 9}});
    REQUIRE(ok.has_value());
    CHECK(ok->level == 9);
    CHECK(ok->code == "ABC");
    CHECK(errors_of<external>(json{{"level", 10}, {"code", "abcd"}}) ==
          std::vector<field_error>{
              {"level", "must be between 0 and 9, got 10", "constraint", ""},
              {"code", "must match /^[A-Z]{3}$/, got \"abcd\"", "constraint", ""}});
}

TEST_CASE("the schema shows constraints with their JSON Schema keywords", "[constraints]") {
    json s = synapse::json_schema<train_params>();
    const json& props = s["properties"];
    CHECK(props["train_path"] == json{{"type", "string"}, {"format", "path"}, {"minLength", 1}});
    CHECK(props["epochs"] ==
          json{{"type", "integer"}, {"default", 100}, {"minimum", 1}, {"maximum", 100000}});
    CHECK(props["learning_rate"] ==
          json{{"type", "number"}, {"default", 0.01}, {"minimum", 0.0}, {"maximum", 10.0}});
    CHECK(props["optimizer"] ==
          json{{"type", "string"}, {"default", "sgd"}, {"enum", {"sgd", "adam"}}});
    CHECK(props["run_name"] == json{{"type", "string"}, {"pattern", "^[a-z][a-z0-9_-]*$"}});
    CHECK(props["layers"] ==
          json{{"type", "array"}, {"items", {{"type", "integer"}}}, {"minItems", 1}});
    CHECK(props["tags"] == json{{"type", "object"},
                                {"additionalProperties", {{"type", "string"}}},
                                {"default", {{"team", "ml"}}},
                                {"minProperties", 1}});
}

TEST_CASE("constraints of an optional field describe its non-null alternative", "[constraints]") {
    json s = synapse::json_schema<train_params>();
    CHECK(s["properties"]["seed"] ==
          json{{"anyOf",
                json::array({json{{"type", "integer"}, {"minimum", 0}}, json{{"type", "null"}}})}});
    CHECK(s["properties"]["note"] ==
          json{{"anyOf", json::array({json{{"type", "string"}, {"minLength", 1}},
                                      json{{"type", "null"}}})}});
}

TEST_CASE("defaulted fields appear as default in the schema and are not required",
          "[constraints]") {
    json s = synapse::json_schema<train_params>();
    CHECK(s["required"] == json::array({"train_path", "run_name", "layers"}));
    CHECK(s["properties"]["epochs"]["default"] == 100);
    CHECK(s["properties"]["optimizer"]["default"] == "sgd");
    CHECK_FALSE(s["properties"]["run_name"].contains("default"));
    CHECK_FALSE(s["properties"]["seed"].contains("default"));

    json ext = synapse::json_schema<core_constraints_test::external>();
    CHECK(ext["required"] == json::array({"level"}));
    CHECK(ext["properties"]["code"] ==
          json{{"type", "string"}, {"default", "ABC"}, {"pattern", "^[A-Z]{3}$"}});
    CHECK(ext["properties"]["level"] == json{{"type", "integer"}, {"minimum", 0}, {"maximum", 9}});
}

TEST_CASE("an unsigned field compares with signed bounds by value", "[constraints]") {
    CHECK_FALSE(synapse::rules::in_range(-1, 10).check(5u).has_value());
    CHECK(synapse::rules::in_range(1, 64).check(0u) == "must be between 1 and 64, got 0");
    CHECK(synapse::rules::in_range(1, 64).check(65u) == "must be between 1 and 64, got 65");
}

TEST_CASE("a malformed pattern fails values with a message instead of throwing", "[constraints]") {
    auto rule = synapse::rules::pattern("([a-z");
    CHECK(rule.check(std::string("abc")) == "pattern /([a-z/ is not a valid regular expression");
}
