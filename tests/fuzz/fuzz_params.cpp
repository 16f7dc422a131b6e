// Params JSON into reflected structs: nested, optional, enum, container and constrained fields.
// Any input gives a value or one error, never a crash; a value read back from its own JSON is
// the same value.
#include <map>
#include <optional>
#include <string>
#include <synapse/core/codec.hpp>
#include <synapse/core/constraints.hpp>
#include <synapse/core/enum.hpp>
#include <synapse/core/reflect.hpp>
#include <vector>

#include "fuzz_target.hpp"

enum class fuzz_optimizer { sgd, adam };
SYNAPSE_REFLECT_ENUM(fuzz_optimizer, sgd, adam)

struct fuzz_inner {
    std::string name;
    std::optional<double> weight;
};
SYNAPSE_REFLECT(fuzz_inner, name, weight)

struct fuzz_params {
    int epochs = 10;
    std::int64_t seed = 0;
    double rate = 0.1;
    bool shuffle = false;
    fuzz_optimizer optimizer = fuzz_optimizer::sgd;
    std::vector<fuzz_inner> layers;
    std::map<std::string, int> counts;
    std::optional<std::string> note;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule<&fuzz_params::epochs>(defaulted, in_range(1, 1000)),
            synapse::rule<&fuzz_params::seed>(defaulted),
            synapse::rule<&fuzz_params::rate>(defaulted, in_range(0.0, 1.0)),
            synapse::rule<&fuzz_params::shuffle>(defaulted),
            synapse::rule<&fuzz_params::optimizer>(defaulted),
            synapse::rule<&fuzz_params::layers>(defaulted),
            synapse::rule<&fuzz_params::counts>(defaulted));
    }
};
SYNAPSE_REFLECT(fuzz_params, epochs, seed, rate, shuffle, optimizer, layers, counts, note)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = synapse::from_json_text<fuzz_params>(fuzz::text(data, size));
    if (!parsed) {
        fuzz::expect(!parsed.error().message.empty(), "an error says what was wrong");
        return 0;
    }
    const synapse::json again = synapse::to_json(*parsed);
    auto round = synapse::from_json<fuzz_params>(again);
    fuzz::expect(round.has_value(), "a value read from JSON reads back from its own JSON");
    fuzz::expect(synapse::to_json(*round) == again, "and is the same value");
    return 0;
}
