// tail_job_logs with two streams (the WebSocket and the HTTP stream, both scripted), and
// stream_limits: which stream is read, when `automatic` goes over to HTTP, and what each limit
// does, on a manual clock.
#include <synapse/ray/log_tail.hpp>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <synapse/testing/manual_clock.hpp>
#include <synapse/testing/scripted_websocket.hpp>
#include <vector>

namespace log_tail_protocols {

using namespace std::chrono_literals;
using synapse::testing::broken;
using synapse::testing::close_normally;
using synapse::testing::manual_clock;
using synapse::testing::scripted_websocket;
using synapse::testing::silent;
using synapse::testing::text;
using lines = std::vector<std::string>;

/// A job PENDING for `pending_calls` status reads, then RUNNING (its driver on node "n1") for
/// `running_calls`, then SUCCEEDED with `log` as its finished log.
struct job_script {
    int pending_calls = 0;
    int running_calls = 0;
    std::string log{};
    int calls = 0;
    synapse::expected<synapse::job_details> get_job(std::string_view) {
        ++calls;
        synapse::job_details d;
        d.status = calls <= pending_calls                   ? synapse::job_status::pending
                   : calls <= pending_calls + running_calls ? synapse::job_status::running
                                                            : synapse::job_status::succeeded;
        if (d.status != synapse::job_status::pending) d.driver_node_id = "n1";
        return d;
    }
    synapse::expected<void> stream_logs(std::string_view, const synapse::chunk_handler& on_text) {
        on_text(log);
        return {};
    }
};

struct two_streams {
    std::shared_ptr<manual_clock> clock = std::make_shared<manual_clock>();
    scripted_websocket ws{clock};
    scripted_websocket http{clock};
    synapse::tail_stats stats;
    lines got;
    synapse::log_tail_options options(synapse::tail_protocol p) {
        synapse::log_tail_options o;
        o.protocol = p;
        o.clock = clock;
        o.idle_timeout = 5s;
        o.stats = &stats;
        return o;
    }
    synapse::expected<synapse::job_details> tail(job_script& api,
                                                 const synapse::log_tail_options& o) {
        return synapse::tail_job_logs(
            api, ws, http, "raysubmit_7",
            [&](std::string_view line) {
                got.emplace_back(line);
                return true;
            },
            {}, o);
    }
    synapse::expected<synapse::job_details> tail(job_script& api, synapse::tail_protocol p) {
        return tail(api, options(p));
    }
};

synapse::error http_status_error(synapse::errc code, int status) {
    synapse::error e{code, "WebSocket handshake: HTTP " + std::to_string(status)};
    e.http_status = status;
    return e;
}

const std::string http_target =
    "/api/v0/logs/stream?node_id=n1&submission_id=raysubmit_7&lines=-1&interval=0.2";

}  // namespace log_tail_protocols

using namespace log_tail_protocols;

TEST_CASE("auto reads the HTTP stream when the WebSocket is refused, each line once",
          "[log_tail][protocols]") {
    two_streams s;
    s.ws.push({.refuse = http_status_error(synapse::errc::http_error, 502)});
    s.http.push({.frames = {text("1\n2\n"), silent(), text("3\n")}});
    job_script api{.running_calls = 3, .log = "1\n2\n3\n4\n"};
    auto job = s.tail(api, synapse::tail_protocol::automatic);
    REQUIRE(job);
    CHECK(s.got == lines{"1", "2", "3", "4"});
    CHECK(s.ws.targets() == std::vector<std::string>{"/api/jobs/raysubmit_7/logs/tail"});
    CHECK(s.http.targets() == std::vector<std::string>{http_target});
    CHECK(s.stats.protocol == synapse::tail_protocol::http);
    REQUIRE(s.stats.fell_back);
    CHECK(s.stats.fell_back->find("HTTP 502") != std::string::npos);
}

TEST_CASE("auto goes over to HTTP when the WebSocket drops mid-stream, and no line comes twice",
          "[log_tail][protocols]") {
    two_streams s;
    s.ws.push({.frames = {text("1\n2\n3"), broken()}});
    s.http.push({.frames = {text("1\n2\n3\n4\n"), text("5\n"), silent()}});
    job_script api{.running_calls = 1, .log = "1\n2\n3\n4\n5\n6"};
    auto job = s.tail(api, synapse::tail_protocol::automatic);
    REQUIRE(job);
    CHECK(s.got == lines{"1", "2", "3", "4", "5", "6"});
    CHECK(s.ws.targets().size() == 1);  // never back to the WebSocket
    CHECK(s.http.targets().size() == 1);
    CHECK(s.stats.lines == 6);
}

TEST_CASE("the websocket protocol never reads the HTTP stream", "[log_tail][protocols]") {
    two_streams s;
    for (int i = 0; i < 4; ++i) s.ws.push({.frames = {broken()}});
    job_script api{.running_calls = 100};
    auto o = s.options(synapse::tail_protocol::websocket);
    o.max_retries = 2;
    auto r = s.tail(api, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::transport_error);
    CHECK(r.error().message.find("failed 3 times in a row") != std::string::npos);
    CHECK(s.http.targets().empty());
}

TEST_CASE("the http protocol reads the HTTP stream alone", "[log_tail][protocols]") {
    two_streams s;
    s.http.push({.frames = {text("a\nb\n"), silent()}});
    job_script api{.running_calls = 1, .log = "a\nb\nc\n"};
    auto job = s.tail(api, synapse::tail_protocol::http);
    REQUIRE(job);
    CHECK(s.got == lines{"a", "b", "c"});
    CHECK(s.ws.targets().empty());
    CHECK(s.stats.protocol == synapse::tail_protocol::http);
    CHECK_FALSE(s.stats.fell_back);
}

