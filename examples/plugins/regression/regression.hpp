// The regression example plugin: four actions that chain into a small ML workflow.
//
//   download  copies the bundled CSV data set into a work directory
//   convert   drops malformed rows and splits the rest into train and test CSVs
//   train     fits a linear model by gradient descent, reporting progress and loss per epoch
//   evaluate  scores the model on the held-out split
//
// Each result carries the paths the next action's params need.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <synapse/core/reflect.hpp>
#include <synapse/plugin/action.hpp>

namespace regression {

// ---- download ------------------------------------------------------------------------------
struct download_params {
    std::filesystem::path work_dir;               ///< where to put raw/houses.csv
    std::optional<std::filesystem::path> source;  ///< default: data/houses.csv beside the binary

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule<&download_params::work_dir>(non_empty));
    }
};
struct download_result {
    std::filesystem::path dataset_path;
    int rows = 0;
};

struct download {
    static constexpr std::string_view name = "download";
    using params_type = download_params;
    using result_type = download_result;
    synapse::expected<download_result> execute(const download_params& p, synapse::context& ctx);
};

// ---- convert -------------------------------------------------------------------------------
struct convert_params {
    std::filesystem::path dataset_path;
    std::filesystem::path work_dir;
    double test_fraction = 0.2;
    int seed = 42;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule<&convert_params::dataset_path>(non_empty),
            synapse::rule<&convert_params::work_dir>(non_empty),
            synapse::rule<&convert_params::test_fraction>(defaulted, in_range(0.05, 0.5)),
            synapse::rule<&convert_params::seed>(defaulted));
    }
};
struct convert_result {
    std::filesystem::path train_path;
    std::filesystem::path test_path;
    int train_rows = 0;
    int test_rows = 0;
    int dropped_rows = 0;
};

struct convert {
    static constexpr std::string_view name = "convert";
    using params_type = convert_params;
    using result_type = convert_result;
    synapse::expected<convert_result> execute(const convert_params& p, synapse::context& ctx);
};

// ---- train ---------------------------------------------------------------------------------
struct train_params {
    std::filesystem::path train_path;
    std::filesystem::path work_dir;
    int epochs = 100;
    double learning_rate = 0.1;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule<&train_params::train_path>(non_empty),
            synapse::rule<&train_params::work_dir>(non_empty),
            synapse::rule<&train_params::epochs>(defaulted, in_range(1, 100000)),
            synapse::rule<&train_params::learning_rate>(defaulted, in_range(1e-6, 1.0)));
    }
};
struct train_result {
    std::filesystem::path model_path;
    double final_loss = 0;
    int epochs = 0;
};

struct train {
    static constexpr std::string_view name = "train";
    using params_type = train_params;
    using result_type = train_result;
    synapse::expected<train_result> execute(const train_params& p, synapse::context& ctx);
};

// ---- evaluate ------------------------------------------------------------------------------
struct evaluate_params {
    std::filesystem::path model_path;
    std::filesystem::path test_path;
};
struct evaluate_result {
    double mse = 0;
    double rmse = 0;
    double r2 = 0;
    int rows = 0;
};

/// A model as `train` writes it.
struct linear_model {
    std::vector<double> mean, scale, weights;
    double bias = 0;
};

/// Keeps the models it loaded: a warm worker (`regression worker`, warm_process_executor, Ray
/// Serve) keeps one `evaluate` object for its whole life, so a model file is read once, and
/// again only when it changes.
struct evaluate {
    static constexpr std::string_view name = "evaluate";
    using params_type = evaluate_params;
    using result_type = evaluate_result;
    synapse::expected<evaluate_result> execute(const evaluate_params& p, synapse::context& ctx);

  private:
    struct cached_model {
        std::filesystem::file_time_type written;
        linear_model model;
    };
    std::map<std::filesystem::path, cached_model> models_;
};

}  // namespace regression

SYNAPSE_REFLECT(regression::download_params, work_dir, source)
SYNAPSE_REFLECT(regression::download_result, dataset_path, rows)
SYNAPSE_REFLECT(regression::convert_params, dataset_path, work_dir, test_fraction, seed)
SYNAPSE_REFLECT(regression::convert_result, train_path, test_path, train_rows, test_rows,
                dropped_rows)
SYNAPSE_REFLECT(regression::train_params, train_path, work_dir, epochs, learning_rate)
SYNAPSE_REFLECT(regression::train_result, model_path, final_loss, epochs)
SYNAPSE_REFLECT(regression::evaluate_params, model_path, test_path)
SYNAPSE_REFLECT(regression::evaluate_result, mse, rmse, r2, rows)
