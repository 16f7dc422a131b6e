// The three ways of following a job's log (WebSocket, HTTP stream, auto) and stream_limits
// against the real local Ray 2.60 head, also through a proxy that cuts WebSockets at 64 KB and
// across a silent stretch longer than a stream's idle timeout.
#include <synapse/ray/cluster_client.hpp>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../common/closing_proxy.hpp"
#include "../common/run.hpp"

namespace cluster_log_protocols {

synapse::transport_options dashboard(std::string url = {}) {
    return synapse::dashboard_transport_options(url.empty() ? std::getenv("RAY_DASHBOARD_URL")
                                                            : url);
}

synapse::cluster_client log_client(const synapse::transport_options& o = dashboard()) {
    auto c = synapse::cluster_client::create(o);
    REQUIRE(c);
    return std::move(*c);
}

/// Submits a Python job printing "line 0".."line N-1" (`body` is the loop's body after the
/// print) and returns its id.
std::string submit_lines(synapse::cluster_client& c, int n, const std::string& body) {
    synapse::basic_jobs_api<synapse::httplib_transport&> api(c.transport());
    synapse::job_submission s;
    s.entrypoint = "python -c \"import time\nfor i in range(" + std::to_string(n) +
                   "):\n    print(f'line {i}', flush=True)\n    " + body + "\"";
    auto id = api.submit(s);
    REQUIRE(id);
    return *id;
}

struct followed {
    std::vector<std::string> lines;
    bool running_at_first_line = false;
    synapse::tail_stats stats;
    synapse::expected<synapse::job_details> job = synapse::fail(synapse::errc::cancelled, "");
};

followed follow(synapse::cluster_client& c, const std::string& id, synapse::log_tail_options o) {
    followed f;
    o.stats = &f.stats;
    auto status = log_client();  // not `c`: its connection may be busy streaming the log
    bool first = true;
    f.job = c.tail_job_logs(
        id,
        [&](std::string_view line) {
            if (!line.starts_with("line ")) return true;  // Ray's own lines about the job
            if (first) {
                auto now = status.get_job(id);
                REQUIRE(now);
                f.running_at_first_line = !synapse::is_terminal(now->status);
                first = false;
            }
            f.lines.emplace_back(line);
            return true;
        },
        o);
    return f;
}

void check_every_line_once(const std::vector<std::string>& lines, int n) {
    REQUIRE(lines.size() == static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        INFO("line " << i);
        REQUIRE(lines[static_cast<std::size_t>(i)] == "line " + std::to_string(i));
    }
}

}  // namespace cluster_log_protocols

using namespace cluster_log_protocols;

TEST_CASE("each tail protocol follows a live job and reads a finished one, every line once",
          "[cluster][log_tail]") {
    auto c = log_client();
    for (auto protocol : {synapse::tail_protocol::websocket, synapse::tail_protocol::http,
                          synapse::tail_protocol::automatic}) {
        INFO("protocol " << synapse::to_string(protocol));
        const auto id = submit_lines(c, 300, "time.sleep(0.01)");
        synapse::log_tail_options o;
        o.protocol = protocol;
        auto live = follow(c, id, o);
        INFO((live.job ? std::string() : synapse::to_string(live.job.error())));
        REQUIRE(live.job);
        CHECK(live.job->status == synapse::job_status::succeeded);
        check_every_line_once(live.lines, 300);
        CHECK(live.running_at_first_line);
        CHECK(live.stats.protocol == (protocol == synapse::tail_protocol::http
                                          ? synapse::tail_protocol::http
                                          : synapse::tail_protocol::websocket));
        CHECK_FALSE(live.stats.fell_back);

        auto finished = follow(c, id, o);
        REQUIRE(finished.job);
        check_every_line_once(finished.lines, 300);
        CHECK_FALSE(finished.running_at_first_line);
    }
}

