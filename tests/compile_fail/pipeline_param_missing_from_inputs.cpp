// expected-error: (?s)fixed_string<\d+>\{"pipeline: action \\'download\\' needs \\'dataset\\'
// \(integer\), which the inputs do not provide"\}.*a required param is not provided; the sentence
// is in the template argument above
#include <filesystem>
#include <string>

#include <synapse/core/reflect.hpp>
#include <synapse/pipeline/typed_pipeline.hpp>

struct inputs {
    std::string name;
};
struct download_params {
    int dataset = 0;
};
struct download_result {
    std::filesystem::path dataset_path;
};
SYNAPSE_REFLECT(inputs, name)
SYNAPSE_REFLECT(download_params, dataset)
SYNAPSE_REFLECT(download_result, dataset_path)

struct download {
    static constexpr std::string_view name = "download";
    using params_type = download_params;
    using result_type = download_result;
    download_result execute(const download_params&, synapse::context&) { return {}; }
};

int main() {
    return static_cast<int>(synapse::pipeline<inputs, download>::size);
}
