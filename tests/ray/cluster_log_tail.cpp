// tail_job_logs against the real local Ray 2.60 head started by scripts/ray-cluster.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <synapse/ray/jobs_api.hpp>
#include <synapse/ray/log_tail.hpp>
#include <synapse/transport/httplib_transport.hpp>
#include <synapse/transport/websocket_client.hpp>
#include <vector>

namespace {

synapse::transport_options tail_options() {
    synapse::transport_options options;
    options.base_url = std::getenv("RAY_DASHBOARD_URL");
    options.token = std::nullopt;
    if (const char* path = std::getenv("RAY_AUTH_TOKEN_PATH")) {
        std::ifstream in(path);
        std::string token;
        in >> token;
        options.token = token;
    }
    return options;
}

std::string tail_unique_id(const char* prefix) {
    return std::string(prefix) + "_" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace

TEST_CASE("tail_job_logs follows a running job's log on the real cluster, every line once",
          "[cluster][log_tail]") {
    const auto options = tail_options();
    auto transport = synapse::httplib_transport::create(options);
    REQUIRE(transport);
    synapse::basic_jobs_api api(std::move(*transport));

    synapse::job_submission s;
    s.entrypoint =
        "python -c \"import time\n"
        "for i in range(200): print(f'line {i}', flush=True); time.sleep(0.01)\"";
    s.submission_id = tail_unique_id("synapse_tail");
    auto id = api.submit(s);
    REQUIRE(id);

    std::vector<std::string> lines;
    std::optional<bool> running_at_first_line;
    const auto start = std::chrono::steady_clock::now();
    synapse::beast_websocket ws(synapse::websocket_options_for(options));
    auto tailed = synapse::tail_job_logs(api, ws, *id, [&](std::string_view line) {
        if (line.starts_with("line ")) {
            if (!running_at_first_line) {
                auto job = api.get_job(*id);
                REQUIRE(job);
                running_at_first_line = !synapse::is_terminal(job->status);
            }
            lines.emplace_back(line);
        }
        return true;
    });
    const auto elapsed = std::chrono::steady_clock::now() - start;
    INFO((tailed ? std::string() : synapse::to_string(tailed.error())));
    REQUIRE(tailed);
    auto job = api.get_job(*id);
    REQUIRE(job);
    CHECK(job->status == synapse::job_status::succeeded);
    REQUIRE(lines.size() == 200);
    for (int i = 0; i < 200; ++i)
        CHECK(lines[static_cast<std::size_t>(i)] == "line " + std::to_string(i));
    REQUIRE(running_at_first_line.has_value());
    CHECK(*running_at_first_line);
    WARN("tailed " << lines.size() << " lines in "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                   << " ms; job running when the first line arrived: " << *running_at_first_line);
    (void)api.remove(*id);
}

TEST_CASE("tail_job_logs reports an unknown job as not_found on the real cluster",
          "[cluster][log_tail]") {
    const auto options = tail_options();
    auto transport = synapse::httplib_transport::create(options);
    REQUIRE(transport);
    synapse::basic_jobs_api api(std::move(*transport));
    synapse::beast_websocket ws(synapse::websocket_options_for(options));
    auto r = synapse::tail_job_logs(api, ws, "synapse_no_such_job",
                                    [](std::string_view) { return true; });
    REQUIRE_FALSE(r);
    INFO(synapse::to_string(r.error()));
    CHECK(r.error().code == synapse::errc::not_found);
    CHECK(r.error().job_id == "synapse_no_such_job");
}
