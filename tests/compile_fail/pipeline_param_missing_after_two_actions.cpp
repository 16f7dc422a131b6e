// expected-error: (?s)fixed_string<\d+>\{"pipeline: action \\'train\\' needs \\'train_path\\'
// \(string\), which neither the inputs nor the results of download, convert provide"\}.*a required
// param is not provided; the sentence is in the template argument above
#include <filesystem>
#include <string>

#include <synapse/core/reflect.hpp>
#include <synapse/pipeline/typed_pipeline.hpp>

struct inputs {
    std::filesystem::path work_dir;
};
struct download_params {
    std::filesystem::path work_dir;
};
struct download_result {
    std::filesystem::path dataset_path;
};
struct convert_params {
    std::filesystem::path dataset_path;
};
struct convert_result {
    std::filesystem::path converted_path;  // not train_path
};
struct train_params {
    std::filesystem::path train_path;
    int epochs = 10;

    static auto constraints() {
        return synapse::constraints(
            synapse::rule<&train_params::epochs>(synapse::rules::defaulted));
    }
};
struct train_result {
    std::filesystem::path model_path;
};
SYNAPSE_REFLECT(inputs, work_dir)
SYNAPSE_REFLECT(download_params, work_dir)
SYNAPSE_REFLECT(download_result, dataset_path)
SYNAPSE_REFLECT(convert_params, dataset_path)
SYNAPSE_REFLECT(convert_result, converted_path)
SYNAPSE_REFLECT(train_params, train_path, epochs)
SYNAPSE_REFLECT(train_result, model_path)

template <class P, class R>
struct action_of {
    using params_type = P;
    using result_type = R;
    R execute(const P&, synapse::context&) { return {}; }
};
struct download : action_of<download_params, download_result> {
    static constexpr std::string_view name = "download";
};
struct convert : action_of<convert_params, convert_result> {
    static constexpr std::string_view name = "convert";
};
struct train : action_of<train_params, train_result> {
    static constexpr std::string_view name = "train";
};

int main() {
    return static_cast<int>(synapse::pipeline<inputs, download, convert, train>::size);
}