TEST_CASE("stream limits end a real follow naming the limit, and skip a long line",
          "[cluster][log_tail][limits]") {
    auto c = log_client();
    const auto id = submit_lines(c, 120, "print('x' * 20000) if i == 5 else None");
    synapse::log_tail_options o;
    o.limits.max_lines = 100;
    auto limited = follow(c, id, o);
    REQUIRE_FALSE(limited.job);
    INFO(synapse::to_string(limited.job.error()));
    CHECK(limited.job.error().code == synapse::errc::too_large);
    CHECK(limited.job.error().message.find("stream_limits.max_lines") != std::string::npos);

    o.limits = {};  // synapse-sdk's: the 20,000-character line is over max_message_size
    auto skipped = follow(c, id, o);
    INFO((skipped.job ? std::string() : synapse::to_string(skipped.job.error())));
    REQUIRE(skipped.job);
    check_every_line_once(skipped.lines, 120);
    CHECK(skipped.stats.skipped_lines == 1);
}

TEST_CASE("auto gets every line once through a proxy that cuts WebSockets at 64 KB",
          "[cluster][log_tail][proxy]") {
    std::string url = std::getenv("RAY_DASHBOARD_URL");
    const int port = std::stoi(url.substr(url.rfind(':') + 1));
    test_support::closing_proxy proxy(port, 64 * 1024);
    REQUIRE(proxy.port() > 0);
    auto direct = log_client();
    const auto id = submit_lines(direct, 20000, "time.sleep(0.2) if i % 2000 == 0 else None");

    auto c = log_client(dashboard(proxy.url()));
    synapse::log_tail_options o;
    o.protocol = synapse::tail_protocol::automatic;
    o.limits = synapse::stream_limits::none();
    auto f = follow(c, id, o);
    INFO((f.job ? std::string() : synapse::to_string(f.job.error())));
    REQUIRE(f.job);
    CHECK(f.job->status == synapse::job_status::succeeded);
    check_every_line_once(f.lines, 20000);
    CHECK(f.running_at_first_line);
    CHECK(proxy.websockets_cut() >= 1);
    REQUIRE(f.stats.fell_back);
    CHECK(f.stats.protocol == synapse::tail_protocol::http);
}

TEST_CASE("a running job silent for 40 s keeps its follower to the end",
          "[cluster][log_tail][silent]") {
    auto c = log_client();
    const auto id = submit_lines(c, 2, "time.sleep(40) if i == 0 else None");
    synapse::log_tail_options o;  // auto, a 30 s idle timeout: the stream is replaced once
    auto f = follow(c, id, o);
    INFO((f.job ? std::string() : synapse::to_string(f.job.error())));
    REQUIRE(f.job);
    CHECK(f.job->status == synapse::job_status::succeeded);
    check_every_line_once(f.lines, 2);
    CHECK(f.running_at_first_line);
}

TEST_CASE("synapse ray logs follows over each protocol and starts from the last lines with --tail",
          "[cluster][log_tail][cli]") {
    auto c = log_client();
    const std::string dashboard = std::getenv("RAY_DASHBOARD_URL");
    auto ray_logs = [&](std::vector<std::string> args) {
        std::vector<std::string> argv = {SYNAPSE_CLI, "ray", "logs"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--dashboard", dashboard});
        return test_support::run(argv, {{"NO_COLOR", "1"}});
    };
    auto ours = [](const std::string& out) {  // the job's lines, not Ray's about it
        std::vector<std::string> lines;
        std::istringstream in(out);
        for (std::string line; std::getline(in, line);)
            if (line.starts_with("line ")) lines.push_back(line);
        return lines;
    };
    for (const char* protocol : {"ws", "http", "auto"}) {
        INFO("protocol " << protocol);
        const auto id = submit_lines(c, 50, "time.sleep(0.02)");
        auto followed = ray_logs({id, "--follow", "--protocol", protocol});
        INFO(followed.err);
        REQUIRE(followed.exit_code == 0);
        check_every_line_once(ours(followed.out), 50);
        if (std::string(protocol) != "auto") continue;

        auto last = ray_logs({id, "--tail", "3"});
        REQUIRE(last.exit_code == 0);
        CHECK(last.out == "line 47\nline 48\nline 49\n");
        auto whole = ray_logs({id});
        REQUIRE(whole.exit_code == 0);
        check_every_line_once(ours(whole.out), 50);
        auto from_last = ray_logs({id, "--follow", "--tail", "2"});
        REQUIRE(from_last.exit_code == 0);
        CHECK(from_last.out == "line 48\nline 49\n");
    }
    auto bad = ray_logs({"raysubmit_x", "--protocol", "sse"});
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("--protocol") != std::string::npos);
}
