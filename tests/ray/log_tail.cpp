// tail_job_logs against a scripted Beast WebSocket server on 127.0.0.1 with a
// fake jobs API whose job ends after a number of status calls.
#include <atomic>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <synapse/ray/log_tail.hpp>

#include <thread>
#include <vector>
#include "../common/scripted_ws_server.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

using test_support::pause_ms;
using test_support::scripted_ws_server;
using test_support::send;
using test_support::step;

synapse::transport_options options_for(const scripted_ws_server& server) {
    synapse::transport_options o;
    o.base_url = server.url();
    o.token = std::nullopt;
    o.connect_timeout = 2000ms;
    o.read_timeout = 2000ms;
    return o;
}

/// A jobs API whose job is RUNNING for the first `running_calls` calls of get_job, then
/// SUCCEEDED. An id containing "unknown" gives not_found.
struct fake_jobs {
    int running_calls = 0;
    int calls = 0;
    synapse::expected<synapse::job_details> get_job(std::string_view id) {
        ++calls;
        if (id.find("unknown") != std::string_view::npos) {
            synapse::error e{synapse::errc::not_found, "reading job: HTTP 404"};
            e.http_status = 404;
            return synapse::fail(std::move(e));
        }
        synapse::job_details d;
        d.status =
            calls > running_calls ? synapse::job_status::succeeded : synapse::job_status::running;
        return d;
    }
};

using lines = std::vector<std::string>;

}  // namespace

TEST_CASE("tail_job_logs reconnects after a cut and delivers every line exactly once, in order",
          "[log_tail]") {
    // First connection: three lines and half of the fourth, then the connection is cut.
    // Second: Ray starts again from the top, with a line split across frames and a last line
    // without a newline, then closes with 1000.
    scripted_ws_server server({
        {send("line 0\nline 1\n"), send("line 2\nli"), step{step::cut, {}}},
        {send("line 0\nline 1\nline 2\nline 3\n"), send("line 4 split"),
         send(" across frames\nfinal partial"), step{step::close_normal, {}}},
    });
    fake_jobs api{.running_calls = 1};
    std::vector<std::string> got;
    auto r = synapse::tail_job_logs(
        api, options_for(server), "raysubmit_1",
        [&](std::string_view line) {
            got.emplace_back(line);
            return true;
        },
        {}, 20ms);
    REQUIRE(r);
    CHECK(got == lines{"line 0", "line 1", "line 2", "line 3", "line 4 split across frames",
                       "final partial"});
    CHECK(server.connections() == 2);
}

TEST_CASE("tail_job_logs does not end on a normal close while the job is still running",
          "[log_tail]") {
    scripted_ws_server server({
        {send("a\nb\n"), step{step::close_normal, {}}},
        {send("a\nb\nc\n"), step{step::close_normal, {}}},
    });
    fake_jobs api{.running_calls = 1};
    std::vector<std::string> got;
    auto r = synapse::tail_job_logs(
        api, options_for(server), "raysubmit_2",
        [&](std::string_view line) {
            got.emplace_back(line);
            return true;
        },
        {}, 20ms);
    REQUIRE(r);
    CHECK(got == lines{"a", "b", "c"});
    CHECK(server.connections() == 2);
}

TEST_CASE("tail_job_logs keeps reading a quiet stream and drains it after the job ended",
          "[log_tail]") {
    scripted_ws_server server({
        {send("x\n"), pause_ms(300), send("y\nz"), step{step::close_normal, {}}},
    });
    fake_jobs api{.running_calls = 2};
    std::vector<std::string> got;
    auto r = synapse::tail_job_logs(
        api, options_for(server), "raysubmit_3",
        [&](std::string_view line) {
            got.emplace_back(line);
            return true;
        },
        {}, 50ms);
    REQUIRE(r);
    CHECK(got == lines{"x", "y", "z"});
    CHECK(server.connections() == 1);
    CHECK(api.calls >= 3);  // polled while idle, and once after the close
}

