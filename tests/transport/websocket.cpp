// websocket_client against a scripted Beast WebSocket server on 127.0.0.1 (port 0).
#include <atomic>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <synapse/transport/websocket_client.hpp>

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

synapse::websocket_options options_for(const scripted_ws_server& server,
                                       std::optional<std::string> token = std::nullopt) {
    synapse::websocket_options o;
    o.base_url = server.url();
    o.token = std::move(token);
    o.connect_timeout = 2000ms;
    o.read_timeout = 2000ms;
    return o;
}

}  // namespace

TEST_CASE("websocket_client reads scripted text frames in order, then a normal close",
          "[websocket]") {
    scripted_ws_server server(
        {{send("line 1\nline 2\n"), send("line 3 is spl"), send("it across frames\n"),
          send("no newline at the end"), step{step::close_normal, {}}}});
    auto ws = synapse::websocket_client::connect(options_for(server), "/api/jobs/j1/logs/tail");
    REQUIRE(ws);
    CHECK(ws->is_open());
    std::vector<std::string> frames;
    for (;;) {
        auto r = ws->read(2000ms);
        REQUIRE(r);
        if (!*r) break;
        frames.push_back(**r);
    }
    CHECK(frames == std::vector<std::string>{"line 1\nline 2\n", "line 3 is spl",
                                             "it across frames\n", "no newline at the end"});
    CHECK_FALSE(ws->is_open());
    auto after = ws->read(100ms);
    REQUIRE_FALSE(after);
    CHECK(after.error().code == synapse::errc::transport_error);
}

TEST_CASE("websocket_client sends the User-Agent and the bearer token on the handshake",
          "[websocket]") {
    scripted_ws_server server({{step{step::close_normal, {}}}, {step{step::close_normal, {}}}});
    {
        auto ws = synapse::websocket_client::connect(options_for(server, "s3cret-token"), "/x");
        REQUIRE(ws);
        auto r = ws->read(2000ms);
        REQUIRE(r);
        CHECK_FALSE(r->has_value());
    }
    {
        auto ws = synapse::websocket_client::connect(options_for(server), "/x");
        REQUIRE(ws);
        auto r = ws->read(2000ms);
        REQUIRE(r);
    }
    const auto auths = server.authorizations();
    REQUIRE(auths.size() == 2);
    CHECK(auths[0] == "Bearer s3cret-token");
    CHECK(auths[1].empty());
    const auto agents = server.user_agents();
    REQUIRE(agents.size() == 2);
    CHECK(agents[0].starts_with("synapse-cpp/"));
}

TEST_CASE("websocket_client maps a 404 answer to the upgrade to not_found", "[websocket]") {
    scripted_ws_server server(std::vector<std::vector<step>>(1));
    auto ws = synapse::websocket_client::connect(options_for(server, "s3cret-token"),
                                                 "/api/jobs/missing/logs/tail");
    REQUIRE_FALSE(ws);
    CHECK(ws.error().code == synapse::errc::not_found);
    CHECK(ws.error().http_status == 404);
    CHECK(ws.error().message.find("no such job") != std::string::npos);
    CHECK(ws.error().message.find("s3cret-token") == std::string::npos);
}

TEST_CASE("websocket_client maps a 401 answer to the upgrade to unauthorized", "[websocket]") {
    scripted_ws_server server(std::vector<std::vector<step>>(1));
    auto ws = synapse::websocket_client::connect(options_for(server, "s3cret-token"),
                                                 "/api/jobs/forbidden/logs/tail");
    REQUIRE_FALSE(ws);
    CHECK(ws.error().code == synapse::errc::unauthorized);
    CHECK(ws.error().http_status == 401);
    CHECK(ws.error().message.find("s3cret-token") == std::string::npos);
}

