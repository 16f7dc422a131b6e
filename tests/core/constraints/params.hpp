// Test types for the constraint tests: structs with declared rules (one declared from outside,
// through constraints_of), and the field errors of reading a document as one of them.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <synapse/core/constraints.hpp>
#include <synapse/core/pattern.hpp>
#include <synapse/core/reflect.hpp>

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

/// train_params with its rules written in the compile-time form, rule<&T::field>(...), except
/// one in the older form: both must read and describe exactly alike.
struct typed_train_params {
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
        using self = typed_train_params;
        return synapse::constraints(
            synapse::rule<&self::train_path>(non_empty),
            synapse::rule<&self::epochs>(defaulted, in_range(1, 100000)),
            synapse::rule<&self::learning_rate>(defaulted, in_range(0.0, 10.0)),
            synapse::rule(&self::optimizer, defaulted, one_of({"sgd", "adam"})),
            synapse::rule<&self::run_name>(pattern("^[a-z][a-z0-9_-]*$")),
            synapse::rule<&self::layers>(non_empty),
            synapse::rule<&self::tags>(defaulted, non_empty),
            synapse::rule<&self::seed>(at_least(0)), synapse::rule<&self::note>(non_empty));
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
SYNAPSE_REFLECT(core_constraints_test::typed_train_params, train_path, epochs, learning_rate,
                optimizer, run_name, layers, tags, seed, note)
SYNAPSE_REFLECT(core_constraints_test::external, level, code)
SYNAPSE_REFLECT(core_constraints_test::float_bound, dropout)
SYNAPSE_REFLECT(core_constraints_test::numbers, count, ratio)

namespace core_constraints_test {

/// The field errors of reading `j` as a T (empty when it reads fine).
template <class T>
std::vector<synapse::field_error> errors_of(const json& j) {
    auto r = synapse::from_json<T>(j);
    if (r) return {};
    CHECK(r.error().code == synapse::errc::validation_failed);
    return r.error().fields;
}

}  // namespace core_constraints_test
