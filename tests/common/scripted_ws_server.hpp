// Test helper: a scripted WebSocket server on 127.0.0.1 (Boost.Beast), one script per
// connection, for the WebSocket client and log-tail tests.
#pragma once

#include <atomic>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

namespace ws_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = asio::ip::tcp;
}  // namespace ws_detail

using namespace ws_detail;

/// One thing the server does on a connection.
struct step {
    enum kind { text, pause, cut, close_normal, close_with } what;
    std::string data;
    int value = 0;  // milliseconds for pause, the code for close_with
};

inline step send(std::string s) {
    return {step::text, std::move(s)};
}
inline step pause_ms(int ms) {
    return {step::pause, {}, ms};
}

/// Serves one scripted connection per entry of `scripts`, in the order they connect, then stops. A
/// connection whose target contains "missing" is answered with a raw HTTP 404 instead of an
/// upgrade.
class scripted_ws_server {
  public:
    explicit scripted_ws_server(std::vector<std::vector<step>> scripts)
        : scripts_(std::move(scripts)),
          acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        thread_ = std::thread([this] { serve(); });
    }
    ~scripted_ws_server() {
        stopping_ = true;
        for (std::size_t i = 0; i < scripts_.size() + 1; ++i) {  // unblock a pending accept
            beast::error_code ec;
            asio::io_context ioc;
            tcp::socket s(ioc);
            s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()), ec);
        }
        thread_.join();
        for (auto& w : workers_) w.join();
    }
    int port() const { return acceptor_.local_endpoint().port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    std::vector<std::string> authorizations() {
        std::lock_guard lock(mutex_);
        return authorizations_;
    }
    std::vector<std::string> user_agents() {
        std::lock_guard lock(mutex_);
        return user_agents_;
    }
    int connections() const { return connections_; }

  private:
    void serve() {
        for (const auto& script : scripts_) {
            beast::error_code ec;
            tcp::socket socket(ioc_);
            acceptor_.accept(socket, ec);
            if (ec || stopping_) return;
            ++connections_;
            // Each connection on its own thread, so that a new one is served while an old one
            // is still open (as Ray does).
            workers_.emplace_back(
                [this, &script](tcp::socket s) {
                    try {
                        run(std::move(s), script);
                    } catch (const std::exception&) {
                        // the client went away
                    }
                },
                std::move(socket));
        }
    }

    void run(tcp::socket socket, const std::vector<step>& script) {
        beast::flat_buffer buffer;
        http::request<http::string_body> req;
        http::read(socket, buffer, req);
        {
            std::lock_guard lock(mutex_);
            authorizations_.emplace_back(req[http::field::authorization]);
            user_agents_.emplace_back(req[http::field::user_agent]);
        }
        if (req.target().find("missing") != beast::string_view::npos) {
            asio::write(socket,
                        asio::buffer(std::string_view(
                            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                            "Content-Length: 12\r\nConnection: close\r\n\r\nno such job\n")));
            return;
        }
        if (req.target().find("forbidden") != beast::string_view::npos) {
            asio::write(socket, asio::buffer(std::string_view(
                                    "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n")));
            return;
        }
        websocket::stream<tcp::socket> ws(std::move(socket));
        ws.accept(req);
        for (const auto& s : script) {
            switch (s.what) {
                case step::text:
                    ws.text(true);
                    ws.write(asio::buffer(s.data));
                    break;
                case step::pause:
                    std::this_thread::sleep_for(std::chrono::milliseconds(s.value));
                    break;
                case step::cut: ws.next_layer().close(); return;
                case step::close_normal: ws.close(websocket::close_code::normal); return;
                case step::close_with:
                    ws.close(static_cast<websocket::close_code>(s.value));
                    return;
            }
        }
    }

    std::vector<std::vector<step>> scripts_;
    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::vector<std::thread> workers_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> connections_{0};
    std::mutex mutex_;
    std::vector<std::string> authorizations_;
    std::vector<std::string> user_agents_;
};

}  // namespace test_support
