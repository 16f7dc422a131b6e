// In-process dispatch: JSON params -> validated echo_params -> echo_action -> JSON result, through
// the local executor's by-name entry point. The Python peer is dispatch/peer.py.
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <benchmark/benchmark.h>
#include <synapse/executors/local_executor.hpp>

#include "../common/echo_action.hpp"

namespace {

using executor =
    synapse::basic_local_executor<synapse::plugin<bench::echo_action>, synapse::null_logger>;

// The params both sides get and the result both must return (common/echo_case.json; meson
// passes its path as SYNAPSE_BENCH_ECHO_CASE).
const synapse::json& echo_case() {
    static const synapse::json c = [] {
        std::ifstream in(SYNAPSE_BENCH_ECHO_CASE);
        auto parsed = synapse::json::parse(in, nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_object() || !parsed.contains("params") || !parsed.contains("expected")) {
            std::fprintf(stderr, "bench_dispatch: cannot read %s\n", SYNAPSE_BENCH_ECHO_CASE);
            std::exit(1);
        }
        return parsed;
    }();
    return c;
}
const synapse::json& echo_params_json() {
    return echo_case()["params"];
}
const synapse::json& expected_result() {
    return echo_case()["expected"];
}

// Refuses to time a dispatch that does not produce the expected result.
void check_once(executor& exec) {
    auto result = exec.execute("echo", echo_params_json());
    if (!result || *result != expected_result()) {
        std::fprintf(stderr, "bench_dispatch: unexpected result: %s\n",
                     result ? result->dump().c_str() : "(error)");
        std::exit(1);
    }
}

void BM_dispatch_echo(benchmark::State& state) {
    executor exec;
    check_once(exec);
    const auto& params = echo_params_json();
    for (auto _ : state) {
        auto result = exec.execute("echo", params);
        benchmark::DoNotOptimize(result);
    }
}
BENCHMARK(BM_dispatch_echo);

// The same, also writing the result as JSON text (what synapse-sdk's LocalExecutor prints).
void BM_dispatch_echo_dump(benchmark::State& state) {
    executor exec;
    check_once(exec);
    const auto& params = echo_params_json();
    for (auto _ : state) {
        auto result = exec.execute("echo", params);
        auto text = result->dump();
        benchmark::DoNotOptimize(text);
    }
}
BENCHMARK(BM_dispatch_echo_dump);

}  // namespace

BENCHMARK_MAIN();
