// Warm actions on Ray: ray_actor_executor on a local head with Serve. Three figures, each
// result checked:
//   first_s     constructor -> first result (package upload, a fresh Serve application with
//               `--replicas` replicas deployed, the first call)
//   latency_us  per call, one caller, `--calls` calls after a warm-up (median of `--blocks`
//               blocks)
//   calls_per_s `--callers` threads calling for `--seconds` seconds
// The application is removed at the end. Prints one JSON object. The peer is ray_actor.py
// (synapse-sdk's RayActorExecutor).
//
//   bench_ray_actor --plugin DIR [--binary NAME] --action A --params JSON --expect JSON
//                   [--replicas 2] [--calls 200] [--blocks 5] [--callers 4] [--seconds 5]
#include <synapse/executors/ray_actor_executor.hpp>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>
#include <vector>

#include "../ray/common.hpp"

using synapse::json;

int main(int argc, char** argv) {
    const bench_ray::args args(argc, argv);
    const json params = json::parse(args.get("params"));
    const json expect = json::parse(args.get("expect"));
    const std::string action = args.get("action");
    const long calls = args.get_int("calls", 200);
    const long blocks = args.get_int("blocks", 5);
    const long callers = args.get_int("callers", 4);
    const long seconds = args.get_int("seconds", 5);

    auto check = [&](const synapse::expected<json>& r) {
        if (!r) bench_ray::die(synapse::to_string(r.error()));
        if (*r != expect) bench_ray::die("unexpected result " + r->dump());
    };

    const double start = bench_ray::wall_seconds();
    synapse::ray_executor_options options;
    options.transport = bench_ray::dashboard();
    options.working_dir = args.get("plugin");
    if (args.has("binary")) options.binary = args.get("binary");
    options.num_cpus = 1;
    synapse::ray_actor_options actor;
    actor.fresh = true;
    actor.replicas = static_cast<int>(args.get_int("replicas", 2));
    actor.on_output = [](std::string_view) {};
    auto exec =
        synapse::basic_ray_actor_executor<synapse::httplib_transport, synapse::json_serializer,
                                          synapse::pip, synapse::null_logger>::create(options,
                                                                                      std::move(
                                                                                          actor));
    if (!exec) bench_ray::die(synapse::to_string(exec.error()));
    check(exec->execute(action, params));
    const double first = bench_ray::wall_seconds() - start;

    for (int i = 0; i < 50; ++i) check(exec->execute(action, params));  // warm-up
    std::vector<double> per_call;
    for (long b = 0; b < blocks; ++b) {
        const double t0 = bench_ray::wall_seconds();
        for (long i = 0; i < calls; ++i) check(exec->execute(action, params));
        per_call.push_back((bench_ray::wall_seconds() - t0) / calls * 1e6);
    }
    std::sort(per_call.begin(), per_call.end());

    std::atomic<long> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::jthread> threads;
    const double t0 = bench_ray::wall_seconds();
    for (long c = 0; c < callers; ++c)
        threads.emplace_back([&] {
            while (!stop) {
                check(exec->execute(action, params));
                ++done;
            }
        });
    std::this_thread::sleep_for(std::chrono::seconds(seconds));  // the measured window
    stop = true;
    threads.clear();
    const double rate = static_cast<double>(done) / (bench_ray::wall_seconds() - t0);

    auto removed = exec->shutdown();
    if (!removed) bench_ray::die(synapse::to_string(removed.error()));
    std::cout << json{{"first_s", first},
                      {"latency_us", per_call[per_call.size() / 2]},
                      {"latency_blocks_us", per_call},
                      {"calls_per_s", rate}}
                     .dump()
              << std::endl;
    return 0;
}
