// Pipeline runs (../docs/synapse-sdk-reference.md §2.2): the bodies of POST
// /pipelines/{id}/runs/ and PATCH /runs/{id}, and the run the service answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/core/reflect.hpp"
#include "synapse/pipeline/models/progress.hpp"
#include "synapse/pipeline/models/rules.hpp"
#include "synapse/pipeline/models/status.hpp"

namespace synapse::pipeline_service {

/// The body of POST /pipelines/{id}/runs/.
struct run_create {
    std::optional<json> params{};  ///< a JSON object
    std::optional<std::string> work_dir{};

    static auto constraints() {
        return synapse::constraints(synapse::rule(&run_create::params, rules::object));
    }
};

/// The body of PATCH /runs/{id}: only the fields that are set are sent, and dev-api applies
/// them verbatim (`synapse service` also stamps the timestamps of a status the body does not
/// set itself).
struct run_update {
    std::optional<run_status> status{};
    std::optional<std::string> current_action{};
    std::optional<std::int64_t> current_action_index{};
    std::optional<std::vector<action_progress>> progress{};
    std::optional<json> result{};  ///< a JSON object
    std::optional<std::string> error{};
    std::optional<std::string> started_at{};    ///< ISO-8601
    std::optional<std::string> completed_at{};  ///< ISO-8601

    static auto constraints() {
        return synapse::constraints(synapse::rule(&run_update::result, rules::object),
                                    synapse::rule(&run_update::started_at, rules::date_time),
                                    synapse::rule(&run_update::completed_at, rules::date_time));
    }
};

/// A run as the service returns it.
struct run {
    std::string id{};
    std::string pipeline_id{};
    run_status status = run_status::pending;
    std::optional<json> params{};
    std::optional<std::string> current_action{};
    std::int64_t current_action_index = 0;
    std::optional<std::vector<action_progress>> progress{};
    std::optional<json> result{};
    std::optional<std::string> error{};
    std::optional<std::string> work_dir{};
    std::optional<std::string> started_at{};
    std::optional<std::string> completed_at{};
    std::string created_at{};

    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&run::current_action_index, synapse::rules::defaulted));
    }
};

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT(synapse::pipeline_service::run_create, params, work_dir)
SYNAPSE_REFLECT(synapse::pipeline_service::run_update, status, current_action, current_action_index,
                progress, result, error, started_at, completed_at)
SYNAPSE_REFLECT(synapse::pipeline_service::run, id, pipeline_id, status, params, current_action,
                current_action_index, progress, result, error, work_dir, started_at, completed_at,
                created_at)
