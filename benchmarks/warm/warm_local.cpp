// Per call on the trivial echo action (common/echo_case.json) of `echo_plugin`: a warm worker
// (warm_process_executor, one process kept alive) against a process per call (process_executor).
// Each result is checked. Prints one JSON object: {"warm_us": [...], "process_us": [...]}, the
// per-call time of each repeat. Run by benchmarks/run.py --warm, beside synapse-sdk's
// LocalExecutor (dispatch/peer.py).
//
//   bench_warm_local ECHO_PLUGIN [--calls N] [--process-calls N] [--repeats N]
#include <synapse/executors/process_executor.hpp>
#include <synapse/executors/warm_process_executor.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

struct echo_case {
    synapse::json params, expected;
};

echo_case read_case() {
    std::ifstream in(SYNAPSE_BENCH_ECHO_CASE);
    std::stringstream text;
    text << in.rdbuf();
    auto j = synapse::json::parse(text.str());
    return {j["params"], j["expected"]};
}

/// Microseconds per call of `calls` calls, each checked; exits on a wrong result.
template <class Executor>
double per_call_us(Executor& exec, const echo_case& c, int calls) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < calls; ++i) {
        auto r = exec.execute("echo", c.params);
        if (!r || *r != c.expected) {
            std::cerr << "bench_warm_local: wrong result: "
                      << (r ? synapse::dump(*r) : synapse::to_string(r.error())) << "\n";
            std::exit(1);
        }
    }
    const std::chrono::duration<double, std::micro> took = std::chrono::steady_clock::now() - start;
    return took.count() / calls;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: bench_warm_local ECHO_PLUGIN [--calls N] [--process-calls N] "
                     "[--repeats N]\n";
        return 2;
    }
    int calls = 20000, process_calls = 200, repeats = 5;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const int value = std::atoi(argv[i + 1]);
        if (flag == "--calls") calls = value;
        if (flag == "--process-calls") process_calls = value;
        if (flag == "--repeats") repeats = value;
    }
    const echo_case c = read_case();
    auto warm = synapse::basic_warm_process_executor<synapse::null_logger>::for_binary(argv[1]);
    auto process = synapse::process_executor::for_binary(argv[1]);
    (void)per_call_us(warm, c, 1000);  // the worker starts; caches warm up
    (void)per_call_us(process, c, 5);

    synapse::json out = {{"warm_us", synapse::json::array()},
                         {"process_us", synapse::json::array()}};
    for (int r = 0; r < repeats; ++r) {  // the two alternate, so machine drift hits both
        out["warm_us"].push_back(per_call_us(warm, c, calls));
        out["process_us"].push_back(per_call_us(process, c, process_calls));
    }
    (void)warm.shutdown();
    std::cout << synapse::dump(out) << std::endl;
    return 0;
}
