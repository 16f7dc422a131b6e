// Test helper: a TCP proxy on 127.0.0.1 in front of a local server that closes every WebSocket
// connection once it has passed `websocket_limit` bytes to the client, as a proxy or load balancer
// with limits would; plain HTTP passes untouched. One thread per direction of each connection.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace test_support {

class closing_proxy {
  public:
    closing_proxy(int upstream_port, std::size_t websocket_limit)
        : upstream_port_(upstream_port), limit_(websocket_limit) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int on = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in addr = loopback(0);
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listener_, 64) != 0)
            return;
        socklen_t len = sizeof addr;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    closing_proxy(const closing_proxy&) = delete;
    closing_proxy& operator=(const closing_proxy&) = delete;
    ~closing_proxy() {
        stopping_ = true;
        ::shutdown(listener_, SHUT_RDWR);
        if (acceptor_.joinable()) acceptor_.join();
        ::close(listener_);
        {
            std::lock_guard lock(mutex_);
            for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
        }
        for (auto& t : threads_)
            if (t.joinable()) t.join();
        for (int fd : all_) ::close(fd);
    }

    /// The proxy's port (0 when it could not listen).
    int port() const noexcept { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    /// WebSocket connections it cut at the limit so far.
    int websockets_cut() const noexcept { return cut_; }

  private:
    static sockaddr_in loopback(int port) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        return addr;
    }

    void remember(int fd) {
        std::lock_guard lock(mutex_);
        open_.push_back(fd);
        all_.push_back(fd);
    }

    void accept_loop() {
        while (!stopping_) {
            const int client = ::accept(listener_, nullptr, nullptr);
            if (client < 0) return;
            const int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr = loopback(upstream_port_);
            remember(client);
            remember(upstream);
            if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
                ::shutdown(client, SHUT_RDWR);
                continue;
            }
            const int on = 1;
            ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            ::setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
            auto websocket = std::make_shared<std::atomic<bool>>(false);
            std::lock_guard lock(mutex_);
            threads_.emplace_back([=, this] { pump_up(client, upstream, *websocket); });
            threads_.emplace_back([=, this] { pump_down(upstream, client, *websocket); });
        }
    }

    /// Client to server; marks the connection a WebSocket when its request asks for one.
    void pump_up(int from, int to, std::atomic<bool>& websocket) {
        char buf[16384];
        std::string head;
        for (;;) {
            const ssize_t n = ::recv(from, buf, sizeof buf, 0);
            if (n <= 0) break;
            if (head.size() < 8192) {
                head.append(buf, static_cast<std::size_t>(n));
                std::string lower(head);
                std::transform(lower.begin(), lower.end(), lower.begin(),
                               [](unsigned char c) { return std::tolower(c); });
                if (lower.find("upgrade: websocket") != std::string::npos) websocket = true;
            }
            if (!send_all(to, buf, static_cast<std::size_t>(n))) break;
        }
        ::shutdown(to, SHUT_WR);
    }

    /// Server to client; cuts a WebSocket at the limit.
    void pump_down(int from, int to, const std::atomic<bool>& websocket) {
        char buf[16384];
        std::size_t passed = 0;
        for (;;) {
            const ssize_t n = ::recv(from, buf, sizeof buf, 0);
            if (n <= 0) break;
            std::size_t size = static_cast<std::size_t>(n);
            if (websocket && passed + size > limit_) {
                send_all(to, buf, limit_ - passed);
                ++cut_;
                ::shutdown(to, SHUT_RDWR);
                ::shutdown(from, SHUT_RDWR);
                return;
            }
            passed += size;
            if (!send_all(to, buf, size)) break;
        }
        ::shutdown(to, SHUT_WR);
    }

    static bool send_all(int fd, const char* data, std::size_t size) {
        while (size > 0) {
            const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
            if (n <= 0) return false;
            data += n;
            size -= static_cast<std::size_t>(n);
        }
        return true;
    }

    int upstream_port_;
    std::size_t limit_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> cut_{0};
    std::mutex mutex_;
    std::vector<int> open_;
    std::vector<int> all_;
    std::thread acceptor_;
    std::vector<std::thread> threads_;
};

}  // namespace test_support
