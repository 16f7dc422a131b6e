// Base URLs of HTTP servers: `scheme://host[:port][/path-prefix]`, split into their parts, and
// percent-encoding of one path segment or query value.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "synapse/core/expected.hpp"

namespace synapse {

/// The parts of a base URL, as `parse_base_url` understands it.
struct parsed_base_url {
    std::string scheme;       ///< "http" or "https"
    std::string host;         ///< without brackets for IPv6
    int port = 0;             ///< explicit, or 80/443 from the scheme
    std::string path_prefix;  ///< "" or "/prefix" (no trailing slash), put before every target

    /// "host:port", with brackets around an IPv6 host: what errors name.
    std::string endpoint() const {
        const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
        return h + ":" + std::to_string(port);
    }
};

/// Splits `url` into scheme, host, port and path prefix; errc::invalid_argument naming the URL
/// when it is not `http[s]://host[:port][/prefix]`.
[[nodiscard]] inline expected<parsed_base_url> parse_base_url(std::string_view url) {
    auto bad = [&](std::string_view why) {
        return fail(errc::invalid_argument,
                    "invalid base URL \"" + std::string(url) + "\": " + std::string(why));
    };
    parsed_base_url out;
    std::string_view rest;
    if (url.starts_with("http://")) {
        out.scheme = "http";
        out.port = 80;
        rest = url.substr(7);
    } else if (url.starts_with("https://")) {
        out.scheme = "https";
        out.port = 443;
        rest = url.substr(8);
    } else {
        return bad("expected http://host:port or https://host:port");
    }
    if (rest.find_first_of("?# \t\r\n@") != std::string_view::npos) {
        return bad("no query, fragment, credentials or spaces allowed");
    }
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) {
        std::string_view prefix = rest.substr(slash);
        while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
        out.path_prefix = std::string(prefix);
    }
    std::string_view port_text;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return bad("unterminated IPv6 address");
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return bad("unexpected text after the IPv6 address");
            port_text = after.substr(1);
            if (port_text.empty()) return bad("empty port");
        }
    } else {
        const auto colon = authority.find(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = authority.substr(colon + 1);
            if (port_text.empty()) return bad("empty port");
        }
    }
    if (out.host.empty()) return bad("no host");
    if (!port_text.empty()) {
        int port = 0;
        for (char c : port_text) {
            if (c < '0' || c > '9' || port > 65535) return bad("the port is not a number");
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535) return bad("the port is outside 1..65535");
        out.port = port;
    }
    return out;
}

namespace detail {

/// Percent-encodes a URL path segment or query value (RFC 3986 unreserved characters kept).
inline std::string url_segment(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace detail

}  // namespace synapse
