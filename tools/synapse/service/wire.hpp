// The service's wire types are the library's pipeline models (<synapse/pipeline/models.hpp>:
// one definition, with the validation rules, for the client, the runner and the service); this
// header names them in synapse_service and adds what only the service does with them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <synapse/pipeline/models.hpp>
#include <synapse/pipeline/timestamp.hpp>

#include "util.hpp"

namespace synapse_service {

using synapse::dump;
using synapse::pipeline_service::action_definition;
using synapse::pipeline_service::action_progress;
using synapse::pipeline_service::action_status;
using synapse::pipeline_service::checkpoint_create;
using synapse::pipeline_service::log_batch;
using synapse::pipeline_service::log_entry_create;
using synapse::pipeline_service::log_level;
using synapse::pipeline_service::pipeline_create;
using synapse::pipeline_service::pipeline_update;
using synapse::pipeline_service::progress_update;
using synapse::pipeline_service::run_create;
using synapse::pipeline_service::run_status;
using synapse::pipeline_service::run_update;

/// Whether a stored status string is terminal (completed, failed, cancelled).
inline bool is_terminal(std::string_view status) {
    return status == "completed" || status == "failed" || status == "cancelled";
}

/// A validated timestamp as the service stores it: naive UTC with microseconds.
inline std::optional<std::string> normalized(const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    return synapse::pipeline_service::normalize_timestamp(*text).value_or(*text);
}

}  // namespace synapse_service
