// The pipeline service's JSON models (synapse-sdk's "dev-api", ../docs/synapse-sdk-reference.md
// §2.1–2.2), reflected so that `synapse::from_json` / `synapse::to_json` read and write exactly
// the service's wire JSON:
//
//     auto p = synapse::from_json<synapse::pipeline_service::pipeline_progress>(j);
//     double done = p->overall_progress();  // mean of the actions' progress, 0..1
//
// Field names are the wire keys. Timestamps stay strings as the service sends them (naive UTC
// ISO-8601, "2026-11-22T01:40:43.915228"; synapse-sdk 2026.2 also posts "+00:00" offsets), so
// nothing is lost in a round trip. Reading is lenient where the service is (absent optional
// fields, absent defaults) and strict on types and enum strings, naming each failing field.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/json.hpp"
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

/// One action of a pipeline definition.
struct action_definition {
    std::string name{};
    std::string entrypoint{};  ///< "module.Class"
    std::optional<std::string> description{};
};

/// The body of POST /pipelines/.
struct pipeline_create {
    std::string name{};  ///< 1 to 255 characters
    std::optional<std::string> description{};
    std::vector<action_definition> actions{};

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&pipeline_create::name, non_empty),
                                    synapse::rule(&pipeline_create::actions, defaulted));
    }
};

/// The body of PUT /pipelines/{id}: only the fields that are set are sent.
struct pipeline_update {
    std::optional<std::string> name{};
    std::optional<std::string> description{};
    std::optional<std::vector<action_definition>> actions{};
};

/// A pipeline as the service returns it.
struct pipeline {
    std::string name{};
    std::optional<std::string> description{};
    std::vector<action_definition> actions{};
    std::string id{};  ///< a UUID4
    std::string created_at{};
    std::string updated_at{};

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&pipeline::actions, defaulted));
    }
};

/// Progress of one action of a run. `progress` is a fraction, 0.0 to 1.0 (the service answers
/// 422 otherwise; this struct's validation says so first). `progress_step` is the step within
/// the action (synapse-sdk 2026.2 and dev-api; older copies called it `progress_category`, which
/// the service client reads as `progress_step` when it is the only one present).
struct action_progress {
    std::string name{};
    action_status status = action_status::pending;
    double progress = 0.0;
    std::optional<std::string> progress_step{};
    std::optional<std::string> message{};
    json metrics = json::object();
    std::optional<std::string> started_at{};
    std::optional<std::string> completed_at{};
    std::optional<std::string> error{};

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule(&action_progress::status, defaulted),
            synapse::rule(&action_progress::progress, defaulted, in_range(0.0, 1.0)),
            synapse::rule(&action_progress::metrics, defaulted));
    }
};

/// Where a run stands: GET /runs/{id}/progress and each SSE event of the progress stream
/// (the stream adds `pipeline_id`, the GET has none). `progress` is the wire key of the
/// per-action list, null before a run has one.
struct pipeline_progress {
    std::string run_id{};
    std::optional<std::string> pipeline_id{};
    run_status status = run_status::pending;
    std::optional<std::string> current_action{};
    int current_action_index = 0;
    std::optional<std::vector<action_progress>> progress{};
    std::optional<std::string> error{};
    std::optional<std::string> started_at{};
    std::optional<std::string> completed_at{};

    /// The per-action entries (empty when the service sent null).
    const std::vector<action_progress>& actions() const noexcept {
        static const std::vector<action_progress> none;
        return progress ? *progress : none;
    }
    /// The mean of the actions' progress, 0.0 to 1.0 (0.0 without actions), as synapse-sdk's
    /// `PipelineProgress.overall_progress`.
    double overall_progress() const noexcept {
        const auto& a = actions();
        if (a.empty()) return 0.0;
        double sum = 0.0;
        for (const auto& entry : a) sum += entry.progress;
        return sum / static_cast<double>(a.size());
    }
    /// How many actions have completed (skipped ones do not count, as in synapse-sdk).
    std::size_t completed_actions() const noexcept {
        std::size_t n = 0;
        for (const auto& entry : actions()) n += entry.status == action_status::completed;
        return n;
    }
    std::size_t total_actions() const noexcept { return actions().size(); }
    bool is_terminal() const noexcept { return pipeline_service::is_terminal(status); }

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule(&pipeline_progress::status, defaulted),
            synapse::rule(&pipeline_progress::current_action_index, defaulted));
    }
};

/// The body of POST /pipelines/{id}/runs/.
struct run_create {
    std::optional<json> params{};  ///< a JSON object
    std::optional<std::string> work_dir{};
};

/// The body of PATCH /runs/{id}: only the fields that are set are sent, and the service
/// applies them verbatim (dev-api stamps no timestamp on a PATCH).
struct run_update {
    std::optional<run_status> status{};
    std::optional<std::string> current_action{};
    std::optional<int> current_action_index{};
    std::optional<std::vector<action_progress>> progress{};
    std::optional<json> result{};  ///< a JSON object
    std::optional<std::string> error{};
    std::optional<std::string> started_at{};
    std::optional<std::string> completed_at{};
};

