// Load generator for a pipeline service (ours or dev-api): progress posts per second with 8
// concurrent runs, and the latency from a progress POST to the matching SSE event.
//
//     bench_service_load PORT [LATENCY_SAMPLES]   (PORT 0: from $SYNAPSE_PIPELINE_SERVICE_URL)
//
// benchmarks/run.py --service runs it under tests/pipeline/run_service.py, which starts either
// service on a free loopback port and sets that variable.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <synapse/core/json.hpp>

#include "sse_client.hpp"

using clock_type = std::chrono::steady_clock;
using synapse::json;

namespace {

std::string post_id(httplib::Client& c, const std::string& path, const std::string& body) {
    auto r = c.Post(path.c_str(), body, "application/json");
    if (!r || r->status != 201) {
        std::fprintf(stderr, "POST %s failed\n", path.c_str());
        std::exit(1);
    }
    return json::parse(r->body)["id"].get<std::string>();
}

std::string progress_body(double value) {
    return json{{"current_action_index", 0},
                {"action_progress", {{"name", "a"}, {"status", "running"}, {"progress", value}}}}
        .dump();
}

}  // namespace

int main(int argc, char** argv) {
    int port = argc > 1 ? std::atoi(argv[1]) : 0;
    const int samples = argc > 2 ? std::atoi(argv[2]) : 300;
    if (port == 0) {
        const char* url = std::getenv("SYNAPSE_PIPELINE_SERVICE_URL");
        if (!url) return 2;
        const std::string u = url;
        port = std::atoi(u.substr(u.rfind(':') + 1).c_str());
    }
    httplib::Client c("127.0.0.1", port);
    const auto pipeline = post_id(c, "/api/v1/pipelines/",
                                  R"({"name":"load","actions":[{"name":"a","entrypoint":"m.A"}]})");
    std::vector<std::string> runs;
    for (int i = 0; i < 8; ++i)
        runs.push_back(post_id(c, "/api/v1/pipelines/" + pipeline + "/runs/", "{}"));

    // Throughput: one client per run, each posting as fast as it is answered, for 3 s.
    std::atomic<long> answered{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (const auto& run : runs) {
        clients.emplace_back([&, run] {
            httplib::Client cl("127.0.0.1", port);
            cl.set_keep_alive(true);
            cl.set_tcp_nodelay(true);
            const std::string path = "/api/v1/runs/" + run + "/progress";
            for (long k = 0; !stop; ++k) {
                auto r = cl.Post(path.c_str(), progress_body(static_cast<double>(k % 1000) / 1000),
                                 "application/json");
                if (r && r->status == 200) ++answered;
            }
        });
    }
    const auto t0 = clock_type::now();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    stop = true;
    for (auto& t : clients) t.join();
    const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
    std::printf("progress posts per second with 8 concurrent runs: %.0f\n",
                static_cast<double>(answered) / seconds);

    // Latency: one subscriber; post, then time until the matching event arrives.
    test_support::sse_client stream(port, "/api/v1/runs/" + runs[0] + "/progress/stream");
    stream.next();  // the current state
    httplib::Client poster("127.0.0.1", port);
    poster.set_keep_alive(true);
    poster.set_tcp_nodelay(true);
    std::vector<double> waits;
    for (int k = 0; k < samples; ++k) {
        const auto start = clock_type::now();
        poster.Post(("/api/v1/runs/" + runs[0] + "/progress").c_str(),
                    progress_body(0.001 + static_cast<double>(k % 997) / 1000), "application/json");
        std::optional<test_support::sse_frame> event;
        do event = stream.next(std::chrono::seconds(5));
        while (event && event->is_comment());
        if (!event) {
            std::printf("an event did not arrive within 5 s\n");
            return 1;
        }
        waits.push_back(
            std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
    }
    std::sort(waits.begin(), waits.end());
    std::printf("progress POST -> SSE event: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
                waits[waits.size() / 2], waits[waits.size() * 9 / 10],
                waits[waits.size() * 99 / 100]);
    return 0;
}
