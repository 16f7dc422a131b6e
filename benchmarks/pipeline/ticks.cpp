// Four trivial actions for the pipeline benchmark (pipeline/suite.py): each adds one to `n`,
// so `tick1,tick2,tick3,tick4` run as one pipeline ends with {"n": 4}.
#include <synapse/pipeline/pipeline_mode.hpp>
#include <synapse/plugin/plugin_main.hpp>

namespace ticks {

struct tick_params {
    int n = 0;

    static auto constraints() {
        return synapse::constraints(synapse::rule<&tick_params::n>(synapse::rules::defaulted));
    }
};
struct tick_result {
    int n = 0;
};

/// Adds one to `n`.
template <class Named>
struct tick {
    static constexpr std::string_view name = Named::value;
    using params_type = tick_params;
    using result_type = tick_result;
    synapse::expected<tick_result> execute(const tick_params& p, synapse::context&) {
        return tick_result{p.n + 1};
    }
};

struct name1 {
    static constexpr std::string_view value = "tick1";
};
struct name2 {
    static constexpr std::string_view value = "tick2";
};
struct name3 {
    static constexpr std::string_view value = "tick3";
};
struct name4 {
    static constexpr std::string_view value = "tick4";
};

}  // namespace ticks

SYNAPSE_REFLECT(ticks::tick_params, n)
SYNAPSE_REFLECT(ticks::tick_result, n)

int main(int argc, char** argv) {
    using namespace ticks;
    return synapse::plugin_main<tick<name1>, tick<name2>, tick<name3>, tick<name4>>(
        argc, argv, synapse::pipeline_mode{});
}
