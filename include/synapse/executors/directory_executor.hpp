// directory_executor: runs the actions of a plugin directory (one with a config.yaml) in child
// processes: a C++ plugin's binary (`runtime: cpp`, `binary: ...`) or a Python synapse-sdk
// plugin's `module.Class` entrypoints. The child's environment gets config.yaml's `env` and
// then the explicit `env` of the options (later wins).
//
//     auto exec = synapse::directory_executor::open("build/examples/plugins/regression");
//     auto result = exec->execute("train", params);   // expected<json>
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "synapse/executors/process_executor.hpp"
#include "synapse/plugin/config.hpp"
#include "synapse/plugin/entrypoint.hpp"
#include "synapse/plugin/environment.hpp"

namespace synapse {

struct directory_options {
    /// The Python interpreter for Python plugins: $SYNAPSE_PYTHON, else python3 from PATH.
    std::string python;
    process_options process;  ///< working_dir defaults to the plugin directory
};

/// Chosen only when the spawner does not fit: says why, in a sentence.
template <class S = posix_spawner>
class basic_directory_executor {
    static_assert(check_spawner<S>());
};

template <Spawner S>
class basic_directory_executor<S> {
  public:
    using executor_concept = sync_executor_tag;

    /// Reads `<dir>/config.yaml` (or a config file path).
    [[nodiscard]] static expected<basic_directory_executor> open(const std::filesystem::path& dir,
                                                                 directory_options options = {},
                                                                 S spawner = {}) {
        auto config = load_plugin_config(dir);
        if (!config) return fail(std::move(config).error());
        return basic_directory_executor(std::move(*config), std::move(options), std::move(spawner));
    }

    const plugin_config& config() const noexcept { return config_; }
    bool is_cpp() const noexcept { return config_.runtime == "cpp"; }

    /// Runs `action` (a name from config.yaml) with JSON params.
    [[nodiscard]] expected<json> execute(std::string_view action, const json& params) {
        auto target = entrypoint(action);
        if (!target) return fail(std::move(target).error());
        std::error_code ec;
        if (is_cpp() && !std::filesystem::exists(config_.binary_path(), ec)) {
            error e(errc::process_failed, "plugin binary '" + config_.binary_path().string() +
                                              "' (binary: in " + config_.file.string() +
                                              ") does not exist; build the plugin first");
            e.where = config_.file.string();
            return fail(std::move(e));
        }
        return make_executor().execute(*target, params);
    }

    /// What the child is told to run (see plugin_entrypoint).
    [[nodiscard]] expected<std::string> entrypoint(std::string_view action) const {
        return plugin_entrypoint(config_, action);
    }

    /// The command that runs this plugin's actions, for callers that run it themselves.
    basic_process_executor<S> make_executor() const {
        process_options po = options_.process;
        if (po.working_dir.empty()) po.working_dir = config_.directory;
        auto env = plugin_environment(config_.env).to_strings();
        for (const auto& [k, v] : po.env) env[k] = v;
        po.env = std::move(env);
        if (is_cpp())
            return basic_process_executor<S>::for_binary(config_.binary_path(), std::move(po),
                                                         spawner_);
        return basic_process_executor<S>::for_python(python(), std::move(po), spawner_);
    }

  private:
    basic_directory_executor(plugin_config config, directory_options options, S spawner)
        : config_(std::move(config)), options_(std::move(options)), spawner_(std::move(spawner)) {}

    std::string python() const {
        if (!options_.python.empty()) return options_.python;
        if (const char* p = std::getenv("SYNAPSE_PYTHON"); p && *p) return p;
        return "python3";
    }

    plugin_config config_;
    directory_options options_;
    [[no_unique_address]] S spawner_;
};

/// A plugin directory's actions in child processes started with fork/exec.
using directory_executor = basic_directory_executor<>;

static_assert(check_executor<directory_executor>());

}  // namespace synapse
