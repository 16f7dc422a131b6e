// Benchmark 4: following the log of a job that printed the numbers 0..N-1, one per line, with
// synapse::tail_job_logs (auto: the log tail WebSocket, HTTP if it fails), and checking that every
// line came exactly once and in order.
//
//   bench_ray_tail_logs --job ID --lines N
//
// The job has finished before the tail starts (the driver, run.py, waits for it), so both
// sides read the same complete log at the speed of the server and the client, not of the job.
// Ray's own lines (e.g. "Runtime env is setting up") are counted apart: the numeric lines must
// be exactly 0, 1, ..., N-1. Prints JSON.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <synapse/core/json.hpp>
#include <synapse/ray/jobs_api.hpp>
#include <synapse/ray/log_tail.hpp>
#include <synapse/transport/http_stream.hpp>
#include <synapse/transport/httplib_transport.hpp>
#include <synapse/transport/websocket_client.hpp>

#include "common.hpp"

int main(int argc, char** argv) {
    const bench_ray::args a(argc, argv);
    const std::string id = a.get("job");
    const long expected = a.get_int("lines", 1000000);
    const auto options = bench_ray::dashboard();

    auto transport = synapse::httplib_transport::create(options);
    if (!transport) bench_ray::die(synapse::to_string(transport.error()));
    synapse::basic_jobs_api api(std::move(*transport));

    std::int64_t lines = 0, numeric = 0, other = 0, out_of_order = 0;
    const double cpu0 = bench_ray::cpu_seconds(), wall0 = bench_ray::wall_seconds();
    synapse::beast_websocket ws(synapse::websocket_options_for(options));
    synapse::http_stream_connector<synapse::httplib_transport> http(options);
    synapse::log_tail_options follow;
    follow.limits = synapse::stream_limits::none();  // a million lines, counted, not kept
    auto tailed = synapse::tail_job_logs(
        api, ws, http, id,
        [&](std::string_view line) {
            ++lines;
            std::int64_t value = -1;
            auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), value);
            if (ec != std::errc{} || end != line.data() + line.size() || line.empty()) {
                ++other;
                return true;
            }
            if (value != numeric) ++out_of_order;
            ++numeric;
            return true;
        },
        {}, follow);
    const double wall = bench_ray::wall_seconds() - wall0, cpu = bench_ray::cpu_seconds() - cpu0;
    if (!tailed) bench_ray::die(synapse::to_string(tailed.error()));

    synapse::json out = {{"lines", lines},
                         {"numeric_lines", numeric},
                         {"other_lines", other},
                         {"out_of_order", out_of_order},
                         {"exact", numeric == expected && out_of_order == 0},
                         {"wall_s", wall},
                         {"cpu_s", cpu},
                         {"lines_per_s", static_cast<double>(lines) / wall},
                         {"max_rss_kib", bench_ray::max_rss_kib()}};
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