/// A run as the service returns it.
struct run {
    std::string id{};
    std::string pipeline_id{};
    run_status status = run_status::pending;
    std::optional<json> params{};
    std::optional<std::string> current_action{};
    int current_action_index = 0;
    std::optional<std::vector<action_progress>> progress{};
    std::optional<json> result{};
    std::optional<std::string> error{};
    std::optional<std::string> work_dir{};
    std::optional<std::string> started_at{};
    std::optional<std::string> completed_at{};
    std::string created_at{};

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&run::current_action_index, defaulted));
    }
};

/// The body of POST /runs/{id}/progress: only the fields that are set are sent. Setting
/// `status` to running stamps `started_at` (once); a terminal status stamps `completed_at`.
/// `action_progress` replaces the entry at `current_action_index` (or the run's stored index).
struct progress_update {
    std::optional<std::string> current_action{};
    std::optional<int> current_action_index{};
    std::optional<pipeline_service::action_progress> action_progress{};
    std::optional<run_status> status{};
    std::optional<std::string> error{};
};

/// The body of POST /runs/{id}/checkpoints/.
struct checkpoint_create {
    std::string action_name{};
    int action_index = 0;
    action_status status = action_status::completed;
    std::optional<json> params_snapshot{};  ///< a JSON object: the accumulated params
    std::optional<json> result{};           ///< a JSON object
    std::optional<std::string> artifacts_path{};

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&checkpoint_create::status, defaulted));
    }
};

/// A checkpoint as the service returns it.
struct checkpoint {
    std::string id{};
    std::string run_id{};
    std::string action_name{};
    int action_index = 0;
    action_status status = action_status::completed;
    std::optional<json> params_snapshot{};
    std::optional<json> result{};
    std::optional<std::string> artifacts_path{};
    std::string created_at{};
};

/// One entry of the body of POST /runs/{id}/logs/ (sent as `{"entries": [...]}`). Without a
/// timestamp the service stamps the time it received the entry.
struct log_entry_create {
    std::optional<std::string> action_name{};
    log_level level = log_level::info;
    std::string message{};
    std::optional<std::string> timestamp{};

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule(&log_entry_create::level, defaulted));
    }
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

/// GET /health: `{"status": "healthy", "service": "Synapse Pipeline Service"}`.
struct health {
    std::string status{};
    std::string service{};
};

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT_ENUM(synapse::pipeline_service::run_status, pending, running, completed, failed,
                     cancelled)
SYNAPSE_REFLECT_ENUM(synapse::pipeline_service::action_status, pending, running, completed, failed,
                     skipped)
SYNAPSE_REFLECT_ENUM(synapse::pipeline_service::log_level, debug, info, warning, error)

SYNAPSE_REFLECT(synapse::pipeline_service::action_definition, name, entrypoint, description)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline_create, name, description, actions)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline_update, name, description, actions)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline, name, description, actions, id, created_at,
                updated_at)
SYNAPSE_REFLECT(synapse::pipeline_service::action_progress, name, status, progress, progress_step,
                message, metrics, started_at, completed_at, error)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline_progress, run_id, pipeline_id, status,
                current_action, current_action_index, progress, error, started_at, completed_at)
SYNAPSE_REFLECT(synapse::pipeline_service::run_create, params, work_dir)
SYNAPSE_REFLECT(synapse::pipeline_service::run_update, status, current_action, current_action_index,
                progress, result, error, started_at, completed_at)
SYNAPSE_REFLECT(synapse::pipeline_service::run, id, pipeline_id, status, params, current_action,
                current_action_index, progress, result, error, work_dir, started_at, completed_at,
                created_at)
SYNAPSE_REFLECT(synapse::pipeline_service::progress_update, current_action, current_action_index,
                action_progress, status, error)
SYNAPSE_REFLECT(synapse::pipeline_service::checkpoint_create, action_name, action_index, status,
                params_snapshot, result, artifacts_path)
SYNAPSE_REFLECT(synapse::pipeline_service::checkpoint, id, run_id, action_name, action_index,
                status, params_snapshot, result, artifacts_path, created_at)
SYNAPSE_REFLECT(synapse::pipeline_service::log_entry_create, action_name, level, message, timestamp)
SYNAPSE_REFLECT(synapse::pipeline_service::log_entry, id, run_id, action_name, level, message,
                timestamp)
SYNAPSE_REFLECT(synapse::pipeline_service::health, status, service)

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

/// Writes a request body: like `to_json`, but top-level fields that are not set are left out
/// (dev-api applies a PATCH's fields "as given", so a null would clear a field).
template <Reflectable T>
json to_request_json(const T& value) {
    json j = to_json(value);
    for (auto it = j.begin(); it != j.end();) {
        if (it->is_null())
            it = j.erase(it);
        else
            ++it;
    }
    return j;
}

}  // namespace synapse::pipeline_service
