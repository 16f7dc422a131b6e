// A side check, not in the table: get_result of an existing, finished job (public API), to see
// the client's CPU and peak RSS when the job's log is large (the result is read from the log).
//
//   bench_ray_result_of --job ID
//
// Prints JSON: wall and CPU seconds of get_result, the result, and this process's peak RSS.
#include <cstdio>
#include <string>

#include <synapse/core/json.hpp>
#include <synapse/executors/ray_jobs_api_executor.hpp>

#include "common.hpp"

int main(int argc, char** argv) {
    const bench_ray::args a(argc, argv);
    const std::string id = a.get("job");
    synapse::ray_executor_options o;
    o.transport = bench_ray::dashboard();
    auto exec = synapse::ray_jobs_api_executor::create(o);
    if (!exec) bench_ray::die(synapse::to_string(exec.error()));
    const double cpu0 = bench_ray::cpu_seconds(), wall0 = bench_ray::wall_seconds();
    auto result = exec->get_result(id);
    const double wall = bench_ray::wall_seconds() - wall0, cpu = bench_ray::cpu_seconds() - cpu0;
    if (!result) bench_ray::die(synapse::to_string(result.error()));
    synapse::json out = {{"result", *result},
                         {"wall_s", wall},
                         {"cpu_s", cpu},
                         {"max_rss_kib", bench_ray::max_rss_kib()}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
