// A small synchronous WebSocket client over Boost.Beast (plain ws:// only), and `beast_websocket`,
// the WebSocketConnector policy built on it (the default of the Ray executors' log tail). Heavy
// (Boost.Asio + Beast): include it only where you need it, and link with -pthread.
//
//     auto ws = synapse::websocket_client::connect(options, "/api/jobs/raysubmit_1/logs/tail");
//     while (auto frame = ws->read(std::chrono::seconds(1))) {   // expected<optional<string>>
//         if (!*frame) break;                                   // normal close
//         std::cout << **frame;
//     }
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>

#include "synapse/core/expected.hpp"
#include "synapse/transport/transport.hpp"
#include "synapse/transport/url.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse {

/// One client WebSocket connection, used synchronously. Move-only; the destructor closes it.
///
/// - `connect` resolves and connects within `options.connect_timeout` and completes the
///   handshake within `options.read_timeout`. The handshake carries `User-Agent` and, when
///   `options.token` is set, `Authorization: Bearer <token>` (the token never appears in an
///   error). The target is put after the base URL's path prefix.
/// - `read(timeout)` returns the next message. A timeout leaves the read pending, so the
///   connection stays usable: the next `read` continues waiting for the same message.
/// - Every operation is driven by a private io_context on the calling thread; no threads.
class websocket_client {
  public:
    /// Connects to `options.base_url` + `target` (path and query) and completes the WebSocket
    /// handshake. Errors: errc::invalid_argument for a bad URL or https ("wss is not supported
    /// yet"); errc::timeout when connecting or the handshake ran out of time;
    /// errc::transport_error when the server cannot be reached; a handshake answered with an
    /// HTTP status instead of an upgrade → errc::not_found (404), errc::unauthorized (401/403)
    /// or errc::http_error, with `http_status` set and the body quoted.
    [[nodiscard]] static expected<websocket_client> connect(const websocket_options& options,
                                                            std::string_view target) {
        auto url = parse_base_url(options.base_url);
        if (!url) return fail(std::move(url).error());
        if (url->scheme != "http") {
            return fail(errc::invalid_argument, "cannot open a WebSocket to \"" + options.base_url +
                                                    "\": wss is not supported yet");
        }
        const std::string endpoint = url->endpoint();
        std::string path = url->path_prefix + std::string(target.empty() ? "/" : target);
        const std::string call = "WebSocket " + path;

        auto st = std::make_unique<state>();
        st->endpoint = endpoint;
        st->options = options;
        st->options.token.reset();  // the token is only needed for the handshake below

        namespace asio = boost::asio;
        namespace beast = boost::beast;
        namespace websocket = boost::beast::websocket;
        using tcp = asio::ip::tcp;
        beast::error_code ec;

        tcp::resolver resolver(st->ioc);
        auto endpoints = resolver.resolve(url->host, std::to_string(url->port), ec);
        if (ec) {
            return fail(errc::transport_error,
                        call + ": cannot resolve " + endpoint + " (" + ec.message() + ")");
        }

        auto& tcp_layer = beast::get_lowest_layer(st->ws);
        bool done = false;
        tcp_layer.expires_after(options.connect_timeout);
        tcp_layer.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
            ec = e;
            done = true;
        });
        st->run(done);
        if (ec == beast::error::timeout) {
            return fail(errc::timeout, call + ": could not connect to " + endpoint + " within " +
                                           std::to_string(options.connect_timeout.count()) + " ms");
        }
        if (ec) {
            return fail(errc::transport_error,
                        call + ": cannot connect to " + endpoint + " (" + ec.message() + ")");
        }

        const std::string user_agent = options.user_agent;
        const std::optional<std::string> token = options.token;
        st->ws.set_option(
            websocket::stream_base::decorator([user_agent, token](websocket::request_type& req) {
                req.set(beast::http::field::user_agent, user_agent);
                if (token) req.set(beast::http::field::authorization, "Bearer " + *token);
            }));
        st->ws.read_message_max(options.max_message_size);

        websocket::response_type response;
        done = false;
        tcp_layer.expires_after(options.read_timeout);
        st->ws.async_handshake(response, endpoint, path, [&](beast::error_code e) {
            ec = e;
            done = true;
        });
        st->run(done);
        tcp_layer.expires_never();
        if (ec == websocket::error::upgrade_declined ||
            (ec && response.result_int() >= 300 && response.result_int() != 101)) {
            http_response r;
            r.status = static_cast<int>(response.result_int());
            r.body = response.body();
            if (r.status < 400) {
                error e{errc::http_error, call + ": the server declined the upgrade with HTTP " +
                                              std::to_string(r.status)};
                e.http_status = r.status;
                return fail(std::move(e));
            }
            auto checked = check_status(std::move(r), call);
            return fail(std::move(checked).error());
        }
        if (ec == beast::error::timeout) {
            return fail(errc::timeout, call + ": no handshake answer from " + endpoint +
                                           " within " +
                                           std::to_string(options.read_timeout.count()) + " ms");
        }
        if (ec) {
            return fail(errc::transport_error, call + ": the WebSocket handshake with " + endpoint +
                                                   " failed (" + ec.message() + ")");
        }
        st->open = true;
        return websocket_client(std::move(st));
    }

    websocket_client(websocket_client&&) noexcept = default;
    websocket_client& operator=(websocket_client&& other) noexcept {
        if (this != &other) {
            close();
            state_ = std::move(other.state_);
        }
        return *this;
    }
    websocket_client(const websocket_client&) = delete;
    websocket_client& operator=(const websocket_client&) = delete;
    ~websocket_client() { close(); }

    /// The next message (text, or binary passed through as bytes), or std::nullopt when the
    /// server closed the connection cleanly (close frame with code 1000, 1001 or no code).
    /// errc::timeout when nothing arrived within `timeout`: the read stays pending and the
    /// connection usable. errc::transport_error when the connection failed or was closed with
    /// another code (or was already closed). Partial messages are never returned.
    [[nodiscard]] expected<std::optional<std::string>> read(std::chrono::milliseconds timeout) {
        namespace beast = boost::beast;
        namespace websocket = boost::beast::websocket;
        if (!state_ || !state_->open) {
            return fail(errc::transport_error, "the WebSocket connection is closed");
        }
        state& st = *state_;
        if (!st.reading) {
            st.reading = true;
            st.read_done = false;
            state* self = &st;
            st.ws.async_read(st.buffer, [self](beast::error_code e, std::size_t) {
                self->read_ec = e;
                self->read_done = true;
            });
        }
        st.run_until(st.read_done, std::chrono::steady_clock::now() + timeout);
        if (!st.read_done) {
            return fail(errc::timeout, "no WebSocket message from " + st.endpoint + " within " +
                                           std::to_string(timeout.count()) + " ms");
        }
        st.reading = false;
        const beast::error_code ec = st.read_ec;
        if (!ec) {
            std::string text = beast::buffers_to_string(st.buffer.data());
            st.buffer.consume(st.buffer.size());
            return std::optional<std::string>(std::move(text));
        }
        st.open = false;
        beast::error_code ignored;
        beast::get_lowest_layer(st.ws).socket().close(ignored);
        if (ec == websocket::error::closed) {
            const auto code = st.ws.reason().code;
            if (code == websocket::close_code::normal || code == websocket::close_code::none ||
                code == websocket::close_code::going_away) {
                return std::optional<std::string>();
            }
            std::string message = "the WebSocket connection to " + st.endpoint +
                                  " was closed with code " + std::to_string(code);
            if (!st.ws.reason().reason.empty()) {
                message += " (" + std::string(st.ws.reason().reason.c_str()) + ")";
            }
            return fail(errc::transport_error, std::move(message));
        }
        return fail(errc::transport_error, "the WebSocket connection to " + st.endpoint +
                                               " closed unexpectedly (" + ec.message() + ")");
    }

    /// Closes the connection: a close frame (code 1000) when no read is pending, waiting at most
    /// one second for the server's answer; otherwise the socket is just closed. Idempotent.
    void close() noexcept {
        if (!state_) return;
        namespace beast = boost::beast;
        namespace websocket = boost::beast::websocket;
        state& st = *state_;
        try {
            auto& tcp_layer = beast::get_lowest_layer(st.ws);
            if (st.open && !st.reading) {
                bool done = false;
                tcp_layer.expires_after(std::min<std::chrono::milliseconds>(
                    st.options.read_timeout, std::chrono::milliseconds(1000)));
                st.ws.async_close(websocket::close_code::normal,
                                  [&done](beast::error_code) { done = true; });
                st.run(done);
            }
            st.open = false;
            beast::error_code ignored;
            tcp_layer.socket().close(ignored);
            if (st.reading) {
                st.ioc.restart();
                st.ioc.run();  // completes the aborted read
                st.reading = false;
            }
        } catch (...) {
        }
        st.open = false;
    }

    /// True until the connection was closed (by either side) or failed.
    bool is_open() const noexcept { return state_ && state_->open; }

  private:
    struct state {
        boost::asio::io_context ioc;
        boost::beast::websocket::stream<boost::beast::tcp_stream> ws{ioc};
        boost::beast::flat_buffer buffer;
        std::string endpoint;
        websocket_options options;
        bool open = false;
        bool reading = false;
        bool read_done = false;
        boost::beast::error_code read_ec;

        /// Runs the io_context until `done` (the operation's completion handler sets it).
        void run(const bool& done) {
            ioc.restart();
            while (!done && ioc.run_one() > 0) {
            }
        }
        void run_until(const bool& done, std::chrono::steady_clock::time_point deadline) {
            ioc.restart();
            while (!done && ioc.run_one_until(deadline) > 0) {
            }
        }
    };

    explicit websocket_client(std::unique_ptr<state> st) : state_(std::move(st)) {}

    std::unique_ptr<state> state_;
};

/// The WebSocketConnector over Boost.Beast: `websocket_client`s to one server.
class beast_websocket {
  public:
    using websocket_concept = websocket_tag;

    beast_websocket() = default;
    explicit beast_websocket(websocket_options options) : options_(std::move(options)) {}

    /// Connects to `target` of the server (see websocket_client::connect).
    [[nodiscard]] expected<websocket_client> connect(std::string_view target) const {
        return websocket_client::connect(options_, target);
    }

    const websocket_options& options() const noexcept { return options_; }

  private:
    websocket_options options_;
};

static_assert(check_websocket_connector<beast_websocket>());

}  // namespace synapse
