// Test types for the reflection tests: nested reflected structs with an enum, optional and
// defaulted fields, a valid document for them, and the (path, message) list of an error.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <synapse/core/reflect.hpp>
#include <utility>
#include <vector>

namespace core_reflect_test {

enum class activation { relu, tanh };

struct layer {
    int units = 0;
    activation act = activation::relu;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&layer::units, at_least(1)),
                                    synapse::rule(&layer::act, defaulted));
    }
};

struct model_spec {
    std::string name;
    std::vector<layer> layers;
    std::optional<double> dropout;
};

struct train_params {
    model_spec model;
    int epochs = 10;
    double learning_rate = 0.01;
    std::map<std::string, std::string> tags;
    bool verbose = false;
    std::filesystem::path output;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule(&train_params::epochs, defaulted, in_range(1, 1000)),
            synapse::rule(&train_params::verbose, defaulted));
    }
};

struct run_options {
    std::optional<int> seed;
    bool debug = false;

    static auto constraints() {
        return synapse::constraints(synapse::rule(&run_options::debug, synapse::rules::defaulted));
    }
};

/// A valid train_params document.
inline synapse::json valid_params() {
    return synapse::json::parse(R"({
        "model": {
            "name": "mlp",
            "layers": [{"units": 64, "act": "relu"}, {"units": 32, "act": "tanh"}],
            "dropout": 0.5
        },
        "epochs": 20,
        "learning_rate": 0.001,
        "tags": {"team": "ml"},
        "verbose": true,
        "output": "runs/mlp"
    })");
}

}  // namespace core_reflect_test

SYNAPSE_REFLECT_ENUM(core_reflect_test::activation, relu, tanh)
SYNAPSE_REFLECT(core_reflect_test::layer, units, act)
SYNAPSE_REFLECT(core_reflect_test::model_spec, name, layers, dropout)
SYNAPSE_REFLECT(core_reflect_test::train_params, model, epochs, learning_rate, tags, verbose,
                output)
SYNAPSE_REFLECT(core_reflect_test::run_options, seed, debug)

namespace core_reflect_test {

using path_and_message = std::pair<std::string, std::string>;

/// The (path, message) of every failing field, in the order reported.
inline std::vector<path_and_message> paths_and_messages(const synapse::error& e) {
    std::vector<path_and_message> out;
    for (const auto& f : e.fields) out.emplace_back(f.path, f.message);
    return out;
}

}  // namespace core_reflect_test
