// httplib_transport: retries of idempotent requests, unreachable servers and timeouts.
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

TEST_CASE("a GET is retried after 503s and succeeds on the third attempt", "[httplib_transport]") {
    test_server server;
    std::atomic<int> calls{0};
    server.server.Get("/api/jobs/", [&](const httplib::Request&, httplib::Response& res) {
        if (++calls <= 2) {
            res.status = 503;
            res.set_content("busy", "text/plain");
            return;
        }
        res.set_content("[]", "application/json");
    });
    server.start();
    auto o = options_for(server);
    o.retry_backoff = 40ms;
    auto t = make_transport(o);

    const auto start = std::chrono::steady_clock::now();
    auto r = t.send(request("GET", "/api/jobs/"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "[]");
    CHECK(calls == 3);
    CHECK(elapsed >= 120ms);  // waited 40 ms, then 80 ms
}

TEST_CASE("a POST that gets a 503 is not retried", "[httplib_transport]") {
    test_server server;
    std::atomic<int> calls{0};
    server.server.Post("/api/jobs/", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        res.status = 503;
        res.set_content("busy", "text/plain");
    });
    server.start();
    auto t = make_transport(options_for(server));

    auto r = t.send(request("POST", "/api/jobs/", "{}", "application/json"));
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->body == "busy");
    CHECK(calls == 1);
}

TEST_CASE("retries stop after max_retries and return the last 502, 503 or 504",
          "[httplib_transport]") {
    test_server server;
    std::atomic<int> calls{0};
    server.server.Put("/api/serve/applications/",
                      [&](const httplib::Request&, httplib::Response& res) {
                          const int n = ++calls;
                          res.status = n == 1 ? 502 : n == 2 ? 504 : 503;
                      });
    server.server.Get("/api/other", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        res.status = 500;
    });
    server.start();
    auto o = options_for(server);
    o.max_retries = 2;
    auto t = make_transport(o);

    auto r = t.send(request("PUT", "/api/serve/applications/", "{}", "application/json"));
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(calls == 3);

    calls = 0;
    auto other = t.send(request("GET", "/api/other"));
    REQUIRE(other);
    CHECK(other->status == 500);
    CHECK(calls == 1);  // 500 is not a transient status
}

TEST_CASE("an unreachable port is a transport_error naming host and port, without the token",
          "[httplib_transport]") {
    const int port = closed_port();
    synapse::transport_options o;
    o.base_url = "http://127.0.0.1:" + std::to_string(port);
    o.connect_timeout = 1000ms;
    o.token = "s3cret-token";
    o.max_retries = 0;
    auto t = make_transport(o);

    auto r = t.send(request("GET", "/api/version"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::transport_error);  // refused at once, not a connect timeout
    CHECK(r.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(r.error().message.find("Connection") != std::string::npos);
    CHECK(r.error().message.find("s3cret-token") == std::string::npos);
    CHECK(synapse::to_string(r.error()).find("s3cret-token") == std::string::npos);
    CHECK_FALSE(r.error().http_status.has_value());
}

TEST_CASE("a GET to an unreachable port is retried with backoff before failing",
          "[httplib_transport]") {
    const int port = closed_port();
    synapse::transport_options o;
    o.base_url = "http://127.0.0.1:" + std::to_string(port);
    o.token = std::nullopt;
    o.max_retries = 2;
    o.retry_backoff = 50ms;
    auto t = make_transport(o);

    const auto start = std::chrono::steady_clock::now();
    auto r = t.send(request("GET", "/api/version"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::transport_error);
    CHECK(elapsed >= 150ms);  // waited 50 ms, then 100 ms
}

TEST_CASE("a handler slower than the read timeout gives errc::timeout without retrying",
          "[httplib_transport]") {
    test_server server;
    std::atomic<int> calls{0};
    server.server.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
        ++calls;
        std::this_thread::sleep_for(800ms);
        res.set_content("late", "text/plain");
    });
    server.start();
    auto o = options_for(server);
    o.read_timeout = 200ms;
    o.token = "s3cret-token";
    auto t = make_transport(o);

    auto r = t.send(request("GET", "/slow"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::timeout);
    CHECK(r.error().message.find("127.0.0.1:" + std::to_string(server.port())) !=
          std::string::npos);
    CHECK(r.error().message.find("s3cret-token") == std::string::npos);
    CHECK(calls == 1);  // not retried
}
