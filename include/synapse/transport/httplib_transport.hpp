// A Transport over cpp-httplib: one keep-alive connection to an HTTP server (a Ray dashboard, a
// pipeline service), connect and read timeouts, a non-browser User-Agent, a bearer token, and
// retries with backoff for idempotent requests. cpp-httplib is a compiled library here: build
// with `pkg-config --cflags --libs cpp-httplib` (its defines must match the library's build).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include <httplib.h>

#include "synapse/core/config.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/transport/transport.hpp"
#include "synapse/transport/transport_options.hpp"
#include "synapse/transport/url.hpp"

namespace synapse {

/// A Transport over one persistent cpp-httplib client. Calls are serialized by the client;
/// move-only.
///
/// - Every request carries `User-Agent` (from the options) and, when a token is set,
///   `Authorization: Bearer <token>`; headers in the request itself take precedence.
/// - Any HTTP status is returned as a response; use `check_status` to map error statuses.
/// - No response: errc::transport_error naming host:port and httplib's error, or errc::timeout
///   when the connect or read timeout ran out. The token never appears in a message.
/// - Idempotent methods (`is_idempotent`) are retried up to `max_retries` times, waiting
///   `retry_backoff` and then twice as long each time, after a connection failure or a
///   502/503/504 response; timeouts and other methods (POST, PATCH) are never retried, nor is a
///   stream once part of its body was delivered. After the last attempt the 5xx response itself
///   is returned.
class httplib_transport {
  public:
    using transport_concept = transport_tag;

    /// A transport for `options.base_url`; errc::invalid_argument naming the URL if it is bad.
    [[nodiscard]] static expected<httplib_transport> create(transport_options options) {
        auto url = parse_base_url(options.base_url);
        if (!url) return fail(std::move(url).error());
        if (options.max_retries < 0) {
            return fail(errc::invalid_argument, "transport_options.max_retries must be >= 0");
        }
        auto client = std::make_unique<httplib::Client>(url->scheme + "://" + url->endpoint());
        if (!client->is_valid()) {
            return fail(errc::invalid_argument,
                        "invalid base URL \"" + options.base_url +
                            "\": cpp-httplib cannot use it (https needs OpenSSL support)");
        }
        client->set_keep_alive(true);
        // Requests on a kept-alive connection go out as separate header and body writes:
        // without TCP_NODELAY, Nagle's algorithm and the server's delayed ACK add ~40 ms to each.
        client->set_tcp_nodelay(true);
        client->set_follow_location(false);
        client->set_connection_timeout(options.connect_timeout);
        client->set_read_timeout(options.read_timeout);
        client->set_write_timeout(options.read_timeout);
        return httplib_transport(std::move(options), std::move(*url), std::move(client));
    }

    httplib_transport(httplib_transport&&) noexcept = default;
    httplib_transport& operator=(httplib_transport&&) noexcept = default;
    httplib_transport(const httplib_transport&) = delete;
    httplib_transport& operator=(const httplib_transport&) = delete;
    ~httplib_transport() = default;

    /// Sends `request` and returns the whole response, whatever its status.
    [[nodiscard]] expected<http_response> send(const http_request& request) {
        return perform(request, nullptr);
    }

    /// Sends `request` and hands a success body to `on_chunk` as it arrives (see `Transport`).
    [[nodiscard]] expected<http_response> stream(const http_request& request,
                                                 const chunk_handler& on_chunk) {
        return perform(request, &on_chunk);
    }

    /// Ends the request in progress from another thread (its call returns an error); safe to
    /// call at any time, and a no-op when nothing is in progress.
    void stop() noexcept {
        if (client_) client_->stop();
    }

    /// "host:port", as named in error messages.
    const std::string& endpoint() const noexcept { return endpoint_; }

  private:
    httplib_transport(transport_options options, parsed_base_url url,
                      std::unique_ptr<httplib::Client> client)
        : options_(std::move(options)),
          url_(std::move(url)),
          endpoint_(url_.endpoint()),
          client_(std::move(client)) {}

    struct attempt_result {
        std::optional<http_response> response;
        std::optional<error> failure;
        bool connection_failure = false;  ///< worth retrying for an idempotent request
        bool delivered = false;           ///< part of a streamed body reached the caller
    };

    static bool retryable_status(int status) noexcept {
        return status == 502 || status == 503 || status == 504;
    }

