// The pipeline service's enums (../docs/synapse-sdk-reference.md §2.1): run and action statuses
// and log levels, reflected as the service's lowercase strings.
#pragma once

#include <string_view>

#include "synapse/core/enum.hpp"
#include "synapse/core/reflect.hpp"

namespace synapse::pipeline_service {

/// A pipeline run's status. Terminal: completed, failed, cancelled.
enum class run_status { pending, running, completed, failed, cancelled };

/// One action's status within a run.
enum class action_status { pending, running, completed, failed, skipped };

/// The service's log levels (synapse-sdk's success/danger/critical are refused with 422).
enum class log_level { debug, info, warning, error };

constexpr bool is_terminal(run_status s) noexcept {
    return s == run_status::completed || s == run_status::failed || s == run_status::cancelled;
}

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT_ENUM(synapse::pipeline_service::run_status, pending, running, completed, failed,
                     cancelled)
SYNAPSE_REFLECT_ENUM(synapse::pipeline_service::action_status, pending, running, completed, failed,
                     skipped)
SYNAPSE_REFLECT_ENUM(synapse::pipeline_service::log_level, debug, info, warning, error)

namespace synapse::pipeline_service {

/// The wire name of a status or level, e.g. "cancelled".
constexpr std::string_view to_string(run_status s) noexcept {
    return enum_name(s);
}
constexpr std::string_view to_string(action_status s) noexcept {
    return enum_name(s);
}
constexpr std::string_view to_string(log_level l) noexcept {
    return enum_name(l);
}

}  // namespace synapse::pipeline_service
