// httplib_transport against a real cpp-httplib server on 127.0.0.1: requests, headers, token,
// keep-alive.
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

TEST_CASE("GET returns the server's status, headers and body", "[httplib_transport]") {
    test_server server;
    server.server.Get("/api/jobs/", [](const httplib::Request&, httplib::Response& res) {
        res.set_header("X-Ray-Test", "yes");
        res.set_content(R"([{"job_id":"1"}])", "application/json");
    });
    server.start();
    auto t = make_transport(options_for(server));

    auto r = t.send(request("GET", "/api/jobs/"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == R"([{"job_id":"1"}])");
    CHECK(r->header("content-type") == "application/json");
    CHECK(r->header("x-ray-test") == "yes");
}

TEST_CASE("POST, PUT and DELETE send their body and content type", "[httplib_transport]") {
    test_server server;
    auto echo = [](const httplib::Request& req, httplib::Response& res) {
        res.status = req.method == "POST" ? 201 : 200;
        res.set_content(req.method + " " + req.get_header_value("Content-Type") + " " + req.body,
                        "text/plain");
    };
    server.server.Post("/api/jobs/", echo);
    server.server.Put("/api/packages/gcs/pkg.zip", echo);
    server.server.Delete("/api/jobs/raysubmit_1", echo);
    server.start();
    auto t = make_transport(options_for(server));

    auto post = t.send(request("POST", "/api/jobs/", R"({"entrypoint":"x"})", "application/json"));
    REQUIRE(post);
    CHECK(post->status == 201);
    CHECK(post->body == R"(POST application/json {"entrypoint":"x"})");

    auto put = t.send(request("PUT", "/api/packages/gcs/pkg.zip", "PK\x03\x04", "application/zip"));
    REQUIRE(put);
    CHECK(put->status == 200);
    CHECK(put->body == "PUT application/zip PK\x03\x04");

    auto del = t.send(request("DELETE", "/api/jobs/raysubmit_1"));
    REQUIRE(del);
    CHECK(del->status == 200);
    CHECK(del->body.starts_with("DELETE "));

    const auto seen = server.seen();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].method == "POST");
    CHECK(seen[1].method == "PUT");
    CHECK(seen[2].method == "DELETE");
    for (const auto& s : seen) CHECK_FALSE(s.has_origin_or_referer);
}

TEST_CASE("an error status is returned as a response and check_status maps it",
          "[httplib_transport]") {
    test_server server;
    server.server.Get("/api/jobs/nope", [](const httplib::Request&, httplib::Response& res) {
        res.status = 404;
        res.set_content("Job nope does not exist", "text/plain");
    });
    server.start();
    auto t = make_transport(options_for(server));

    auto r = t.send(request("GET", "/api/jobs/nope"));
    REQUIRE(r);
    CHECK(r->status == 404);
    auto checked = synapse::check_status(std::move(r), "getting job nope");
    REQUIRE_FALSE(checked);
    CHECK(checked.error().code == errc::not_found);
    CHECK(checked.error().http_status == 404);
    CHECK(checked.error().message == "getting job nope: HTTP 404: Job nope does not exist");
}

TEST_CASE("every request carries a non-browser User-Agent", "[httplib_transport]") {
    test_server server;
    server.server.Get("/a", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("a", "text/plain");
    });
    server.server.Post("/b", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("b", "text/plain");
    });
    server.start();
    auto t = make_transport(options_for(server));
    REQUIRE(t.send(request("GET", "/a")));
    REQUIRE(t.send(request("POST", "/b", "{}", "application/json")));

    const auto seen = server.seen();
    REQUIRE(seen.size() == 2);
    for (const auto& s : seen) {
        CHECK(s.user_agent == std::string("synapse-cpp/") + synapse::version_string);
        CHECK(s.user_agent.find("Mozilla") == std::string::npos);
    }
}

TEST_CASE("the bearer token is sent when set and no Authorization header otherwise",
          "[httplib_transport][auth]") {
    test_server server;
    server.server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.start();

    auto with_token_options = options_for(server);
    with_token_options.token = "s3cret-token";
    auto with_token = make_transport(with_token_options);
    REQUIRE(with_token.send(request("GET", "/api/version")));

    auto without = make_transport(options_for(server));
    REQUIRE(without.send(request("GET", "/api/version")));

    const auto seen = server.seen();
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].has_authorization);
    CHECK(seen[0].authorization == "Bearer s3cret-token");
    CHECK_FALSE(seen[1].has_authorization);
}

TEST_CASE("several requests share one keep-alive connection", "[httplib_transport]") {
    test_server server;
    server.server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.server.Post("/api/jobs/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.start();
    auto t = make_transport(options_for(server));
    for (int i = 0; i < 6; ++i) {
        REQUIRE(
            t.send(request(i % 2 == 0 ? "GET" : "POST", i % 2 == 0 ? "/api/version" : "/api/jobs/",
                           i % 2 == 0 ? "" : "{}", i % 2 == 0 ? "" : "application/json")));
    }
    // Each TCP connection has its own client port: one port seen means one connection.
    std::set<int> client_ports;
    for (const auto& s : server.seen()) client_ports.insert(s.remote_port);
    CHECK(server.seen().size() == 6);
    CHECK(client_ports.size() == 1);
}

TEST_CASE("httplib_transport satisfies the Transport concept", "[httplib_transport]") {
    STATIC_REQUIRE(synapse::check_transport<synapse::httplib_transport>());
}
