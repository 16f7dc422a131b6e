// constraints.hpp: declared rules checked while a document is read (from_json).
#include <synapse/core/constraints.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "params.hpp"

using core_constraints_test::errors_of;
using core_constraints_test::minimal;
using core_constraints_test::train_params;
using synapse::field_error;
using synapse::json;
namespace rules = synapse::rules;

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

TEST_CASE("rules written rule<&T::field> read exactly as rules written rule(&T::field)",
          "[constraints]") {
    using core_constraints_test::typed_train_params;
    json bad = minimal();
    bad["train_path"] = "";
    bad["epochs"] = 0;
    bad["optimizer"] = "rmsprop";
    bad["run_name"] = "Bad Name";
    bad["layers"] = json::array();
    bad["seed"] = -1;
    bad["note"] = "";
    for (const json& j : {minimal(), json::object(), bad}) {
        INFO(j.dump());
        CHECK(errors_of<typed_train_params>(j) == errors_of<train_params>(j));
    }
    CHECK(errors_of<typed_train_params>(bad).size() == 7);

    auto p = synapse::from_json<typed_train_params>(minimal());
    REQUIRE(p.has_value());
    CHECK(p->epochs == 100);
    CHECK(p->optimizer == "sgd");
    CHECK(p->tags == std::map<std::string, std::string>{{"team", "ml"}});
}
