// What a plugin's child process or Ray job is told to run for one of its actions.
#pragma once

#include <string>
#include <string_view>

#include "synapse/core/expected.hpp"
#include "synapse/plugin/plugin.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse {

/// The job protocol's SYNAPSE_ACTION_ENTRYPOINT for `action`: a `module.Class` as synapse-sdk's
/// entrypoint imports it (synapse-sdk accepts `module:Class` in config.yaml; the last `:`
/// becomes a dot).
[[nodiscard]] inline std::string normalize_entrypoint(std::string entrypoint) {
    if (auto colon = entrypoint.rfind(':'); colon != std::string::npos) entrypoint[colon] = '.';
    return entrypoint;
}

/// The entrypoint of `action` of the plugin `config`: the action name (or its `entrypoint`)
/// for a C++ plugin (`runtime: cpp`), the normalized `module.Class` for a Python one. Errors:
/// unknown_action listing the available actions; config_invalid (at config.yaml:line) for a
/// Python action without an entrypoint.
[[nodiscard]] inline expected<std::string> plugin_entrypoint(const plugin_config& config,
                                                             std::string_view action) {
    const action_config* a = config.find_action(action);
    if (!a) return fail(unknown_action_error(action, config.action_names()));
    if (config.runtime == "cpp") return a->entrypoint.empty() ? a->name : a->entrypoint;
    if (a->entrypoint.empty()) {
        error e(errc::config_invalid, "action '" + std::string(action) + "' has no entrypoint");
        e.where = config.file.string() + ":" + std::to_string(a->line);
        return fail(std::move(e));
    }
    return normalize_entrypoint(a->entrypoint);
}

}  // namespace synapse
