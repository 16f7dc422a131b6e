// The request bodies of the pipeline service (reference §2.2), reflected so that validation
// names every failing field with its JSON path, and the enums of §2.1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <synapse/core/reflect.hpp>

#include "util.hpp"

namespace synapse_service {

enum class run_status { pending, running, completed, failed, cancelled };
enum class action_status { pending, running, completed, failed, skipped };
enum class log_level { debug, info, warning, error };

inline bool is_terminal(std::string_view status) {
    return status == "completed" || status == "failed" || status == "cancelled";
}

namespace rules {

/// A `synapse::json` field that must hold an object.
struct object_t {
    std::optional<std::string> check(const json& v) const {
        if (v.is_object()) return std::nullopt;
        return "expected object, got " + std::string(synapse::json_type_name(v));
    }
    void describe(json& s) const { s["type"] = "object"; }
};
inline constexpr object_t object{};

/// An ISO-8601 date-time string.
struct timestamp_t {
    std::optional<std::string> check(const std::string& v) const {
        if (parse_timestamp(v)) return std::nullopt;
        return "expected an ISO-8601 date-time, got \"" + v + "\"";
    }
    void describe(json& s) const { s["format"] = "date-time"; }
};
inline constexpr timestamp_t timestamp{};

/// A string of 1 to `max` characters.
struct length_t {
    std::size_t max;
    std::optional<std::string> check(const std::string& v) const {
        if (!v.empty() && v.size() <= max) return std::nullopt;
        return "must have 1 to " + std::to_string(max) + " characters, got " +
               std::to_string(v.size());
    }
    void describe(json& s) const {
        s["minLength"] = 1;
        s["maxLength"] = max;
    }
};

}  // namespace rules

struct action_definition {
    std::string name;
    std::string entrypoint;
    std::optional<std::string> description;
};

struct pipeline_create {
    std::string name;
    std::optional<std::string> description;
    std::vector<action_definition> actions;
    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&pipeline_create::name, rules::length_t{255}),
            synapse::rule(&pipeline_create::actions, synapse::rules::defaulted));
    }
};

struct pipeline_update {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::vector<action_definition>> actions;
    static auto constraints() {
        return synapse::constraints(synapse::rule(&pipeline_update::name, rules::length_t{255}));
    }
};

struct run_create {
    std::optional<json> params;
    std::optional<std::string> work_dir;
    static auto constraints() {
        return synapse::constraints(synapse::rule(&run_create::params, rules::object));
    }
};

struct action_progress_entry {
    std::string name;
    action_status status = action_status::pending;
    double progress = 0.0;
    std::optional<std::string> progress_step;
    std::optional<std::string> message;
    json metrics = json::object();
    std::optional<std::string> started_at;
    std::optional<std::string> completed_at;
    std::optional<std::string> error;
    /// Older synapse-sdk pipeline actors send the step as `progress_category`: read as
    /// progress_step when that is absent, never written back.
    std::optional<std::string> progress_category;
    static auto constraints() {
        using synapse::rules::defaulted;
        return synapse::constraints(
            synapse::rule(&action_progress_entry::status, defaulted),
            synapse::rule(&action_progress_entry::progress, defaulted,
                          synapse::rules::in_range(0.0, 1.0)),
            synapse::rule(&action_progress_entry::metrics, defaulted, rules::object),
            synapse::rule(&action_progress_entry::started_at, rules::timestamp),
            synapse::rule(&action_progress_entry::completed_at, rules::timestamp));
    }
};

struct progress_update {
    std::optional<std::string> current_action;
    std::optional<std::int64_t> current_action_index;
    std::optional<action_progress_entry> action_progress;
    std::optional<run_status> status;
    std::optional<std::string> error;
};

struct run_update {
    std::optional<run_status> status;
    std::optional<std::string> current_action;
    std::optional<std::int64_t> current_action_index;
    std::optional<std::vector<action_progress_entry>> progress;
    std::optional<json> result;
    std::optional<std::string> error;
    std::optional<std::string> started_at;
    std::optional<std::string> completed_at;
    static auto constraints() {
        return synapse::constraints(synapse::rule(&run_update::result, rules::object),
                                    synapse::rule(&run_update::started_at, rules::timestamp),
                                    synapse::rule(&run_update::completed_at, rules::timestamp));
    }
};

struct checkpoint_create {
    std::string action_name;
    std::int64_t action_index = 0;
    action_status status = action_status::completed;
    std::optional<json> params_snapshot;
    std::optional<json> result;
    std::optional<std::string> artifacts_path;
    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&checkpoint_create::status, synapse::rules::defaulted),
            synapse::rule(&checkpoint_create::params_snapshot, rules::object),
            synapse::rule(&checkpoint_create::result, rules::object));
    }
};

struct log_entry_create {
    std::optional<std::string> action_name;
    log_level level = log_level::info;
    std::string message;
    std::optional<std::string> timestamp;
    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&log_entry_create::level, synapse::rules::defaulted),
            synapse::rule(&log_entry_create::timestamp, rules::timestamp));
    }
};

struct log_batch {
    std::vector<log_entry_create> entries;
};

/// Normalises a validated timestamp to naive UTC with microseconds.
inline std::optional<std::string> normalized(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    auto micros = parse_timestamp(*text);
    return micros ? format_timestamp(*micros) : *text;
}

}  // namespace synapse_service

SYNAPSE_REFLECT_ENUM(synapse_service::run_status, pending, running, completed, failed, cancelled)
SYNAPSE_REFLECT_ENUM(synapse_service::action_status, pending, running, completed, failed, skipped)
SYNAPSE_REFLECT_ENUM(synapse_service::log_level, debug, info, warning, error)
SYNAPSE_REFLECT(synapse_service::action_definition, name, entrypoint, description)
SYNAPSE_REFLECT(synapse_service::pipeline_create, name, description, actions)
SYNAPSE_REFLECT(synapse_service::pipeline_update, name, description, actions)
SYNAPSE_REFLECT(synapse_service::run_create, params, work_dir)
SYNAPSE_REFLECT(synapse_service::action_progress_entry, name, status, progress, progress_step,
                message, metrics, started_at, completed_at, error, progress_category)
SYNAPSE_REFLECT(synapse_service::progress_update, current_action, current_action_index,
                action_progress, status, error)
SYNAPSE_REFLECT(synapse_service::run_update, status, current_action, current_action_index, progress,
                result, error, started_at, completed_at)
SYNAPSE_REFLECT(synapse_service::checkpoint_create, action_name, action_index, status,
                params_snapshot, result, artifacts_path)
SYNAPSE_REFLECT(synapse_service::log_entry_create, action_name, level, message, timestamp)
SYNAPSE_REFLECT(synapse_service::log_batch, entries)

namespace synapse_service {

/// An action's progress entry as stored and answered (dev-api's ActionProgress fields).
inline json progress_entry_json(action_progress_entry entry) {
    if (!entry.progress_step) entry.progress_step = entry.progress_category;
    json j = synapse::to_json(entry);
    j.erase("progress_category");
    return j;
}

}  // namespace synapse_service
