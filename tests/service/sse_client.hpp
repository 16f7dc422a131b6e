// Test helper: a raw-socket SSE client, so a test controls exactly when it reads, when it hangs
// up, and which Last-Event-ID it presents. Decodes HTTP/1.1 chunked transfer encoding, then
// splits the stream into frames (event, data, id, or a comment).
#pragma once

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace test_support {

struct sse_frame {
    std::string event;  // empty for a comment
    std::string data;
    std::optional<std::string> id;
    std::string comment;
    std::string raw;  // the frame's text as sent
    bool is_comment() const { return event.empty() && data.empty() && !comment.empty(); }
};

class sse_client {
  public:
    sse_client(int port, const std::string& path, std::optional<std::string> last_event_id = {},
               const std::string& extra_headers = {}) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("connect failed");
        std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        req += "Accept: text/event-stream\r\n";
        if (last_event_id) req += "Last-Event-ID: " + *last_event_id + "\r\n";
        req += extra_headers;
        req += "\r\n";
        if (send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size()))
            throw std::runtime_error("send failed");
        // Status line and headers.
        while (raw_.find("\r\n\r\n") == std::string::npos)
            if (!fill(std::chrono::seconds(10))) throw std::runtime_error("no response headers");
        auto end = raw_.find("\r\n\r\n");
        headers_ = raw_.substr(0, end);
        raw_.erase(0, end + 4);
        status_ = std::stoi(headers_.substr(9, 3));
        chunked_ = headers_.find("Transfer-Encoding: chunked") != std::string::npos;
    }
    ~sse_client() { hang_up(); }
    sse_client(const sse_client&) = delete;
    sse_client& operator=(const sse_client&) = delete;

    int status() const { return status_; }
    const std::string& headers() const { return headers_; }

    /// Closes the connection without reading further (a client going away).
    void hang_up() {
        if (fd_ >= 0) close(fd_);
        fd_ = -1;
    }

    /// The next frame, or nullopt when the stream ended or `timeout` passed (see ended()).
    std::optional<sse_frame> next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            decode();
            auto at = body_.find("\n\n");
            if (at != std::string::npos) {
                std::string text = body_.substr(0, at + 2);
                body_.erase(0, at + 2);
                return parse(text);
            }
            if (ended_) return std::nullopt;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return std::nullopt;
            if (!fill(left) && !ended_) return std::nullopt;
        }
    }

    /// True once the server ended the stream (the last chunk, or the connection closed).
    bool ended() const { return ended_; }

  private:
    static sse_frame parse(const std::string& text) {
        sse_frame f;
        f.raw = text;
        std::size_t pos = 0;
        while (pos < text.size()) {
            auto nl = text.find('\n', pos);
            std::string line = text.substr(pos, nl - pos);
            pos = nl + 1;
            if (line.empty()) continue;
            if (line[0] == ':') {
                f.comment = line.substr(1);
                continue;
            }
            auto colon = line.find(':');
            std::string field = line.substr(0, colon);
            std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.erase(0, 1);
            if (field == "event") f.event = value;
            if (field == "data") f.data += value;
            if (field == "id") f.id = value;
        }
        return f;
    }

    bool fill(std::chrono::milliseconds timeout) {
        if (fd_ < 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
        char buf[4096];
        auto n = recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) {
            ended_ = true;
            return false;
        }
        raw_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    void decode() {
        if (!chunked_) {
            body_ += raw_;
            raw_.clear();
            return;
        }
        for (;;) {
            auto nl = raw_.find("\r\n");
            if (nl == std::string::npos) return;
            const auto size = std::stoul(raw_.substr(0, nl), nullptr, 16);
            if (size == 0) {
                ended_ = true;
                return;
            }
            if (raw_.size() < nl + 2 + size + 2) return;
            body_ += raw_.substr(nl + 2, size);
            raw_.erase(0, nl + 2 + size + 2);
        }
    }

    int fd_ = -1;
    int status_ = 0;
    bool chunked_ = false;
    bool ended_ = false;
    std::string headers_;
    std::string raw_;
    std::string body_;
};

}  // namespace test_support
