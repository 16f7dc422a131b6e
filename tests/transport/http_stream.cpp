// http_stream_connector: a streamed response read like a WebSocket, over a scripted transport
// and over httplib_transport against a real server whose stream never ends by itself.
#include <synapse/transport/http_stream.hpp>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <string>
#include <synapse/testing/scripted_transport.hpp>

#include "../common/http_test_server.hpp"

namespace http_stream_tests {

using namespace std::chrono_literals;
using synapse::testing::scripted_transport;

/// Reads until the stream ends or fails, joining what came.
std::string read_all(auto& stream, std::optional<synapse::error>& failure) {
    std::string all;
    for (;;) {
        auto got = stream.read(1000ms);
        if (!got) {
            if (got.error().code == synapse::errc::timeout) continue;
            failure = got.error();
            return all;
        }
        if (!*got) return all;
        all += **got;
    }
}

/// A connector whose streams come from scripts queued beforehand.
struct scripted_streams {
    std::deque<scripted_transport> scripts;
    synapse::http_stream_connector<scripted_transport> connector() {
        return synapse::http_stream_connector<scripted_transport>(
            [this]() -> synapse::expected<scripted_transport> {
                if (scripts.empty())
                    return synapse::fail(synapse::errc::transport_error, "no script left");
                auto t = std::move(scripts.front());
                scripts.pop_front();
                return t;
            });
    }
};

}  // namespace http_stream_tests

using namespace http_stream_tests;

TEST_CASE("an HTTP stream hands over its body and then its end", "[http_stream]") {
    scripted_streams s;
    s.scripts.emplace_back().respond_chunks(200, {"line 1\nli", "ne 2\n"});
    auto http = s.connector();
    auto stream = http.connect("/api/v0/logs/stream?submission_id=raysubmit_1");
    REQUIRE(stream);
    std::optional<synapse::error> failure;
    CHECK(read_all(*stream, failure) == "line 1\nline 2\n");
    CHECK_FALSE(failure);
    auto after = stream->read(10ms);
    REQUIRE(after);
    CHECK_FALSE(*after);  // still the end
}

TEST_CASE("an HTTP stream's error status comes from read with the server's words",
          "[http_stream]") {
    scripted_streams s;
    s.scripts.emplace_back().respond(500, "no log file for the job yet");
    auto http = s.connector();
    auto stream = http.connect("/api/v0/logs/stream?submission_id=raysubmit_2");
    REQUIRE(stream);
    std::optional<synapse::error> failure;
    CHECK(read_all(*stream, failure).empty());
    REQUIRE(failure);
    CHECK(failure->code == synapse::errc::http_error);
    CHECK(failure->http_status == 500);
    CHECK(failure->message.find("no log file for the job yet") != std::string::npos);
    CHECK(failure->message.find("/api/v0/logs/stream") != std::string::npos);
}

TEST_CASE("an HTTP stream without a transport is refused at connect", "[http_stream]") {
    scripted_streams s;
    auto http = s.connector();
    auto stream = http.connect("/x");
    REQUIRE_FALSE(stream);
    CHECK(stream.error().message == "no script left");
}

TEST_CASE("closing a silent HTTP stream ends its request at once", "[http_stream]") {
    test_support::test_server server;
    server.server.Get("/follow", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/plain",
                                         [](std::size_t offset, httplib::DataSink& sink) {
                                             if (offset == 0) {
                                                 sink.write("first\n", 6);
                                                 return true;
                                             }
                                             // Silent from here on, as a log whose job prints
                                             // nothing, until the client leaves.
                                             while (sink.is_writable())
                                                 std::this_thread::sleep_for(5ms);
                                             return false;
                                         });
    });
    server.start();
    synapse::http_stream_connector<synapse::httplib_transport> http(
        test_support::options_for(server));
    auto stream = http.connect("/follow");
    REQUIRE(stream);
    std::string got;
    while (got != "first\n") {
        auto r = stream->read(1000ms);
        if (!r) {
            REQUIRE(r.error().code == synapse::errc::timeout);
            continue;
        }
        REQUIRE(*r);
        got += **r;
    }
    auto quiet = stream->read(50ms);
    REQUIRE_FALSE(quiet);
    CHECK(quiet.error().code == synapse::errc::timeout);  // the stream stays usable
    stream->close();                                      // returns although the server is silent
    auto closed = stream->read(10ms);
    REQUIRE_FALSE(closed);
    CHECK(closed.error().message == "the HTTP stream is closed");
}
