// expected-error: (?s)fixed_string<\d+>\{"pipeline: action \\'train\\' needs \\'learning_rate\\'
// \(number\), but the inputs provide it as boolean"\}.*a required param is not provided; the
// sentence is in the template argument above
#include <optional>

#include <synapse/core/reflect.hpp>
#include <synapse/pipeline/typed_pipeline.hpp>

struct inputs {
    std::optional<bool> learning_rate;  // an optional's kind is its value's
};
struct train_params {
    double learning_rate = 0.1;
};
struct train_result {
    double loss = 0;
};
SYNAPSE_REFLECT(inputs, learning_rate)
SYNAPSE_REFLECT(train_params, learning_rate)
SYNAPSE_REFLECT(train_result, loss)

struct train {
    static constexpr std::string_view name = "train";
    using params_type = train_params;
    using result_type = train_result;
    train_result execute(const train_params&, synapse::context&) { return {}; }
};

int main() {
    return static_cast<int>(synapse::pipeline<inputs, train>::size);
}
