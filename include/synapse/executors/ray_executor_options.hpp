// What the Ray executors need to know: where the dashboard is, what to package, how the job
// runs, and per submission its resources and deadlines. `ray_plugin_options` builds them from a
// plugin directory's config.yaml, as directory_executor::open does for local runs.
//
//     auto plugin = synapse::ray_plugin_options("build/examples/plugins/regression");
//     auto exec = synapse::ray_jobs_api_executor::create(plugin->options);
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/clock.hpp"
#include "synapse/plugin/config.hpp"
#include "synapse/plugin/environment.hpp"
#include "synapse/ray/dashboard.hpp"
#include "synapse/ray/job_deadlines.hpp"
#include "synapse/ray/runtime_env.hpp"
#include "synapse/transport/transport_options.hpp"

namespace synapse {

struct ray_executor_options {
    /// The dashboard: URL, timeouts, token. The URL defaults to the local head's.
    transport_options transport{.base_url = std::string(default_dashboard_url)};
    /// When `transport.token` is unset, `create` looks Ray's token up (RAY_AUTH_TOKEN,
    /// RAY_AUTH_TOKEN_PATH, ~/.ray/auth_token).
    bool look_up_ray_token = true;
    std::filesystem::path working_dir;          ///< the plugin directory to package (optional)
    std::optional<std::string> binary;          ///< the C++ plugin binary, relative to it
    std::vector<std::string> package_excludes;  ///< added to synapse-sdk's exclude list
    runtime_env_options runtime_env;            ///< requirements, wheels, options, base env
    plugin_environment env;                     ///< forwarded as env_vars (and nothing else)
    std::string python_entrypoint = "python -m synapse_sdk.plugins.entrypoint";
    /// Resources of every job's entrypoint, unless its ray_job_options say otherwise (as
    /// synapse-sdk's executors take them in their constructor).
    std::optional<double> num_cpus;
    std::optional<double> num_gpus;
    std::optional<std::int64_t> memory;  ///< bytes
    /// Waiting reads the job's status 20 ms after it starts, then up to this far apart.
    std::chrono::milliseconds status_interval{200};
    /// Where waits read the time and sleep (testing::manual_clock in tests).
    std::shared_ptr<const synapse::clock> clock = system_clock_ptr();
    /// Told when following a job's log live failed and the rest of the log will come once the
    /// job ended (the job itself is not failed by that).
    std::function<void(std::string_view)> on_warning{};
};

/// Per-submission settings.
struct ray_job_options {
    std::optional<std::string> submission_id;  ///< made by the client when not given
    std::optional<double> num_cpus;
    std::optional<double> num_gpus;
    std::optional<std::int64_t> memory;  ///< bytes
    std::map<std::string, std::string> metadata;
    job_deadlines deadlines;  ///< kept in the metadata; enforced by whoever waits on the job
};

/// One job of the plugin directory: what it runs, with which variables and files besides the
/// plugin's own. `submit(action, params)` makes one for the job protocol.
struct ray_job_request {
    std::string label{};             ///< kept in the job's metadata as `synapse_action`
    json env_vars = json::object();  ///< on top of the plugin environment
    /// Relative path -> content, added inside the package only (never to the directory).
    std::vector<std::pair<std::string, std::string>> extra_files{};
    /// The command; by default the plugin binary, or the Python entrypoint without one.
    std::optional<std::string> entrypoint{};
};

/// A plugin directory made ready for Ray: the executor options, the package manager its
/// config.yaml names (a compile-time policy: see with_package_manager), and the config.
struct ray_plugin {
    ray_executor_options options;
    std::string package_manager;
    plugin_config config;
};

/// Reads `<dir>/config.yaml` and fills in `base`: the working_dir to package, the binary of a
/// C++ plugin (build by-products `*.o`, `*.a`, `*.p` left out of the package), the plugin
/// environment (config.yaml `env`, then `base.env` on top), the package manager's options, the
/// wheels directory and the base runtime_env.
[[nodiscard]] inline expected<ray_plugin> ray_plugin_options(const std::filesystem::path& dir,
                                                             ray_executor_options base = {}) {
    auto config = load_plugin_config(dir);
    if (!config) return fail(std::move(config).error());
    ray_plugin out;
    out.options = std::move(base);
    ray_executor_options& o = out.options;
    o.working_dir = config->directory;
    if (config->runtime == "cpp" && config->binary) {
        o.binary = config->binary->string();
        for (const char* pattern : {"*.o", "*.a", "*.p"}) o.package_excludes.emplace_back(pattern);
    }
    plugin_environment env(config->env);
    env.update(o.env);
    o.env = std::move(env);
    o.runtime_env.manager_options = config->package_manager_options;
    o.runtime_env.wheels_dir = config->wheels_dir;
    o.runtime_env.base = config->runtime_env;
    out.package_manager = config->package_manager;
    out.config = std::move(*config);
    return out;
}

}  // namespace synapse
