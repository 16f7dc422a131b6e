// tail_job_logs against scripted WebSockets (no socket) and a scripted jobs API whose job ends
// after a number of status reads, on a manual clock; and once against a real Beast server.
#include <synapse/ray/log_tail.hpp>

#include <catch2/catch.hpp>
#include <chrono>
#include <stop_token>
#include <string>
#include <synapse/testing/manual_clock.hpp>
#include <synapse/testing/scripted_websocket.hpp>
#include <synapse/transport/websocket_client.hpp>
#include <vector>

#include "../common/scripted_ws_server.hpp"

namespace {

using namespace std::chrono_literals;
using synapse::testing::broken;
using synapse::testing::close_normally;
using synapse::testing::manual_clock;
using synapse::testing::scripted_websocket;
using synapse::testing::silent;
using synapse::testing::text;
using lines = std::vector<std::string>;

/// A jobs API whose job is RUNNING for the first `running_calls` status reads, then SUCCEEDED,
/// with `log` as its finished log. An id containing "unknown" gives not_found.
struct fake_jobs {
    int running_calls = 0;
    std::string log{};
    int calls = 0;
    int log_reads = 0;
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
    synapse::expected<void> stream_logs(std::string_view, const synapse::chunk_handler& on_text) {
        ++log_reads;
        for (std::size_t at = 0; at < log.size(); at += 3)
            if (!on_text(std::string_view(log).substr(at, 3))) break;
        return {};
    }
};

struct tail_fixture {
    std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>();
    scripted_websocket ws{clock};
    lines got;
    synapse::log_tail_options options() const {
        synapse::log_tail_options o;
        o.clock = clock;
        o.poll = 100ms;
        o.status_interval = 250ms;
        o.idle_timeout = 5s;
        return o;
    }
    synapse::expected<synapse::job_details> tail(fake_jobs& api, std::string_view id,
                                                 std::stop_token stop = {}) {
        return synapse::tail_job_logs(
            api, ws, id,
            [&](std::string_view line) {
                got.emplace_back(line);
                return true;
            },
            stop, options());
    }
};

}  // namespace

TEST_CASE("a job that has already ended is read from its log in one request", "[log_tail]") {
    tail_fixture f;
    fake_jobs api{.running_calls = 0, .log = "one\ntwo\nthree without newline"};
    auto job = f.tail(api, "raysubmit_1");
    REQUIRE(job);
    CHECK(job->status == synapse::job_status::succeeded);
    CHECK(f.got == lines{"one", "two", "three without newline"});
    CHECK(f.ws.targets().empty());
    CHECK(api.log_reads == 1);
}

TEST_CASE("once the job has ended, the rest comes from its log without waiting for the stream",
          "[log_tail]") {
    // The stream delivers two lines and half of a third, then stays open and silent (Ray
    // closes it seconds after the job's end). The job is seen SUCCEEDED at the first silent
    // read: the rest is read from the log, skipping the lines already delivered.
    tail_fixture f;
    f.ws.push({.frames = {text("a\nb\nhal"), silent(), silent(), silent()}});
    fake_jobs api{.running_calls = 1, .log = "a\nb\nhalf line\nlast"};
    auto job = f.tail(api, "raysubmit_2");
    REQUIRE(job);
    CHECK(f.got == lines{"a", "b", "half line", "last"});
    CHECK(f.ws.targets() == lines{"/api/jobs/raysubmit_2/logs/tail"});
    CHECK(api.log_reads == 1);
    CHECK(f.clock->now().time_since_epoch() <= 100ms);  // one silent read of `poll`
}

TEST_CASE("a stream that breaks is replaced and no line is delivered twice", "[log_tail]") {
    // Ray's tail starts from the top on every connection.
    tail_fixture f;
    f.ws.push({.frames = {text("line 0\nline 1\n"), text("line 2\nli"), broken()}});
    f.ws.push({.frames = {text("line 0\nline 1\nline 2\nline 3\n"), text("line 4 split"),
                          text(" across frames\nfinal partial"), close_normally()}});
    fake_jobs api{.running_calls = 2};
    auto job = f.tail(api, "raysubmit_3");
    REQUIRE(job);
    CHECK(f.got == lines{"line 0", "line 1", "line 2", "line 3", "line 4 split across frames",
                         "final partial"});
    CHECK(f.ws.targets().size() == 2);
    CHECK(api.log_reads == 0);  // the stream closed normally after the job ended
}

TEST_CASE("a normal close while the job still runs is followed by a new stream", "[log_tail]") {
    tail_fixture f;
    f.ws.push({.frames = {text("a\nb\n"), close_normally()}});
    f.ws.push({.frames = {text("a\nb\nc\n"), close_normally()}});
    fake_jobs api{.running_calls = 2};
    auto job = f.tail(api, "raysubmit_4");
    REQUIRE(job);
    CHECK(f.got == lines{"a", "b", "c"});
    CHECK(f.ws.targets().size() == 2);
}

TEST_CASE("a quiet running job keeps its stream, and its status is read while it is silent",
          "[log_tail]") {
    tail_fixture f;
    f.ws.push({.frames = {text("x\n"), silent(), silent(), text("y\nz"), close_normally()}});
    fake_jobs api{.running_calls = 3, .log = "x\ny\nz"};
    auto job = f.tail(api, "raysubmit_5");
    REQUIRE(job);
    CHECK(f.got == lines{"x", "y", "z"});
    CHECK(f.ws.targets().size() == 1);
    CHECK(api.calls >= 3);  // the first look, one per silent read, and after the close
}

