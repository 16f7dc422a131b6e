#include <synapse/transport/httplib_transport.hpp>

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../common/env_guard.hpp"
#include "../common/temp_dir.hpp"

namespace httplib_transport_test {

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
synapse::transport_options options_for(const test_server& server) {
    synapse::transport_options o;
    o.base_url = server.url();
    o.connect_timeout = 1000ms;
    o.read_timeout = 2000ms;
    o.retry_backoff = 10ms;
    o.token = std::nullopt;
    return o;
}

synapse::httplib_transport make_transport(synapse::transport_options o) {
    auto t = synapse::httplib_transport::create(std::move(o));
    REQUIRE(t);
    return std::move(*t);
}

synapse::http_request request(std::string method, std::string target, std::string body = {},
                              std::string content_type = {}) {
    synapse::http_request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

/// A port on 127.0.0.1 that nobody listens on: bound once, then closed.
int closed_port() {
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

using test_support::env_guard;

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

/// Sends one GET with the token that default options pick up, and returns the Authorization
/// header the server saw.
std::string authorization_with_default_token(test_server& server) {
    synapse::transport_options o;  // token: ray_auth_token(), read now
    o.base_url = server.url();
    auto t = make_transport(std::move(o));
    auto r = t.send(request("GET", "/api/version"));
    REQUIRE(r);
    const auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    return seen[0].authorization;
}

}  // namespace httplib_transport_test

using namespace httplib_transport_test;
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

TEST_CASE("the default token comes from RAY_AUTH_TOKEN", "[httplib_transport][auth]") {
    env_guard env;
    test_support::temp_dir home;
    setenv("HOME", home.path().c_str(), 1);
    unsetenv("RAY_AUTH_TOKEN_PATH");
    setenv("RAY_AUTH_TOKEN", "env-token", 1);
    test_server server;
    server.server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.start();
    CHECK(authorization_with_default_token(server) == "Bearer env-token");
}

TEST_CASE("the default token comes from the file named by RAY_AUTH_TOKEN_PATH",
          "[httplib_transport][auth]") {
    env_guard env;
    test_support::temp_dir dir;
    write_file(dir / "token", "path-token\n");
    setenv("HOME", (dir / "home").c_str(), 1);
    unsetenv("RAY_AUTH_TOKEN");
    setenv("RAY_AUTH_TOKEN_PATH", (dir / "token").c_str(), 1);
    test_server server;
    server.server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.start();
    CHECK(authorization_with_default_token(server) == "Bearer path-token");
}

TEST_CASE("the default token comes from ~/.ray/auth_token", "[httplib_transport][auth]") {
    env_guard env;
    test_support::temp_dir home;
    write_file(home / ".ray/auth_token", "home-token\n");
    setenv("HOME", home.path().c_str(), 1);
    unsetenv("RAY_AUTH_TOKEN");
    unsetenv("RAY_AUTH_TOKEN_PATH");
    test_server server;
    server.server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
        res.set_content("{}", "application/json");
    });
    server.start();
    CHECK(authorization_with_default_token(server) == "Bearer home-token");
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

    const auto start = std::chrono::steady_clock::now();
    auto r = t.send(request("GET", "/api/version"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::transport_error);
    CHECK(r.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(r.error().message.find("Connection") != std::string::npos);
    CHECK(r.error().message.find("s3cret-token") == std::string::npos);
    CHECK(synapse::to_string(r.error()).find("s3cret-token") == std::string::npos);
    CHECK_FALSE(r.error().http_status.has_value());
    CHECK(elapsed < 1000ms);
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

    const auto start = std::chrono::steady_clock::now();
    auto r = t.send(request("GET", "/slow"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::timeout);
    CHECK(r.error().message.find("127.0.0.1:" + std::to_string(server.port())) !=
          std::string::npos);
    CHECK(r.error().message.find("s3cret-token") == std::string::npos);
    CHECK(elapsed < 700ms);
    CHECK(calls == 1);
}

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

TEST_CASE("httplib_transport satisfies the Transport concept", "[httplib_transport]") {
    STATIC_REQUIRE(synapse::check_transport<synapse::httplib_transport>());
}
