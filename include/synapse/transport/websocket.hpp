// The WebSocket policy: something that opens a WebSocket to a target of a server and reads its
// messages. Clients that follow a stream (Ray's log tail) take any `WebSocketConnector`, so
// tests can script the frames (synapse/testing/scripted_websocket.hpp) and no socket is opened.
// The Boost.Beast implementation is in websocket_client.hpp. This header includes no network
// library.
//
//     struct my_connector {
//         using websocket_concept = synapse::websocket_tag;
//         synapse::expected<my_socket> connect(std::string_view target);
//     };
//     // my_socket: expected<std::optional<std::string>> read(std::chrono::milliseconds);
//     //            void close();
#pragma once

#include <chrono>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "synapse/core/config.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/transport/transport_options.hpp"

namespace synapse {

/// How a WebSocket client connects. Plain data, no I/O.
struct websocket_options {
    /// The server: http://host[:port][/path-prefix] (a WebSocket upgrade of plain HTTP).
    std::string base_url;
    std::chrono::milliseconds connect_timeout{3000};
    /// The handshake's limit, and how long a stream may stay idle before a follower replaces it.
    std::chrono::milliseconds read_timeout{30000};
    /// Sent as `Authorization: Bearer <token>` on the handshake. Never logged or in an error.
    std::optional<std::string> token;
    std::string user_agent = std::string("synapse-cpp/") + SYNAPSE_VERSION_STRING;
    /// The largest message accepted.
    std::size_t max_message_size = 64u * 1024u * 1024u;
};

/// The WebSocket options that go with an HTTP client's options (same server, timeouts, token and
/// User-Agent).
inline websocket_options websocket_options_for(const transport_options& http) {
    websocket_options o;
    o.base_url = http.base_url;
    o.connect_timeout = http.connect_timeout;
    o.read_timeout = http.read_timeout;
    o.token = http.token;
    o.user_agent = http.user_agent;
    return o;
}

/// Declared by WebSocket connectors: `using websocket_concept = synapse::websocket_tag;`
struct websocket_tag {};

/// An open WebSocket, read synchronously:
/// - `read(timeout)`: the next message; std::nullopt when the server closed normally;
///   errc::timeout when nothing arrived in time (the connection stays usable); another error
///   when the connection broke or was closed with an error code;
/// - `close()`: closes it (idempotent, never throws).
template <class S>
concept WebSocketConnection = requires(S& s, std::chrono::milliseconds timeout) {
    { s.read(timeout) } -> std::same_as<expected<std::optional<std::string>>>;
    { s.close() } noexcept;
};

namespace detail {
template <class C>
using websocket_of = typename std::remove_cvref_t<decltype(std::declval<C&>().connect(
    std::string_view{}))>::value_type;
}  // namespace detail

/// Opens WebSockets to targets (path and query) of one server: `connect(target)` returns
/// `expected<S>` for some WebSocketConnection `S`.
template <class C>
concept WebSocketConnector = requires { typename C::websocket_concept; } &&
                             std::derived_from<typename C::websocket_concept, websocket_tag> &&
                             requires(C& c, std::string_view target) {
                                 requires is_expected_v<decltype(c.connect(target))>;
                             } && WebSocketConnection<detail::websocket_of<C>>;

/// States why `C` is not a WebSocketConnector, one sentence per requirement.
template <class C>
constexpr bool check_websocket_connector() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(
        requires { typename C::websocket_concept; },
        "not a WebSocketConnector: declare `using websocket_concept = "
        "synapse::websocket_tag;` in the connector");
    static_assert(
        requires(C& c, std::string_view target) {
            requires is_expected_v<decltype(c.connect(target))>;
        }, "not a WebSocketConnector: needs `expected<Socket> connect(std::string_view target)`");
    if constexpr (requires(C& c, std::string_view target) {
                      requires is_expected_v<decltype(c.connect(target))>;
                  }) {
        static_assert(WebSocketConnection<detail::websocket_of<C>>,
                      "not a WebSocketConnector: the socket `connect` returns needs "
                      "`expected<std::optional<std::string>> read(std::chrono::milliseconds)` and "
                      "`void close() noexcept`");
    }
#endif
    return WebSocketConnector<C>;
}

}  // namespace synapse
