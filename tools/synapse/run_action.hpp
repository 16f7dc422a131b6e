// The one run path of `synapse plugin run`, whatever the mode: any executor that satisfies
// synapse::ExecutorProtocol runs the action, and the result or the error is printed the same way.
#pragma once

#include <functional>
#include <iostream>
#include <string>
#include <string_view>

#include <synapse/core/json.hpp>
#include <synapse/executors/protocol.hpp>

#include "plugin_commands.hpp"

namespace synapse_cli {

/// Runs `target` (what the executor knows the action of `options` by) on `executor` and prints
/// its result (`--json`: the result JSON alone on stdout). `label` follows the action's name in
/// the human form, e.g. " (job X)".
/// `on_cancelled` answers when the run was cancelled (Ctrl+C): it says what goes on, and gives
/// the exit status.
template <synapse::ExecutorProtocol E>
int run_action(E& executor, std::string_view target, const run_options& options,
               const synapse::json& params, const std::function<std::string()>& label = {},
               const std::function<int(const synapse::error&)>& on_cancelled = {}) {
    auto result = executor.execute(target, params);
    if (!result) {
        if (result.error().code == synapse::errc::cancelled && on_cancelled)
            return on_cancelled(result.error());
        return report(result.error());
    }
    if (options.json_only)
        std::cout << synapse::dump(*result) << std::endl;
    else
        std::cout << "result of " << options.action << (label ? label() : std::string()) << ":\n"
                  << synapse::dump(*result, 2) << std::endl;
    return 0;
}

}  // namespace synapse_cli
