// Benchmark 1: the status of an existing, finished job.
//
//   bench_ray_get_status --job ID [--calls 300] [--rounds 5]
//
// Per round, two blocks of `calls` calls against GET /api/jobs/ID on the same dashboard (their
// order alternates between rounds):
//   ours: synapse::basic_jobs_api<httplib_transport>::get_job (parsed job_details, status checked)
//   raw:  a plain httplib::Client keep-alive GET loop (status 200 checked, body not parsed): the
//         floor the server sets.
// Prints per-call wall and CPU (CLOCK_PROCESS_CPUTIME_ID, as Python's time.process_time) of
// every block as JSON. The Python peer is get_status.py.
#include <httplib.h>

#include <cstdio>
#include <string>
#include <vector>

#include <synapse/core/json.hpp>
#include <synapse/ray/jobs_api.hpp>
#include <synapse/transport/httplib_transport.hpp>

#include "common.hpp"

namespace {

struct block {
    double wall_s_per_call;
    double cpu_s_per_call;
};

template <class F>
block time_block(long calls, F&& call) {
    const double cpu0 = bench_ray::cpu_seconds(), wall0 = bench_ray::wall_seconds();
    for (long i = 0; i < calls; ++i) call();
    const double wall = bench_ray::wall_seconds() - wall0, cpu = bench_ray::cpu_seconds() - cpu0;
    return {wall / static_cast<double>(calls), cpu / static_cast<double>(calls)};
}

}  // namespace

int main(int argc, char** argv) {
    const bench_ray::args a(argc, argv);
    const std::string id = a.get("job");
    const long calls = a.get_int("calls", 300), rounds = a.get_int("rounds", 5);
    const auto options = bench_ray::dashboard();

    auto transport = synapse::httplib_transport::create(options);
    if (!transport) bench_ray::die(synapse::to_string(transport.error()));
    synapse::basic_jobs_api api(std::move(*transport));
    auto ours = [&] {
        auto job = api.get_job(id);
        if (!job) bench_ray::die(synapse::to_string(job.error()));
        if (!synapse::is_terminal(job->status)) bench_ray::die("the job is not finished");
    };

    auto url = synapse::parse_base_url(options.base_url);
    if (!url) bench_ray::die(synapse::to_string(url.error()));
    httplib::Client raw_client(url->host, url->port);
    raw_client.set_keep_alive(true);
    httplib::Headers headers;
    if (options.token) headers.emplace("Authorization", "Bearer " + *options.token);
    const std::string path = url->path_prefix + "/api/jobs/" + id;
    std::size_t body_bytes = 0;
    auto raw = [&] {
        auto r = raw_client.Get(path, headers);
        if (!r || r->status != 200) bench_ray::die("raw GET " + path + " failed");
        body_bytes = r->body.size();
    };

    // Warm-up: connections open, allocator and caches warm.
    time_block(30, ours);
    time_block(30, raw);

    std::vector<block> ours_blocks, raw_blocks;
    for (long r = 0; r < rounds; ++r) {
        if (r % 2 == 0) {
            ours_blocks.push_back(time_block(calls, ours));
            raw_blocks.push_back(time_block(calls, raw));
        } else {
            raw_blocks.push_back(time_block(calls, raw));
            ours_blocks.push_back(time_block(calls, ours));
        }
    }

    auto to_json = [](const std::vector<block>& blocks) {
        synapse::json wall = synapse::json::array(), cpu = synapse::json::array();
        for (const auto& b : blocks) {
            wall.push_back(b.wall_s_per_call);
            cpu.push_back(b.cpu_s_per_call);
        }
        return synapse::json{{"wall_s_per_call", wall}, {"cpu_s_per_call", cpu}};
    };
    synapse::json out = {{"calls_per_block", calls},
                         {"body_bytes", body_bytes},
                         {"ours", to_json(ours_blocks)},
                         {"raw", to_json(raw_blocks)}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
