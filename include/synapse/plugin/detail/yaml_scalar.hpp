// Internals of config.hpp: a plain YAML scalar's JSON value under the YAML 1.2 core schema
// (booleans, null, decimal/hex/octal integers, floats; everything else stays a string).
#pragma once

#include <cctype>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

#include "synapse/core/json.hpp"

namespace synapse::detail::plugin_config_yaml {

inline bool all_digits(std::string_view s, int base) {
    if (s.empty()) return false;
    for (char c : s) {
        const bool ok = base == 16  ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                        : base == 8 ? c >= '0' && c <= '7'
                                    : c >= '0' && c <= '9';
        if (!ok) return false;
    }
    return true;
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the YAML 1.2 core-schema float.
inline bool is_float_text(std::string_view s) {
    std::size_t i = 0, n = s.size();
    auto digits = [&] {
        std::size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        return i - start;
    };
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t mantissa = digits();
    if (i < n && s[i] == '.') {
        ++i;
        mantissa += digits();
    }
    if (mantissa == 0) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == n;
}

/// A plain (unquoted, untagged) YAML scalar as JSON, per the YAML 1.2 core schema:
/// booleans, null, integers (decimal, 0x, 0o) and floats become typed; the rest stays a string.
inline json resolve_plain_scalar(const std::string& text) {
    std::string_view s = text;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;

    const bool negative = s.front() == '-';
    std::string_view body = (s.front() == '-' || s.front() == '+') ? s.substr(1) : s;
    int base = 10;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o') && !negative &&
        s.front() != '+') {
        base = body[1] == 'x' ? 16 : 8;
        body.remove_prefix(2);
    }
    if (all_digits(body, base)) {
        std::uint64_t magnitude = 0;
        auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), magnitude, base);
        if (ec == std::errc{} && ptr == body.data() + body.size()) {
            constexpr auto max =
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
            if (!negative) {
                if (magnitude <= max) return static_cast<std::int64_t>(magnitude);
                return magnitude;
            }
            if (magnitude <= max) return -static_cast<std::int64_t>(magnitude);
            if (magnitude == max + 1) return std::numeric_limits<std::int64_t>::min();
        }
        if (base != 10) return text;  // out of range: keep the text
        // Out-of-range decimal integers fall through to floating point.
    }
    if (is_float_text(s)) {
        std::string_view digits = s.front() == '+' ? s.substr(1) : s;
        double value = 0;
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec == std::errc{} && ptr == digits.data() + digits.size()) return value;
    }
    return text;
}

}  // namespace synapse::detail::plugin_config_yaml
