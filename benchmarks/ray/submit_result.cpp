// Benchmarks 2 and 3: submit a trivial action as a Ray job and wait for its result, through the
// public API of synapse::ray_jobs_api_executor (submit + get_result).
//
//   bench_ray_submit_result --plugin DIR [--a 20] [--b 22]
//   bench_ray_submit_result --plugin DIR --binary NAME --action NAME --params JSON --expect JSON
//
// The first form runs adder_actions.AddAction of DIR (tests/fixtures/python_plugin), the same
// one the Python peer submit_result.py runs through synapse-sdk's RayJobsApiExecutor. The
// second runs a C++ plugin action: the binary NAME inside DIR, checked against JSON. The clock
// runs from just before the executor is created to the checked result. Prints JSON with the
// time, the submission id and this process's peak RSS (the driver also takes it from wait4).
#include <cstdio>
#include <string>

#include <synapse/core/json.hpp>
#include <synapse/executors/ray_jobs_api_executor.hpp>

#include "common.hpp"

int main(int argc, char** argv) {
    const bench_ray::args a(argc, argv);
    const long x = a.get_int("a", 20), y = a.get_int("b", 22);

    synapse::ray_executor_options o;
    o.transport = bench_ray::dashboard();
    o.working_dir = a.get("plugin");
    std::string action = "adder_actions.AddAction";
    synapse::json params = {{"a", x}, {"b", y}};
    synapse::json expect = {{"total", x + y}, {"language", "python"}};
    if (a.has("binary")) {
        o.binary = a.get("binary");
        action = a.get("action");
        params = synapse::json::parse(a.get("params"));
        expect = synapse::json::parse(a.get("expect"));
    }

    const double start = bench_ray::wall_seconds(), start_unix = bench_ray::unix_seconds();
    auto exec = synapse::ray_jobs_api_executor::create(o);
    if (!exec) bench_ray::die(synapse::to_string(exec.error()));
    auto id = exec->submit(action, params);
    if (!id) bench_ray::die(synapse::to_string(id.error()));
    const double submitted = bench_ray::wall_seconds();
    auto result = exec->get_result(*id);
    const double done = bench_ray::wall_seconds(), done_unix = bench_ray::unix_seconds();
    if (!result) bench_ray::die(synapse::to_string(result.error()));
    if (*result != expect) bench_ray::die("unexpected result " + result->dump());

    // Untimed: Ray's own clock for the job (created at submit, ended), to see where time goes.
    auto job = exec->api().get_job(*id);
    if (!job) bench_ray::die(synapse::to_string(job.error()));
    synapse::json out = {{"submission_id", *id},
                         {"start_unix_s", start_unix},
                         {"ray_start_time_ms", job->start_time.value_or(0)},
                         {"ray_end_time_ms", job->end_time.value_or(0)},
                         {"done_unix_s", done_unix},
                         {"submit_s", submitted - start},
                         {"total_s", done - start},
                         {"result", *result},
                         {"max_rss_kib", bench_ray::max_rss_kib()}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
