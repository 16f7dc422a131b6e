// Where a pipeline run stands (../docs/synapse-sdk-reference.md §2.2, §2.4): each action's
// progress, the progress state of GET /runs/{id}/progress and of the SSE stream, and the body of
// POST /runs/{id}/progress.
//
//     auto p = synapse::from_json<synapse::pipeline_service::pipeline_progress>(j);
//     double done = p->overall_progress();  // mean of the actions' progress, 0..1
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/core/reflect.hpp"
#include "synapse/pipeline/models/rules.hpp"
#include "synapse/pipeline/models/status.hpp"

namespace synapse::pipeline_service {

/// Progress of one action of a run. `progress` is a fraction, 0.0 to 1.0, `metrics` an object,
/// the timestamps ISO-8601 (the service answers 422 otherwise; validation says so first).
/// `progress_step` is the step within the action (synapse-sdk 2026.2 and dev-api; older copies
/// call it `progress_category`, which `normalize_legacy_fields` reads as `progress_step`).
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
        using synapse::rules::defaulted;
        return synapse::constraints(
            synapse::rule(&action_progress::status, defaulted),
            synapse::rule(&action_progress::progress, defaulted,
                          synapse::rules::in_range(0.0, 1.0)),
            synapse::rule(&action_progress::metrics, defaulted, rules::object),
            synapse::rule(&action_progress::started_at, rules::date_time),
            synapse::rule(&action_progress::completed_at, rules::date_time));
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
    std::int64_t current_action_index = 0;
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
        using synapse::rules::defaulted;
        return synapse::constraints(
            synapse::rule(&pipeline_progress::status, defaulted),
            synapse::rule(&pipeline_progress::current_action_index, defaulted));
    }
};

/// The body of POST /runs/{id}/progress: only the fields that are set are sent. Setting
/// `status` to running stamps `started_at` (once); a terminal status stamps `completed_at`.
/// `action_progress` replaces the entry at `current_action_index` (or the run's stored index).
struct progress_update {
    std::optional<std::string> current_action{};
    std::optional<std::int64_t> current_action_index{};
    std::optional<pipeline_service::action_progress> action_progress{};
    std::optional<run_status> status{};
    std::optional<std::string> error{};
};

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT(synapse::pipeline_service::action_progress, name, status, progress, progress_step,
                message, metrics, started_at, completed_at, error)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline_progress, run_id, pipeline_id, status,
                current_action, current_action_index, progress, error, started_at, completed_at)
SYNAPSE_REFLECT(synapse::pipeline_service::progress_update, current_action, current_action_index,
                action_progress, status, error)
