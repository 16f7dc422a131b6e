// A pipeline run's log (../docs/synapse-sdk-reference.md §2.2): the entries of POST
// /runs/{id}/logs/ (sent as `{"entries": [...]}`) and the entries the service answers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synapse/core/reflect.hpp"
#include "synapse/pipeline/models/rules.hpp"
#include "synapse/pipeline/models/status.hpp"

namespace synapse::pipeline_service {

/// One entry to append. Without a timestamp (ISO-8601) the service stamps the time it received
/// the entry.
struct log_entry_create {
    std::optional<std::string> action_name{};
    log_level level = log_level::info;
    std::string message{};
    std::optional<std::string> timestamp{};

    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&log_entry_create::level, synapse::rules::defaulted),
            synapse::rule(&log_entry_create::timestamp, rules::date_time));
    }
};

/// The body of POST /runs/{id}/logs/.
struct log_batch {
    std::vector<log_entry_create> entries{};
};

/// A log entry as the service returns it.
struct log_entry {
    std::string id{};
    std::string run_id{};
    std::optional<std::string> action_name{};
    log_level level = log_level::info;
    std::string message{};
    std::string timestamp{};
};

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT(synapse::pipeline_service::log_entry_create, action_name, level, message, timestamp)
SYNAPSE_REFLECT(synapse::pipeline_service::log_batch, entries)
SYNAPSE_REFLECT(synapse::pipeline_service::log_entry, id, run_id, action_name, level, message,
                timestamp)
