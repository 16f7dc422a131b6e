// httplib_transport: streamed bodies.
#include <synapse/transport/httplib_transport.hpp>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../common/http_test_server.hpp"

using namespace test_support;
using namespace std::chrono_literals;
using synapse::errc;

TEST_CASE("stream delivers a chunked body in pieces", "[httplib_transport][stream]") {
    test_server server;
    server.server.Get("/api/jobs/1/logs/stream", [](const httplib::Request&,
                                                    httplib::Response& res) {
        res.set_header("X-Job", "1");
        res.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
            for (int i = 0; i < 5; ++i) {
                const std::string line = "line " + std::to_string(i) + "\n";
                if (!sink.write(line.data(), line.size())) return false;
                std::this_thread::sleep_for(10ms);
            }
            sink.done();
            return true;
        });
    });
    server.start();
    auto t = make_transport(options_for(server));

    std::vector<std::string> pieces;
    auto r = t.stream(request("GET", "/api/jobs/1/logs/stream"), [&](std::string_view chunk) {
        pieces.emplace_back(chunk);
        return true;
    });
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->header("X-Job") == "1");
    CHECK(r->body.empty());
    CHECK(pieces.size() >= 2);
    std::string joined;
    for (const auto& p : pieces) joined += p;
    CHECK(joined == "line 0\nline 1\nline 2\nline 3\nline 4\n");
}

TEST_CASE("stream stops when on_chunk returns false and the transport stays usable",
          "[httplib_transport][stream]") {
    test_server server;
    server.server.Get("/endless", [](const httplib::Request&, httplib::Response& res) {
        res.set_chunked_content_provider("text/plain", [](std::size_t, httplib::DataSink& sink) {
            for (int i = 0; i < 200; ++i) {
                const std::string piece = "piece " + std::to_string(i) + "\n";
                if (!sink.write(piece.data(), piece.size())) return false;
                std::this_thread::sleep_for(5ms);
            }
            sink.done();
            return true;
        });
    });
    server.server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.start();
    auto t = make_transport(options_for(server));

    int calls = 0;
    auto r = t.stream(request("GET", "/endless"), [&](std::string_view) { return ++calls < 2; });
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(calls == 2);

    auto after = t.send(request("GET", "/api/version"));
    REQUIRE(after);
    CHECK(after->status == 200);
}

TEST_CASE("stream returns an error status with its body instead of streaming it",
          "[httplib_transport][stream]") {
    test_server server;
    server.server.Get("/api/jobs/nope/logs/stream",
                      [](const httplib::Request&, httplib::Response& res) {
                          res.status = 404;
                          res.set_content("Job nope does not exist", "text/plain");
                      });
    server.start();
    auto t = make_transport(options_for(server));

    int calls = 0;
    auto r = t.stream(request("GET", "/api/jobs/nope/logs/stream"), [&](std::string_view) {
        ++calls;
        return true;
    });
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body == "Job nope does not exist");
    CHECK(calls == 0);
    auto checked = synapse::check_status(std::move(r), "tailing logs");
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == errc::not_found);
}