TEST_CASE("tail_job_logs stops early when on_line returns false or stop is requested",
          "[log_tail]") {
    {
        scripted_ws_server server({{send("1\n2\n3\n4\n"), step{step::close_normal, {}}}});
        fake_jobs api{.running_calls = 100};
        std::vector<std::string> got;
        auto r = synapse::tail_job_logs(api, options_for(server), "raysubmit_4",
                                        [&](std::string_view line) {
                                            got.emplace_back(line);
                                            return got.size() < 2;
                                        });
        REQUIRE(r);
        CHECK(got == lines{"1", "2"});
    }
    {
        scripted_ws_server server({{send("1\n"), pause_ms(800)}});
        fake_jobs api{.running_calls = 1000};
        std::stop_source source;
        std::vector<std::string> got;
        const auto start = std::chrono::steady_clock::now();
        std::thread stopper([&] {
            std::this_thread::sleep_for(150ms);
            source.request_stop();
        });
        auto r = synapse::tail_job_logs(
            api, options_for(server), "raysubmit_5",
            [&](std::string_view line) {
                got.emplace_back(line);
                return true;
            },
            source.get_token(), 20ms);
        stopper.join();
        REQUIRE(r);
        CHECK(got == lines{"1"});
        CHECK(std::chrono::steady_clock::now() - start < 700ms);
    }
}

TEST_CASE("tail_job_logs reports an unknown job as not_found", "[log_tail]") {
    scripted_ws_server server(std::vector<std::vector<step>>(1));
    fake_jobs api;
    auto r = synapse::tail_job_logs(api, options_for(server), "missing-job",
                                    [](std::string_view) { return true; });
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::not_found);
    CHECK(r.error().http_status == 404);
    CHECK(r.error().job_id == "missing-job");
}

TEST_CASE("tail_job_logs gives up when the dashboard cannot be reached", "[log_tail]") {
    int port = 0;
    {
        asio::io_context ioc;
        tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = a.local_endpoint().port();
    }
    synapse::transport_options o;
    o.base_url = "http://127.0.0.1:" + std::to_string(port);
    o.token = std::nullopt;
    o.max_retries = 2;
    fake_jobs api{.running_calls = 1000};
    auto r = synapse::tail_job_logs(
        api, o, "raysubmit_6", [](std::string_view) { return true; }, {}, 10ms);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::transport_error);
    CHECK(r.error().job_id == "raysubmit_6");
    CHECK(api.calls == 2);
}

TEST_CASE("tail_job_logs gives up on a stream that keeps breaking without new lines",
          "[log_tail]") {
    const std::vector<step> broken{send("a\n"), step{step::cut, {}}};
    scripted_ws_server server({broken, broken, broken, broken, broken});
    auto o = options_for(server);
    o.max_retries = 2;
    fake_jobs api{.running_calls = 1000};
    std::vector<std::string> got;
    auto r = synapse::tail_job_logs(
        api, o, "raysubmit_7",
        [&](std::string_view line) {
            got.emplace_back(line);
            return true;
        },
        {}, 10ms);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::transport_error);
    CHECK(r.error().job_id == "raysubmit_7");
    CHECK(got == lines{"a"});
    CHECK(server.connections() == 4);  // the first, then three that brought nothing new
}

TEST_CASE("tail_job_logs reconnects to drain when the stream stays open after the job ended",
          "[log_tail]") {
    // The first stream goes quiet and never closes; the job ends meanwhile. After
    // read_timeout the tail replaces it, and the new stream delivers the rest and closes.
    scripted_ws_server server({
        {send("1\n"), pause_ms(1500)},
        {send("1\n2\n3"), step{step::close_normal, {}}},
    });
    auto o = options_for(server);
    o.read_timeout = 300ms;
    fake_jobs api{.running_calls = 2};
    std::vector<std::string> got;
    auto r = synapse::tail_job_logs(
        api, o, "raysubmit_8",
        [&](std::string_view line) {
            got.emplace_back(line);
            return true;
        },
        {}, 50ms);
    REQUIRE(r);
    CHECK(got == lines{"1", "2", "3"});
    CHECK(server.connections() == 2);
}
