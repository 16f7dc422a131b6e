// Test helper: a real cpp-httplib server on 127.0.0.1 (any free port) in its own thread, which
// records what it saw of each request, and small helpers to talk to it through httplib_transport.
#pragma once

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <synapse/transport/httplib_transport.hpp>
#include <thread>
#include <vector>

namespace test_support {

using namespace std::chrono_literals;

/// What the server saw of one request (before reading its body; handlers echo bodies).
struct seen_request {
    std::string method, path, content_type, user_agent, authorization;
    bool has_authorization = false;
    bool has_origin_or_referer = false;
    int remote_port = -1;
};

/// A real httplib::Server on 127.0.0.1 (port from bind_to_any_port) in its own thread. Add
/// routes through `server`, then `start()`; the destructor stops it.
class test_server {
  public:
    test_server() {
        server.set_keep_alive_max_count(100);
        server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
            seen_request s;
            s.method = req.method;
            s.path = req.path;
            s.content_type = req.get_header_value("Content-Type");
            s.user_agent = req.get_header_value("User-Agent");
            s.has_authorization = req.has_header("Authorization");
            s.authorization = req.get_header_value("Authorization");
            s.has_origin_or_referer = req.has_header("Origin") || req.has_header("Referer");
            s.remote_port = req.remote_port;
            std::lock_guard lock(mutex_);
            seen_.push_back(std::move(s));
            return httplib::Server::HandlerResponse::Unhandled;
        });
    }
    test_server(const test_server&) = delete;
    test_server& operator=(const test_server&) = delete;
    ~test_server() {
        if (thread_.joinable()) {
            server.stop();
            thread_.join();
        }
    }

    void start() {
        port_ = server.bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { server.listen_after_bind(); });
        for (int i = 0; i < 2000 && !server.is_running(); ++i) std::this_thread::sleep_for(1ms);
        REQUIRE(server.is_running());
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }

    std::vector<seen_request> seen() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

    httplib::Server server;

  private:
    int port_ = 0;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<seen_request> seen_;
};

/// Options for a test: this server, short timeouts and backoff, and no token unless a test sets
/// one (so the runner's own RAY_AUTH_TOKEN cannot leak in).
inline synapse::transport_options options_for(const test_server& server) {
    synapse::transport_options o;
    o.base_url = server.url();
    o.connect_timeout = 1000ms;
    o.read_timeout = 2000ms;
    o.retry_backoff = 10ms;
    o.token = std::nullopt;
    return o;
}

inline synapse::httplib_transport make_transport(synapse::transport_options o) {
    auto t = synapse::httplib_transport::create(std::move(o));
    REQUIRE(t);
    return std::move(*t);
}

inline synapse::http_request request(std::string method, std::string target, std::string body = {},
                                     std::string content_type = {}) {
    synapse::http_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

/// A port on 127.0.0.1 that nobody listens on: bound once, then closed.
inline int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace test_support
