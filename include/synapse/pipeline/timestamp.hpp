// The pipeline service's timestamps: ISO-8601 text, as dev-api reads and writes it.
//
//     auto micros = synapse::pipeline_service::parse_timestamp("2026-11-22T01:40:43+02:00");
//     synapse::pipeline_service::format_timestamp(*micros);  // "2026-11-21T23:40:43.000000"
//
// dev-api writes naive UTC with microseconds ("2026-11-22T01:40:43.915228"); it reads what
// Pydantic reads: a date, optionally a time (seconds and a fraction optional), optionally "Z" or
// a "+HH:MM" / "-HH:MM" offset. A time with an offset is converted to UTC; a naive time is UTC.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace synapse::pipeline_service {

namespace detail {

// Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

constexpr void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

/// Reads `n` decimal digits of `s` at `pos` into `out`; false when they are not all there.
constexpr bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

}  // namespace detail

/// Naive UTC ISO-8601 with microseconds, as dev-api writes it: "2026-11-22T01:02:03.456789".
inline std::string format_timestamp(std::int64_t micros_since_epoch) {
    std::int64_t secs = micros_since_epoch / 1000000, frac = micros_since_epoch % 1000000;
    if (frac < 0) {
        frac += 1000000;
        --secs;
    }
    std::int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    detail::civil_from_days(days, y, m, d);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lld",
                  static_cast<long long>(y), m, d, static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60),
                  static_cast<long long>(frac));
    return buf;
}

/// Microseconds since the Unix epoch (UTC) of "YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM|-HH:MM]"
/// (a space or a lowercase t may replace the T; digits of the fraction beyond six are dropped);
/// nullopt when `text` is not such a timestamp.
inline std::optional<std::int64_t> parse_timestamp(std::string_view s) noexcept {
    using detail::read_digits;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (s.size() < 10 || !read_digits(s, 0, 4, year) || s[4] != '-' ||
        !read_digits(s, 5, 2, month) || s[7] != '-' || !read_digits(s, 8, 2, day))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
    std::size_t pos = 10;
    std::int64_t micros = 0;
    if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
        if (!read_digits(s, pos + 1, 2, hour) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !read_digits(s, pos + 4, 2, minute))
            return std::nullopt;
        pos += 6;
        if (pos < s.size() && s[pos] == ':') {
            if (!read_digits(s, pos + 1, 2, second)) return std::nullopt;
            pos += 3;
            if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
                ++pos;
                std::size_t n = 0;
                std::int64_t scale = 100000;
                while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                    if (n < 6) {
                        micros += (s[pos] - '0') * scale;
                        scale /= 10;
                    }
                    ++pos;
                    ++n;
                }
                if (n == 0) return std::nullopt;
            }
        }
        if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    }
    std::int64_t offset_seconds = 0;
    if (pos < s.size()) {
        if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
            pos = s.size();
        } else if (s[pos] == '+' || s[pos] == '-') {
            int oh = 0, om = 0;
            if (!read_digits(s, pos + 1, 2, oh)) return std::nullopt;
            std::size_t p = pos + 3;
            if (p < s.size() && s[p] == ':') ++p;
            if (p < s.size() && !read_digits(s, p, 2, om)) return std::nullopt;
            if (p < s.size()) p += 2;
            if (p != s.size() || oh > 23 || om > 59) return std::nullopt;
            offset_seconds = (s[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
            pos = s.size();
        } else {
            return std::nullopt;
        }
    }
    const std::int64_t days =
        detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
    return secs * 1000000 + micros;
}

/// `text` as dev-api stores it (naive UTC with microseconds), or nullopt when it is not a
/// timestamp: "2026-01-02T03:04:05Z" -> "2026-01-02T03:04:05.000000".
inline std::optional<std::string> normalize_timestamp(std::string_view text) {
    auto micros = parse_timestamp(text);
    if (!micros) return std::nullopt;
    return format_timestamp(*micros);
}

namespace detail {

/// Now, as the service writes timestamps (naive UTC with microseconds).
inline std::string now_timestamp() {
    return format_timestamp(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
}

}  // namespace detail

}  // namespace synapse::pipeline_service
