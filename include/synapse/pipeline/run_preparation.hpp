// Before a pipeline runner starts: the pipeline and its run are registered with the service,
// and a resumed run's checkpoint is read back, so the runner is told everything it needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "synapse/core/expected.hpp"
#include "synapse/pipeline/pipeline_check.hpp"
#include "synapse/pipeline/pipeline_definition.hpp"
#include "synapse/pipeline/run_spec.hpp"

namespace synapse {

/// How a pipeline run starts.
struct pipeline_submit_options {
    /// Resume this run: the actions up to its last checkpoint are skipped (reported skipped),
    /// the params start from the checkpoint's snapshot, and params given now override its keys.
    std::optional<std::string> resume_from{};
    /// Check before anything runs that each action's required params are provided (by the
    /// params or an earlier action's result), from the actions' JSON Schemas.
    bool check_params = true;
};

namespace detail {

/// True when the pipeline action `old` (a run's, or a checkpoint's `action_name`) is the step
/// `now`: the same name, the same entrypoint, or its class (synapse-sdk's runner names
/// checkpoints by class, e.g. TrainAction for m.TrainAction).
inline bool same_action(std::string_view old_name, std::string_view old_entrypoint,
                        const pipeline_step& now) {
    const std::string_view cls =
        std::string_view(now.entrypoint)
            .substr(now.entrypoint.rfind('.') == std::string::npos ? 0
                                                                   : now.entrypoint.rfind('.') + 1);
    return old_name == now.name || old_name == cls || old_name == now.entrypoint ||
           (!old_entrypoint.empty() && normalize_entrypoint(std::string(old_entrypoint)) ==
                                           normalize_entrypoint(now.entrypoint));
}

}  // namespace detail

/// Registers `definition` and a run of it with the service behind `client` (a
/// basic_pipeline_service_client) and returns what the runner is told. With `resume_from`: the
/// run resumed must exist (not_found otherwise), have a checkpoint (not_found "has no
/// checkpoint"), and its pipeline's actions up to that checkpoint must be this pipeline's
/// (invalid_argument naming the first difference).
///
/// With `schemas` (one per action, see step_schemas.hpp), the params are checked against them
/// first (check_pipeline; for a resumed run, the actions after the checkpoint, with the params
/// it resumes with), and nothing is registered when a required param is missing.
template <class Client>
[[nodiscard]] expected<pipeline_run_spec> prepare_pipeline_run(
    Client& client, const pipeline_definition& definition, const json& params,
    const pipeline_submit_options& options = {},
    const std::vector<pipeline_step_schema>* schemas = nullptr) {
    if (!params.is_object())
        return fail(errc::invalid_argument, "pipeline params must be a JSON object, got " +
                                                std::string(json_type_name(params)));
    if (definition.actions.empty())
        return fail(errc::invalid_argument, "a pipeline needs at least one action");
    pipeline_run_spec spec;
    spec.actions = definition.actions;
    spec.params = params;
    if (options.resume_from) {
        const std::string& from = *options.resume_from;
        auto old_run = client.get_run(from);
        if (!old_run) return fail(std::move(old_run).error().prefix("resuming run " + from));
        auto old_pipeline = client.get_pipeline(old_run->pipeline_id);
        if (!old_pipeline)
            return fail(std::move(old_pipeline).error().prefix("resuming run " + from));
        auto latest = client.latest_checkpoint(from);
        if (!latest) return fail(std::move(latest).error().prefix("resuming run " + from));
        if (!*latest)
            return fail(errc::not_found, "cannot resume run " + from + ": it has no checkpoint");
        const auto& cp = **latest;
        const auto& old_actions = old_pipeline->actions;
        if (cp.action_index < 0 ||
            cp.action_index >= static_cast<std::int64_t>(definition.actions.size()))
            return fail(errc::invalid_argument,
                        "cannot resume run " + from + ": its checkpoint is at action " +
                            std::to_string(cp.action_index) + ", and this pipeline has " +
                            std::to_string(definition.actions.size()) + " actions");
        for (std::int64_t i = 0; i <= cp.action_index; ++i) {
            const auto& now = definition.actions[static_cast<std::size_t>(i)];
            const bool known = i < static_cast<std::int64_t>(old_actions.size());
            const auto& old_name =
                known ? old_actions[static_cast<std::size_t>(i)].name : cp.action_name;
            const std::string old_ep =
                known ? old_actions[static_cast<std::size_t>(i)].entrypoint : std::string();
            if (!detail::same_action(old_name, old_ep, now) ||
                (i == cp.action_index && !detail::same_action(cp.action_name, {}, now)))
                return fail(errc::invalid_argument,
                            "cannot resume run " + from + ": its action " + std::to_string(i) +
                                " is '" + (i == cp.action_index ? cp.action_name : old_name) +
                                "', this pipeline's is '" + now.name + "' (" + now.entrypoint +
                                ")");
        }
        json merged = cp.params_snapshot && cp.params_snapshot->is_object() ? *cp.params_snapshot
                                                                            : json::object();
        for (auto it = params.begin(); it != params.end(); ++it) merged[it.key()] = *it;
        spec.params = std::move(merged);
        spec.resume_after = cp.action_index;
    }
    if (schemas) {
        std::vector<pipeline_step_schema> to_run(
            schemas->begin() + (spec.resume_after ? *spec.resume_after + 1 : 0), schemas->end());
        if (auto checked = check_pipeline(to_run, spec.params); !checked)
            return fail(std::move(checked).error());
    }
    auto pipeline = client.create_pipeline(definition.to_create());
    if (!pipeline) return fail(std::move(pipeline).error().prefix("registering the pipeline"));
    pipeline_service::run_create rc;
    rc.params = spec.params;
    auto run = client.create_run(pipeline->id, rc);
    if (!run) return fail(std::move(run).error().prefix("registering the run"));
    spec.pipeline_id = pipeline->id;
    spec.run_id = run->id;
    return spec;
}

}  // namespace synapse
