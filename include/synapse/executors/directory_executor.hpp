// directory_executor: runs the actions of a plugin directory (one with a config.yaml) in child
// processes: a C++ plugin's binary (`runtime: cpp`, `binary: ...`) or a Python synapse-sdk
// plugin's `module.Class` entrypoints. The child's environment gets config.yaml's `env` and
// then the explicit `env` of the options (later wins).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/executors/process_executor.hpp"
#include "synapse/plugin/config.hpp"
#include "synapse/plugin/environment.hpp"
#include "synapse/plugin/plugin.hpp"

namespace synapse {

struct directory_options {
    /// The Python interpreter for Python plugins: $SYNAPSE_PYTHON, else python3 from PATH.
    std::string python;
    process_options process;  ///< working_dir defaults to the plugin directory
};

class directory_executor {
  public:
    using executor_concept = sync_executor_tag;

    /// Reads `<dir>/config.yaml` (or a config file path).
    static expected<directory_executor> open(const std::filesystem::path& dir,
                                             directory_options options = {}) {
        auto config = load_plugin_config(dir);
        if (!config) return fail(std::move(config).error());
        return directory_executor(std::move(*config), std::move(options));
    }

    const plugin_config& config() const noexcept { return config_; }
    bool is_cpp() const noexcept { return config_.runtime == "cpp"; }

    /// Runs `action` (a name from config.yaml) with JSON params.
    expected<json> execute(std::string_view action, const json& params) {
        auto target = entrypoint(action);
        if (!target) return fail(std::move(target).error());
        if (is_cpp() && !std::filesystem::exists(config_.binary_path())) {
            error e(errc::process_failed, "plugin binary '" + config_.binary_path().string() +
                                              "' (binary: in " + config_.file.string() +
                                              ") does not exist; build the plugin first");
            e.where = config_.file.string();
            return fail(std::move(e));
        }
        return make_executor().execute(*target, params);
    }

    /// What the child is told to run: the action name for C++ plugins, the `module.Class`
    /// entrypoint for Python ones. Unknown actions list the available ones.
    expected<std::string> entrypoint(std::string_view action) const {
        const action_config* a = config_.find_action(action);
        if (!a) return fail(unknown_action_error(action, config_.action_names()));
        if (is_cpp()) return a->entrypoint.empty() ? a->name : a->entrypoint;
        if (a->entrypoint.empty()) {
            error e(errc::config_invalid, "action '" + std::string(action) + "' has no entrypoint");
            e.where = config_.file.string() + ":" + std::to_string(a->line);
            return fail(std::move(e));
        }
        std::string ep =
            a->entrypoint;  // synapse-sdk accepts module:Class; the entrypoint wants dots
        if (auto colon = ep.rfind(':'); colon != std::string::npos) ep[colon] = '.';
        return ep;
    }

    /// The command that runs this plugin's actions, for callers that run it themselves.
    process_executor make_executor() const {
        process_options po = options_.process;
        if (po.working_dir.empty()) po.working_dir = config_.directory;
        auto env = plugin_environment(config_.env).to_strings();
        for (const auto& [k, v] : po.env) env[k] = v;
        po.env = std::move(env);
        if (is_cpp()) return process_executor::for_binary(config_.binary_path(), std::move(po));
        return process_executor::for_python(python(), std::move(po));
    }

  private:
    directory_executor(plugin_config config, directory_options options)
        : config_(std::move(config)), options_(std::move(options)) {}

    std::string python() const {
        if (!options_.python.empty()) return options_.python;
        if (const char* p = std::getenv("SYNAPSE_PYTHON"); p && *p) return p;
        return "python3";
    }

    plugin_config config_;
    directory_options options_;
};

}  // namespace synapse
