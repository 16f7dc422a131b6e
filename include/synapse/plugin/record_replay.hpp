// Replays a record another process reported (a json_lines_logger line, as parsed JSON: the
// events of a worker, a Serve replica or a Python host) to any Logger, as if the action had
// reported it here. The record's own time is kept when it reads as json_lines_logger writes it
// (UTC, milliseconds), else the time it arrived.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "synapse/core/json.hpp"
#include "synapse/plugin/log_events.hpp"

namespace synapse {

namespace detail {

/// "2026-12-02T09:25:42.123Z" as a time point; nullopt for anything else.
inline std::optional<std::chrono::system_clock::time_point> read_utc_timestamp(std::string_view s) {
    int y, mo, d, h, mi, sec, ms;
    char z = 0;
    if (s.size() != 24 ||
        std::sscanf(std::string(s).c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi,
                    &sec, &ms, &z) != 8 ||
        z != 'Z')
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(mo),
                                           std::chrono::day(d)};
    if (!date.ok()) return std::nullopt;
    return std::chrono::sys_days(date) + std::chrono::hours(h) + std::chrono::minutes(mi) +
           std::chrono::seconds(sec) + std::chrono::milliseconds(ms);
}

inline std::string text_field(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline double number_field(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

inline log_level level_named(std::string_view name) {
    for (auto l : {log_level::debug, log_level::info, log_level::success, log_level::warning,
                   log_level::danger, log_level::error, log_level::critical})
        if (to_string(l) == name) return l;
    return log_level::info;
}

}  // namespace detail

/// Sends `record` ({"type": "log"|"progress"|"metrics", ...}) to `logger`; false when it is not
/// a record (nothing is sent).
template <Logger L>
bool replay_record(const json& record, L& logger) {
    if (!record.is_object()) return false;
    const std::string type = detail::text_field(record, "type");
    const auto time = detail::read_utc_timestamp(detail::text_field(record, "time"))
                          .value_or(std::chrono::system_clock::now());
    const std::string step = detail::text_field(record, "step");
    if (type == "log") {
        auto data = record.find("data");
        const json empty = json::object();
        logger.on_log({detail::level_named(detail::text_field(record, "level")),
                       detail::text_field(record, "event"), data != record.end() ? *data : empty,
                       time});
        return true;
    }
    if (type == "progress") {
        auto count = [&](const char* key) {
            auto it = record.find(key);
            return it != record.end() && it->is_number_integer() ? it->get<std::int64_t>()
                                                                 : std::int64_t{0};
        };
        std::optional<double> eta;
        if (auto it = record.find("eta"); it != record.end() && it->is_number())
            eta = it->get<double>();
        logger.on_progress({step, count("current"), count("total"),
                            detail::number_field(record, "percent"),
                            detail::number_field(record, "elapsed"), eta, time});
        return true;
    }
    if (type == "metrics") {
        auto values = record.find("values");
        const json empty = json::object();
        logger.on_metrics({step, values != record.end() ? *values : empty, time});
        return true;
    }
    return false;
}

}  // namespace synapse
