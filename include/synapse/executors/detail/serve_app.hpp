// The Serve application of a plugin: its name, the worker command its replicas run, and its
// ServeApplicationSchema (../docs/ray-http-api.md §8.2).
#pragma once

#include <cctype>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "synapse/core/json.hpp"
#include "synapse/executors/python_host.hpp"
#include "synapse/executors/ray_executor_options.hpp"
#include "synapse/executors/serve_host.hpp"
#include "synapse/ray/packaging.hpp"

namespace synapse::detail {

/// The deployment every synapse application has (the class in serve_host.hpp).
inline constexpr std::string_view serve_deployment_name = "synapse_worker";

/// "synapse_<plugin>_<package hash>": the plugin's name (letters, digits, `-` and `_`) and the
/// 16 hex digits of its package, so the same content gets the same application.
inline std::string serve_app_name(std::string_view plugin, std::string_view package_name) {
    std::string out = "synapse_";
    for (char c : plugin)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    std::string_view hash = package_name;
    if (hash.starts_with("_ray_pkg_")) hash.remove_prefix(9);
    if (hash.ends_with(".zip")) hash.remove_suffix(4);
    return out + "_" + std::string(hash);
}

/// What a replica runs: the plugin binary in its worker mode, or the Python host's worker
/// (`{python}` is the replica's own interpreter).
inline json serve_worker_command(const ray_executor_options& options) {
    if (options.binary)
        return json::array({"sh", "-c", executable_launcher(*options.binary) + " worker"});
    return json::array({"{python}", std::string(python_host_file), "worker"});
}

/// The package's extra files: the Serve module and the Python host, at its root.
inline std::vector<std::pair<std::string, std::string>> serve_package_files() {
    return {{std::string(serve_host_file), std::string(serve_host_source)},
            {std::string(python_host_file), std::string(python_host_source)}};
}

/// A new secret for the replicas' direct ports (128 random bits, hex).
inline std::string new_serve_token() {
    std::random_device random;
    std::string out;
    for (int i = 0; i < 4; ++i) {
        char part[9];
        std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(random()));
        out += part;
    }
    return out;
}

/// The token an application was deployed with ("" when none).
inline std::string serve_token_of(const json& deployed_app_config) {
    const json* args = deployed_app_config.is_object() && deployed_app_config.contains("args")
                           ? &deployed_app_config["args"]
                           : nullptr;
    if (args == nullptr || !args->is_object()) return {};
    auto t = args->find("token");
    return t != args->end() && t->is_string() ? t->get<std::string>() : std::string();
}

/// Replicas and what each reserves.
struct serve_resources {
    int replicas = 1;
    std::optional<double> num_cpus;
    std::optional<double> num_gpus;
    std::optional<std::int64_t> memory;
};

/// The application's ServeApplicationSchema; `token` opens the replicas' direct ports.
inline json serve_app_config(const std::string& name, const json& runtime_env, const json& command,
                             const std::string& token, const serve_resources& r) {
    json actor = json::object();
    if (r.num_cpus) actor["num_cpus"] = *r.num_cpus;
    if (r.num_gpus) actor["num_gpus"] = *r.num_gpus;
    if (r.memory) actor["memory"] = *r.memory;
    json deployment = {{"name", std::string(serve_deployment_name)},
                       {"num_replicas", r.replicas},
                       {"max_ongoing_requests", 1}};
    if (!actor.empty()) deployment["ray_actor_options"] = std::move(actor);
    return {{"name", name},
            {"route_prefix", "/" + name},
            {"import_path", "synapse_serve:build"},
            {"args", {{"command", command}, {"token", token}}},
            {"runtime_env", runtime_env},
            {"deployments", json::array({std::move(deployment)})}};
}

}  // namespace synapse::detail
