// A pipeline named at run time: its name and its actions in order, each a C++ action of the
// plugin that runs the pipeline or a Python synapse-sdk action (`module.Class`).
//
//     auto p = synapse::plugin_pipeline(config, {"download", "convert", "train", "evaluate"});
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/pipeline/models.hpp"
#include "synapse/pipeline/run_spec.hpp"
#include "synapse/plugin/entrypoint.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse {

struct pipeline_definition {
    std::string name = "pipeline";
    std::optional<std::string> description{};
    std::vector<pipeline_step> actions{};

    /// The service's pipeline body: each action as `{name, entrypoint}`.
    [[nodiscard]] pipeline_service::pipeline_create to_create() const {
        pipeline_service::pipeline_create c;
        c.name = name;
        c.description = description;
        for (const auto& a : actions)
            c.actions.push_back({.name = a.name, .entrypoint = a.entrypoint});
        return c;
    }
};

/// A step for a Python synapse-sdk action given as `module.Class` (or `module:Class`): named by
/// its class, as synapse-sdk names an action given by its entrypoint string.
[[nodiscard]] inline pipeline_step python_step(std::string_view entrypoint) {
    std::string ep = normalize_entrypoint(std::string(entrypoint));
    const auto dot = ep.rfind('.');
    return {.name = dot == std::string::npos ? ep : ep.substr(dot + 1),
            .entrypoint = ep,
            .runtime = step_runtime::python};
}

/// The steps of a plugin directory's pipeline: each entry of `actions` is an action of its
/// config.yaml (a C++ action for `runtime: cpp`, a Python one otherwise), or a Python
/// `module.Class` (anything with a dot that is not one of its actions). Errors: unknown_action
/// listing the plugin's actions, config_invalid for a Python action without an entrypoint,
/// invalid_argument for an empty list.
[[nodiscard]] inline expected<pipeline_definition> plugin_pipeline(
    const plugin_config& config, const std::vector<std::string>& actions, std::string name = {}) {
    if (actions.empty())
        return fail(errc::invalid_argument, "a pipeline needs at least one action");
    pipeline_definition d;
    d.name = std::move(name);
    if (d.name.empty()) {  // "regression: download | convert", as synapse-sdk's ActionPipeline
        d.name = config.code + ":";
        for (std::size_t i = 0; i < actions.size(); ++i) d.name += (i ? " | " : " ") + actions[i];
    }
    for (const auto& a : actions) {
        if (!config.find_action(a) && a.find('.') != std::string::npos) {
            d.actions.push_back(python_step(a));
            continue;
        }
        auto ep = plugin_entrypoint(config, a);
        if (!ep) return fail(std::move(ep).error());
        d.actions.push_back(
            {.name = a,
             .entrypoint = std::move(*ep),
             .runtime = config.runtime == "cpp" ? step_runtime::cpp : step_runtime::python});
    }
    return d;
}

}  // namespace synapse
