// Checkpoints of a pipeline run (../docs/synapse-sdk-reference.md §2.2): what a run resumes
// from. The body of POST /runs/{id}/checkpoints/ and the checkpoint the service answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "synapse/core/json.hpp"
#include "synapse/core/reflect.hpp"
#include "synapse/pipeline/models/rules.hpp"
#include "synapse/pipeline/models/status.hpp"

namespace synapse::pipeline_service {

/// The body of POST /runs/{id}/checkpoints/.
struct checkpoint_create {
    std::string action_name{};
    std::int64_t action_index = 0;
    action_status status = action_status::completed;
    std::optional<json> params_snapshot{};  ///< a JSON object: the accumulated params
    std::optional<json> result{};           ///< a JSON object
    std::optional<std::string> artifacts_path{};

    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&checkpoint_create::status, synapse::rules::defaulted),
            synapse::rule(&checkpoint_create::params_snapshot, rules::object),
            synapse::rule(&checkpoint_create::result, rules::object));
    }
};

/// A checkpoint as the service returns it.
struct checkpoint {
    std::string id{};
    std::string run_id{};
    std::string action_name{};
    std::int64_t action_index = 0;
    action_status status = action_status::completed;
    std::optional<json> params_snapshot{};
    std::optional<json> result{};
    std::optional<std::string> artifacts_path{};
    std::string created_at{};
};

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT(synapse::pipeline_service::checkpoint_create, action_name, action_index, status,
                params_snapshot, result, artifacts_path)
SYNAPSE_REFLECT(synapse::pipeline_service::checkpoint, id, run_id, action_name, action_index,
                status, params_snapshot, result, artifacts_path, created_at)
