// expected-error: (?s)fixed_string<\d+>\{"pipeline: action \\'train\\' needs \\'epochs\\'
// \(integer\), but the results of convert provide it as string"\}.*a required param is not
// provided; the sentence is in the template argument above
#include <string>

#include <synapse/core/reflect.hpp>
#include <synapse/pipeline/typed_pipeline.hpp>

struct inputs {
    int epochs = 10;  // an integer, but convert's string comes later and wins
};
struct convert_params {
    int epochs = 10;
};
struct convert_result {
    std::string epochs;
};
struct train_params {
    int epochs = 10;
};
struct train_result {
    double loss = 0;
};
SYNAPSE_REFLECT(inputs, epochs)
SYNAPSE_REFLECT(convert_params, epochs)
SYNAPSE_REFLECT(convert_result, epochs)
SYNAPSE_REFLECT(train_params, epochs)
SYNAPSE_REFLECT(train_result, loss)

struct convert {
    static constexpr std::string_view name = "convert";
    using params_type = convert_params;
    using result_type = convert_result;
    convert_result execute(const convert_params&, synapse::context&) { return {}; }
};
struct train {
    static constexpr std::string_view name = "train";
    using params_type = train_params;
    using result_type = train_result;
    train_result execute(const train_params&, synapse::context&) { return {}; }
};

int main() {
    return static_cast<int>(synapse::pipeline<inputs, convert, train>::size);
}
