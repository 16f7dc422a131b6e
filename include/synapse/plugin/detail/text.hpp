// Small text helpers shared by the loggers: Python-style repr of JSON values (the console
// logger prints data as synapse-sdk does) and UTC timestamps.
#pragma once

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include "synapse/core/json.hpp"

namespace synapse::detail {

/// Python's repr of a float: shortest round-trip digits, "1.0" for whole numbers.
inline std::string python_float(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    std::string s(buf, ec == std::errc{} ? end : buf);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
}

/// Python's repr of the value JSON would decode to: {'a': 1, 'b': [True, None]}.
inline void python_repr(const json& j, std::string& out) {
    switch (j.type()) {
        case json::value_t::null: out += "None"; return;
        case json::value_t::boolean: out += j.get<bool>() ? "True" : "False"; return;
        case json::value_t::number_integer: out += std::to_string(j.get<std::int64_t>()); return;
        case json::value_t::number_unsigned: out += std::to_string(j.get<std::uint64_t>()); return;
        case json::value_t::number_float: out += python_float(j.get<double>()); return;
        case json::value_t::string: {
            const auto& s = j.get_ref<const std::string&>();
            out += '\'';
            for (char c : s) {
                if (c == '\'' || c == '\\') out += '\\';
                if (c == '\n') {
                    out += "\\n";
                    continue;
                }
                out += c;
            }
            out += '\'';
            return;
        }
        case json::value_t::array: {
            out += '[';
            bool first = true;
            for (const auto& item : j) {
                if (!first) out += ", ";
                first = false;
                python_repr(item, out);
            }
            out += ']';
            return;
        }
        case json::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out += ", ";
                first = false;
                python_repr(json(it.key()), out);
                out += ": ";
                python_repr(it.value(), out);
            }
            out += '}';
            return;
        }
        default: out += dump(j); return;
    }
}

inline std::string python_repr(const json& j) {
    std::string out;
    python_repr(j, out);
    return out;
}

/// "2026-11-21T22:33:21.123Z"
inline std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - secs).count();
    std::time_t tt = std::chrono::system_clock::to_time_t(secs);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms));
    return buf;
}

}  // namespace synapse::detail
