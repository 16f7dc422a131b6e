// The HTTP transport concept: send one request and get its response, or stream a response body
// in chunks. Clients of the Ray dashboard take any `Transport`, so tests can script the server's
// answers (see synapse/testing/scripted_transport.hpp). A transport opts in by declaring
// `using transport_concept = synapse::transport_tag;`. This header does not include any HTTP
// library.
#pragma once

#include <algorithm>
#include <cctype>
#include <concepts>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/detail/text.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/transport/url.hpp"

namespace synapse {

/// One HTTP request, relative to the transport's base URL.
struct http_request {
    std::string method;  ///< "GET", "POST", "PUT", "DELETE", ...
    std::string target;  ///< path and query, e.g. "/api/jobs/" or "/api/v0/nodes?limit=10"
    std::vector<std::pair<std::string, std::string>> headers;  ///< extra headers
    std::string body;
    std::string content_type;  ///< sent as Content-Type when not empty
};

namespace detail {

inline bool http_iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace detail

/// One HTTP response. Any status is a response; turning error statuses into `synapse::error`s
/// is the caller's job (see `check_status` below).
struct http_response {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The value of the first header called `name` (compared case-insensitively), or "".
    std::string header(std::string_view name) const {
        for (const auto& [key, value] : headers) {
            if (detail::http_iequals(key, name)) return value;
        }
        return {};
    }
};

/// Receives one piece of a streamed body; returning false stops the transfer.
using chunk_handler = std::function<bool(std::string_view chunk)>;

/// Declared by transports: `using transport_concept = synapse::transport_tag;`
struct transport_tag {};

/// Something that sends HTTP requests:
/// - `send(request)` returns the whole response, whatever its status;
/// - `stream(request, on_chunk)` hands a success body (status < 400) to `on_chunk` piece by
///   piece and returns the status and headers with an empty body; returning false from
///   `on_chunk` ends the transfer early, which is not an error. For an error status (>= 400) the
///   body is returned in the response instead, so that it can be quoted in the error.
/// Both fail only when no response arrived (connection failure, timeout).
template <class T>
concept Transport = requires { typename T::transport_concept; } &&
                    std::derived_from<typename T::transport_concept, transport_tag> &&
                    requires(T& t, const http_request& request, const chunk_handler& on_chunk) {
                        { t.send(request) } -> std::same_as<expected<http_response>>;
                        { t.stream(request, on_chunk) } -> std::same_as<expected<http_response>>;
                    };

/// States why `T` is not a Transport, one sentence per requirement.
template <class T>
constexpr bool check_transport() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(
        requires { typename T::transport_concept; },
        "not a Transport: declare `using transport_concept = synapse::transport_tag;` in the "
        "transport");
    static_assert(
        requires(T& t, const http_request& request) {
            { t.send(request) } -> std::same_as<expected<http_response>>;
        }, "not a Transport: needs `expected<http_response> send(const http_request& request)`");
    static_assert(
        requires(T& t, const http_request& request, const chunk_handler& on_chunk) {
            { t.stream(request, on_chunk) } -> std::same_as<expected<http_response>>;
        },
        "not a Transport: needs `expected<http_response> stream(const http_request& request, "
        "const std::function<bool(std::string_view chunk)>& on_chunk)`");
#endif
    return Transport<T>;
}

/// True for the methods that may be repeated safely: GET, HEAD, PUT, DELETE, OPTIONS
/// (compared case-insensitively). POST and PATCH are not.
inline bool is_idempotent(std::string_view method) noexcept {
    for (std::string_view m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}) {
        if (detail::http_iequals(method, m)) return true;
    }
    return false;
}

/// The kind of error an HTTP error status means: 401 and 403 are errc::unauthorized, 404 is
/// errc::not_found, 413 is errc::too_large, any other status >= 400 is errc::http_error. The one
/// mapping every client of the library starts from (a client that knows its server better
/// refines it, e.g. FastAPI's 422 as errc::validation_failed).
constexpr errc errc_for_http_status(int status) noexcept {
    switch (status) {
        case 401:
        case 403: return errc::unauthorized;
        case 404: return errc::not_found;
        case 413: return errc::too_large;
        default: return errc::http_error;
    }
}

/// Turns an error status into a `synapse::error`, and passes everything else through: the code
/// from `errc_for_http_status`, a status below 100 → errc::malformed_response. The error has
/// `http_status` set and quotes the server's body (trimmed, at most 500 characters); `what`
/// names the call, e.g. "submitting job". Transport errors pass through unchanged.
[[nodiscard]] inline expected<http_response> check_status(expected<http_response> result,
                                                          std::string_view what) {
    if (!result) return result;
    const int status = result->status;
    if (status >= 100 && status < 400) return result;

    std::string message(what);
    if (!message.empty()) message += ": ";
    if (status < 100) {
        message += "the server's answer has no valid HTTP status (" + std::to_string(status) + ")";
        return fail(errc::malformed_response, std::move(message));
    }
    message += "HTTP " + std::to_string(status);
    const std::string_view body = detail::trim(result->body);
    if (!body.empty()) {
        constexpr std::size_t limit = 500;
        message += ": ";
        message += body.substr(0, limit);
        if (body.size() > limit) message += "...";
    }
    error e{errc_for_http_status(status), std::move(message)};
    e.http_status = status;
    return fail(std::move(e));
}

}  // namespace synapse