TEST_CASE("refused credentials end auto at once instead of trying HTTP", "[log_tail][protocols]") {
    two_streams s;
    s.ws.push({.refuse = http_status_error(synapse::errc::unauthorized, 401)});
    job_script api{.running_calls = 100};
    auto r = s.tail(api, synapse::tail_protocol::automatic);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::unauthorized);
    CHECK(r.error().job_id == "raysubmit_7");
    CHECK(s.http.targets().empty());
}

TEST_CASE("the HTTP stream is opened once the job's driver runs on a node",
          "[log_tail][protocols]") {
    two_streams s;
    s.http.push({.frames = {text("up\n"), silent()}});
    job_script api{.pending_calls = 4, .running_calls = 1, .log = "up\n"};
    auto o = s.options(synapse::tail_protocol::http);
    o.max_retries = 0;
    auto job = s.tail(api, o);
    REQUIRE(job);
    CHECK(s.got == lines{"up"});
    CHECK(s.http.targets() == std::vector<std::string>{http_target});
}

TEST_CASE("a server error on the HTTP stream is retried, then reported with Ray's words",
          "[log_tail][protocols]") {
    two_streams s;
    synapse::error oops{synapse::errc::http_error, "streaming GET: HTTP 500: no such file"};
    oops.http_status = 500;
    for (int i = 0; i < 3; ++i) s.http.push({.refuse = oops});
    job_script api{.running_calls = 100};
    auto o = s.options(synapse::tail_protocol::http);
    o.max_retries = 2;
    auto r = s.tail(api, o);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::http_error);
    CHECK(
        r.error().message.find("failed 3 times in a row: streaming GET: HTTP 500: no such file") !=
        std::string::npos);
    CHECK(s.http.targets().size() == 3);
}

TEST_CASE("the overload without an HTTP connector refuses the http protocol",
          "[log_tail][protocols]") {
    two_streams s;
    job_script api{.running_calls = 1};
    auto r = synapse::tail_job_logs(
        api, s.ws, "raysubmit_7", [](std::string_view) { return true; }, {},
        s.options(synapse::tail_protocol::http));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::invalid_argument);
    CHECK(r.error().message.find("HTTP stream connector") != std::string::npos);
}

TEST_CASE("stream limits: a count over its limit ends the follow naming the limit",
          "[log_tail][limits]") {
    two_streams s;
    auto o = s.options(synapse::tail_protocol::websocket);
    SECTION("lines") {
        s.ws.push({.frames = {text("1\n2\n3\n4\n")}});
        o.limits.max_lines = 3;
        job_script api{.running_calls = 100};
        auto r = s.tail(api, o);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == synapse::errc::too_large);
        CHECK(r.error().message.find("more than 3 lines (stream_limits.max_lines)") !=
              std::string::npos);
        CHECK(s.got == lines{"1", "2", "3"});
    }
    SECTION("bytes, in the finished log too") {
        o.limits.max_bytes = 10;  // "12345\n" twice is 12
        job_script api{.running_calls = 0, .log = "12345\n12345\n"};
        auto r = s.tail(api, o);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == synapse::errc::too_large);
        CHECK(r.error().message.find("stream_limits.max_bytes") != std::string::npos);
        CHECK(s.got == lines{"12345"});
    }
    SECTION("messages") {
        s.ws.push({.frames = {text("1\n"), text("2\n"), text("3\n")}});
        o.limits.max_messages = 2;
        job_script api{.running_calls = 100};
        auto r = s.tail(api, o);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("more than 2 messages (stream_limits.max_messages)") !=
              std::string::npos);
        CHECK(s.got == lines{"1", "2"});
        CHECK(s.stats.messages == 2);
    }
}

TEST_CASE("stream limits: a line over max_message_size is skipped and counted, the rest flows",
          "[log_tail][limits]") {
    two_streams s;
    auto o = s.options(synapse::tail_protocol::websocket);
    o.limits.max_message_size = 4;
    s.ws.push({.frames = {text("ok\ntoo long\nfine\n"), broken()}});
    s.ws.push({.frames = {text("ok\ntoo long\nfine\nlast\n"), silent()}});
    job_script api{.running_calls = 2, .log = "ok\ntoo long\nfine\nlast\n"};
    auto job = s.tail(api, o);
    REQUIRE(job);
    CHECK(s.got == lines{"ok", "fine", "last"});
    CHECK(s.stats.skipped_lines == 1);
    CHECK(s.stats.lines == 4);
}

TEST_CASE("stream_limits::none lets a long log through", "[log_tail][limits]") {
    two_streams s;
    auto o = s.options(synapse::tail_protocol::websocket);
    o.limits = synapse::stream_limits::none();
    std::string log;
    for (int i = 0; i < 60000; ++i) log += std::to_string(i) + "\n";
    job_script api{.running_calls = 0, .log = log};
    auto job = s.tail(api, o);
    REQUIRE(job);
    REQUIRE(s.got.size() == 60000);
    CHECK(s.got.back() == "59999");
}

TEST_CASE("tail protocols are named as the command line spells them", "[log_tail][protocols]") {
    CHECK(synapse::parse_tail_protocol("ws") == synapse::tail_protocol::websocket);
    CHECK(synapse::parse_tail_protocol("websocket") == synapse::tail_protocol::websocket);
    CHECK(synapse::parse_tail_protocol("http") == synapse::tail_protocol::http);
    CHECK(synapse::parse_tail_protocol("auto") == synapse::tail_protocol::automatic);
    CHECK_FALSE(synapse::parse_tail_protocol("sse"));
    CHECK(synapse::to_string(synapse::tail_protocol::automatic) == "auto");
}