TEST_CASE("while lines keep coming the status is still read, and a finished job's log is used",
          "[log_tail]") {
    // A long replay: each frame costs 100 ms on the clock, the status is read every 250 ms.
    tail_fixture f;
    std::vector<scripted_websocket::frame> frames;
    for (int i = 0; i < 50; ++i) frames.push_back(text(std::to_string(i) + "\n"));
    f.ws.push({.frames = frames});
    fake_jobs api{.running_calls = 1};
    for (int i = 0; i < 50; ++i) api.log += std::to_string(i) + "\n";
    auto o = f.options();
    std::size_t seen = 0;
    auto job = synapse::tail_job_logs(
        api, f.ws, "raysubmit_6",
        [&](std::string_view line) {
            CHECK(line == std::to_string(seen));
            ++seen;
            f.clock->advance(100ms);
            return true;
        },
        {}, o);
    REQUIRE(job);
    CHECK(seen == 50);          // each once, in order
    CHECK(api.log_reads == 1);  // the rest came from the log once the job was seen done
}

TEST_CASE("on_line returning false or a stop request ends the tail as cancelled", "[log_tail]") {
    {
        tail_fixture f;
        f.ws.push({.frames = {text("1\n2\n3\n4\n"), close_normally()}});
        fake_jobs api{.running_calls = 100};
        lines got;
        auto r = synapse::tail_job_logs(api, f.ws, "raysubmit_7", [&](std::string_view line) {
            got.emplace_back(line);
            return got.size() < 2;
        });
        REQUIRE_FALSE(r);
        CHECK(r.error().code == synapse::errc::cancelled);
        CHECK(got == lines{"1", "2"});
    }
    {
        tail_fixture f;
        f.ws.push({.frames = {text("1\n"), silent(), silent()}});
        fake_jobs api{.running_calls = 1000};
        std::stop_source source;
        lines got;
        auto r = synapse::tail_job_logs(
            api, f.ws, "raysubmit_8",
            [&](std::string_view line) {
                got.emplace_back(line);
                source.request_stop();
                return true;
            },
            source.get_token(), f.options());
        REQUIRE_FALSE(r);
        CHECK(r.error().code == synapse::errc::cancelled);
        CHECK(got == lines{"1"});
    }
}

TEST_CASE("an unknown job is not_found with its id", "[log_tail]") {
    tail_fixture f;
    fake_jobs api;
    auto r = f.tail(api, "missing-unknown-job");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::not_found);
    CHECK(r.error().http_status == 404);
    CHECK(r.error().job_id == "missing-unknown-job");
}

TEST_CASE("a dashboard that cannot be reached is given up after max_retries attempts",
          "[log_tail]") {
    tail_fixture f;  // no scripted connection: every connect is refused
    fake_jobs api{.running_calls = 1000};
    auto o = f.options();
    o.max_retries = 2;
    auto r = synapse::tail_job_logs(
        api, f.ws, "raysubmit_9", [](std::string_view) { return true; }, {}, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::transport_error);
    CHECK(r.error().job_id == "raysubmit_9");
    CHECK(f.ws.targets().size() == 3);
    CHECK(f.clock->sleeps() == std::vector<std::chrono::milliseconds>{100ms, 100ms});
}

TEST_CASE("a stream that keeps breaking without new lines is given up", "[log_tail]") {
    tail_fixture f;
    for (int i = 0; i < 5; ++i) f.ws.push({.frames = {text("a\n"), broken()}});
    fake_jobs api{.running_calls = 1000};
    auto o = f.options();
    o.max_retries = 2;
    lines got;
    auto r = synapse::tail_job_logs(
        api, f.ws, "raysubmit_10",
        [&](std::string_view line) {
            got.emplace_back(line);
            return true;
        },
        {}, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::transport_error);
    CHECK(r.error().job_id == "raysubmit_10");
    CHECK(got == lines{"a"});
    CHECK(f.ws.targets().size() == 4);  // the first, then three that brought nothing new
}

TEST_CASE("a stream silent for the idle timeout while the job runs is replaced", "[log_tail]") {
    tail_fixture f;
    std::vector<scripted_websocket::frame> quiet{text("1\n")};
    for (int i = 0; i < 60; ++i) quiet.push_back(silent());  // 6 s of silence at 100 ms reads
    f.ws.push({.frames = quiet});
    f.ws.push({.frames = {text("1\n2\n3"), close_normally()}});
    fake_jobs api{.running_calls = 52};
    auto job = f.tail(api, "raysubmit_11");
    REQUIRE(job);
    CHECK(f.got == lines{"1", "2", "3"});
    CHECK(f.ws.targets().size() == 2);
}

TEST_CASE("tail_job_logs follows a real WebSocket through beast_websocket", "[log_tail][beast]") {
    using test_support::scripted_ws_server;
    using test_support::send;
    using test_support::step;
    scripted_ws_server server(
        {{send("line 0\nline 1\n"), send("line 2"), step{step::close_normal, {}}}});
    synapse::websocket_options wo;
    wo.base_url = server.url();
    wo.read_timeout = 2000ms;
    synapse::beast_websocket ws(wo);
    fake_jobs api{.running_calls = 1};
    lines got;
    auto job = synapse::tail_job_logs(api, ws, "raysubmit_12", [&](std::string_view line) {
        got.emplace_back(line);
        return true;
    });
    REQUIRE(job);
    CHECK(got == lines{"line 0", "line 1", "line 2"});
    CHECK(server.connections() == 1);
}
