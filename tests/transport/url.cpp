// Base URLs: parse_base_url, and httplib_transport::create refusing bad ones.
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

TEST_CASE("create rejects a bad base URL and names it", "[httplib_transport]") {
    for (std::string url :
         {"127.0.0.1:8265", "ftp://127.0.0.1", "http://", "http://:8265", "http://127.0.0.1:99999",
          "http://127.0.0.1:port", "http://127.0.0.1:8265/?x=1", "http://user@127.0.0.1"}) {
        synapse::transport_options o;
        o.base_url = url;
        o.token = std::nullopt;
        auto t = synapse::httplib_transport::create(o);
        REQUIRE_FALSE(t);
        CHECK(t.error().code == errc::invalid_argument);
        CHECK(t.error().message.find("\"" + url + "\"") != std::string::npos);
    }
}

TEST_CASE("parse_base_url understands host, port, IPv6 and a path prefix", "[httplib_transport]") {
    auto a = synapse::parse_base_url("http://127.0.0.1:8265");
    REQUIRE(a);
    CHECK(a->scheme == "http");
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 8265);
    CHECK(a->path_prefix.empty());

    auto b = synapse::parse_base_url("https://ray.example/dashboard/");
    REQUIRE(b);
    CHECK(b->scheme == "https");
    CHECK(b->port == 443);
    CHECK(b->path_prefix == "/dashboard");

    auto c = synapse::parse_base_url("http://[::1]:8000");
    REQUIRE(c);
    CHECK(c->host == "::1");
    CHECK(c->port == 8000);
}

TEST_CASE("a path prefix in the base URL goes before every target", "[httplib_transport]") {
    test_server server;
    server.server.Get("/proxy/api/version", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.start();
    auto o = options_for(server);
    o.base_url = server.url() + "/proxy/";
    auto t = make_transport(o);

    auto r = t.send(request("GET", "/api/version"));
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(server.seen().at(0).path == "/proxy/api/version");
}