    expected<http_response> perform(const http_request& request, const chunk_handler* on_chunk) {
        const bool idempotent = is_idempotent(request.method);
        auto backoff = options_.retry_backoff;
        for (int attempt = 0;; ++attempt) {
            attempt_result r = attempt_once(request, on_chunk);
            const bool may_retry = idempotent && attempt < options_.max_retries && !r.delivered;
            if (r.response) {
                if (may_retry && retryable_status(r.response->status)) {
                    std::this_thread::sleep_for(backoff);
                    backoff *= 2;
                    continue;
                }
                return std::move(*r.response);
            }
            if (may_retry && r.connection_failure) {
                std::this_thread::sleep_for(backoff);
                backoff *= 2;
                continue;
            }
            return fail(std::move(*r.failure));
        }
    }

    static http_response convert_headers(const httplib::Response& res) {
        http_response out;
        out.status = res.status;
        out.headers.reserve(res.headers.size());
        for (const auto& [key, value] : res.headers) out.headers.emplace_back(key, value);
        return out;
    }

    static bool has_header(const http_request& request, std::string_view name) {
        for (const auto& header : request.headers) {
            if (detail::http_iequals(header.first, name)) return true;
        }
        return false;
    }

    attempt_result attempt_once(const http_request& request, const chunk_handler* on_chunk) {
        httplib::Request req;
        req.method = request.method;
        req.path = url_.path_prefix + (request.target.empty() ? std::string("/") : request.target);
        for (const auto& [key, value] : request.headers) req.headers.emplace(key, value);
        if (!has_header(request, "User-Agent"))
            req.headers.emplace("User-Agent", options_.user_agent);
        if (options_.token && !has_header(request, "Authorization")) {
            req.headers.emplace("Authorization", "Bearer " + *options_.token);
        }
        if (!request.content_type.empty() && !has_header(request, "Content-Type")) {
            req.headers.emplace("Content-Type", request.content_type);
        }
        req.body = request.body;

        attempt_result r;
        http_response streamed;
        bool collecting_error_body = false;
        bool stopped = false;
        if (on_chunk != nullptr) {
            req.response_handler = [&](const httplib::Response& res) {
                streamed = convert_headers(res);
                collecting_error_body = res.status >= 400;
                return true;
            };
            req.content_receiver = [&](const char* data, std::size_t size, std::uint64_t,
                                       std::uint64_t) {
                if (collecting_error_body) {
                    streamed.body.append(data, size);
                    return true;
                }
                r.delivered = true;
                if (!(*on_chunk)(std::string_view(data, size))) {
                    stopped = true;
                    return false;
                }
                return true;
            };
        }

        const auto start = std::chrono::steady_clock::now();
        httplib::Result res = client_->send(req);
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);

        if (res) {
            if (on_chunk != nullptr) {
                r.response = std::move(streamed);
            } else {
                http_response out = convert_headers(*res);
                out.body = std::move(res->body);
                r.response = std::move(out);
            }
            return r;
        }
        const httplib::Error err = res.error();
        if (err == httplib::Error::Canceled && stopped) {
            r.response = std::move(streamed);
            return r;
        }
        const std::string call = request.method + " " + req.path;
        const std::string cause = " (cpp-httplib: " + httplib::to_string(err) + ")";
        if (err == httplib::Error::ConnectionTimeout) {
            r.failure = error{errc::timeout,
                              call + ": could not connect to " + endpoint_ + " within " +
                                  std::to_string(options_.connect_timeout.count()) + " ms" + cause};
        } else if (err == httplib::Error::Read && elapsed >= options_.read_timeout * 9 / 10) {
            r.failure = error{errc::timeout, call + ": no answer from " + endpoint_ + " within " +
                                                 std::to_string(options_.read_timeout.count()) +
                                                 " ms" + cause};
        } else if (err == httplib::Error::Connection) {
            r.failure =
                error{errc::transport_error, call + ": cannot connect to " + endpoint_ + cause};
            r.connection_failure = true;
        } else {
            r.failure = error{errc::transport_error,
                              call + ": the connection to " + endpoint_ + " failed" + cause};
            r.connection_failure = err == httplib::Error::Read || err == httplib::Error::Write;
        }
        return r;
    }

    transport_options options_;
    parsed_base_url url_;
    std::string endpoint_;
    std::unique_ptr<httplib::Client> client_;
};

static_assert(check_transport<httplib_transport>());

}  // namespace synapse