TEST_CASE("websocket_client times out a read and stays usable", "[websocket]") {
    scripted_ws_server server({{pause_ms(600), send("late"), step{step::close_normal, {}}}});
    auto ws = synapse::websocket_client::connect(options_for(server), "/slow");
    REQUIRE(ws);
    const auto start = std::chrono::steady_clock::now();
    auto first = ws->read(100ms);
    const auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(first);
    CHECK(first.error().code == synapse::errc::timeout);
    CHECK(waited >= 90ms);
    CHECK(ws->is_open());
    auto second = ws->read(3000ms);
    REQUIRE(second);
    REQUIRE(second->has_value());
    CHECK(**second == "late");
    auto end = ws->read(3000ms);
    REQUIRE(end);
    CHECK_FALSE(end->has_value());
}

TEST_CASE(
    "websocket_client reports a cut connection and an abnormal close code as "
    "transport_error",
    "[websocket]") {
    scripted_ws_server server(
        {{send("a\n"), step{step::cut, {}}}, {send("b\n"), step{step::close_with, {}, 1011}}});
    {
        auto ws = synapse::websocket_client::connect(options_for(server), "/cut");
        REQUIRE(ws);
        auto r = ws->read(2000ms);
        REQUIRE(r);
        CHECK(**r == "a\n");
        auto cut = ws->read(2000ms);
        REQUIRE_FALSE(cut);
        CHECK(cut.error().code == synapse::errc::transport_error);
    }
    {
        auto ws = synapse::websocket_client::connect(options_for(server), "/error");
        REQUIRE(ws);
        auto r = ws->read(2000ms);
        REQUIRE(r);
        auto closed = ws->read(2000ms);
        REQUIRE_FALSE(closed);
        CHECK(closed.error().code == synapse::errc::transport_error);
        CHECK(closed.error().message.find("1011") != std::string::npos);
    }
}

TEST_CASE("websocket_client refuses wss and bad URLs, and reports a refused connection",
          "[websocket]") {
    synapse::websocket_options o;
    o.base_url = "https://127.0.0.1:8265";
    auto wss = synapse::websocket_client::connect(o, "/x");
    REQUIRE_FALSE(wss);
    CHECK(wss.error().code == synapse::errc::invalid_argument);
    CHECK(wss.error().message.find("wss is not supported yet") != std::string::npos);

    o.base_url = "ftp://nowhere";
    auto bad = synapse::websocket_client::connect(o, "/x");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::invalid_argument);

    // A port nobody listens on: bind one, remember it, release it.
    int port = 0;
    {
        asio::io_context ioc;
        tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = a.local_endpoint().port();
    }
    o.base_url = "http://127.0.0.1:" + std::to_string(port);
    auto refused = synapse::websocket_client::connect(o, "/x");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == synapse::errc::transport_error);
}

TEST_CASE("websocket_client closes cleanly from the client side, also with a read pending",
          "[websocket]") {
    scripted_ws_server server({{pause_ms(300)}, {pause_ms(300)}});
    {
        auto ws = synapse::websocket_client::connect(options_for(server), "/idle");
        REQUIRE(ws);
        ws->close();
        CHECK_FALSE(ws->is_open());
        ws->close();  // idempotent
    }
    {
        auto ws = synapse::websocket_client::connect(options_for(server), "/idle");
        REQUIRE(ws);
        auto r = ws->read(20ms);
        REQUIRE_FALSE(r);
        ws->close();
        CHECK_FALSE(ws->is_open());
        auto moved = std::move(*ws);
        CHECK_FALSE(moved.is_open());
    }
}

TEST_CASE("beast_websocket is a WebSocketConnector with the options it was given", "[websocket]") {
    STATIC_REQUIRE(synapse::WebSocketConnector<synapse::beast_websocket>);
    STATIC_REQUIRE_FALSE(synapse::WebSocketConnector<synapse::websocket_client>);
    scripted_ws_server server({{send("hello"), step{step::close_normal, {}}}});
    synapse::beast_websocket connector(options_for(server));
    auto ws = connector.connect("/x");
    REQUIRE(ws);
    auto frame = ws->read(2000ms);
    REQUIRE(frame);
    CHECK(*frame == std::optional<std::string>("hello"));
}
