// Actions for the pipeline benchmarks (pipeline/suite.py): four trivial ones that each add one to
// `n`, so `tick1,tick2,tick3,tick4` run as one pipeline ends with {"n": 4}; and `pace`, which
// reports progress `count` times, `interval_ms` apart, once the file `go` exists, and writes when
// it reported each (microseconds since the epoch) to the file `stamps`.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <synapse/pipeline/pipeline_mode.hpp>
#include <synapse/plugin/plugin_main.hpp>
#include <thread>
#include <vector>

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

struct pace_params {
    int count = 20;
    int interval_ms = 50;
    std::string go;
    std::string stamps;
};

struct pace {
    static constexpr std::string_view name = "pace";
    using params_type = pace_params;
    using result_type = tick_result;
    synapse::expected<tick_result> execute(const pace_params& p, synapse::context& ctx) {
        const auto waited = std::chrono::steady_clock::now() + std::chrono::minutes(1);
        while (!std::filesystem::exists(p.go)) {
            if (std::chrono::steady_clock::now() > waited)
                return synapse::fail(synapse::errc::timeout, "no " + p.go + " within a minute");
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        std::vector<long long> stamps;
        for (int i = 1; i <= p.count; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(p.interval_ms));
            stamps.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
            if (auto ok = ctx.set_progress(i, p.count, "pace"); !ok)
                return synapse::fail(ok.error());
        }
        std::ofstream out(p.stamps);
        out << synapse::json(stamps).dump() << '\n';
        return tick_result{p.count};
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
SYNAPSE_REFLECT(ticks::pace_params, count, interval_ms, go, stamps)

int main(int argc, char** argv) {
    using namespace ticks;
    return synapse::plugin_main<tick<name1>, tick<name2>, tick<name3>, tick<name4>, pace>(
        argc, argv, synapse::pipeline_mode{});
}
