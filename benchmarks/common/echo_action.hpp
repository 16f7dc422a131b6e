// The trivial action every benchmark runs: small validated params in, a small result out. The
// Python peer (job_protocol/python/bench_actions.py) declares the same fields and constraints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <synapse/core/reflect.hpp>
#include <synapse/plugin/action.hpp>

namespace bench {

struct echo_params {
    std::string name;
    int count = 1;
    int priority = 0;
    double scale = 1.0;
    std::optional<std::vector<std::string>> tags;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&echo_params::count, in_range(1, 1000)),
                                    synapse::rule(&echo_params::priority, in_range(0, 10)));
    }
};

struct echo_result {
    std::string name;
    int total = 0;
    double scale = 0.0;
    int tag_count = 0;
};

struct echo_action {
    static constexpr std::string_view name = "echo";
    using params_type = echo_params;
    using result_type = echo_result;

    echo_result execute(const echo_params& p, synapse::context&) {
        return {p.name, p.count * p.priority, p.scale,
                p.tags ? static_cast<int>(p.tags->size()) : 0};
    }
};

}  // namespace bench

SYNAPSE_REFLECT(bench::echo_params, name, count, priority, scale, tags)
SYNAPSE_REFLECT(bench::echo_result, name, total, scale, tag_count)
