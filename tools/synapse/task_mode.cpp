// `synapse plugin run ACTION --mode task`: the action on a warm worker of the plugin's Ray Serve
// application (deployed by the first call, reused by later ones with the same content), and
// `synapse plugin stop`: that application removed, every other one left serving.
#include <iostream>

#include <synapse/executors/ray_actor_executor.hpp>
#include <synapse/plugin/entrypoint.hpp>

#include "plugin_commands.hpp"
#include "run_action.hpp"

namespace synapse_cli {
namespace {

synapse::expected<synapse::ray_plugin> task_plugin(const std::string& path,
                                                   const std::string& dashboard) {
    synapse::ray_executor_options base;
    base.transport.base_url = dashboard;
    return synapse::ray_plugin_options(path, std::move(base));
}

synapse::ray_actor_options actor_options(int replicas, bool json_only) {
    synapse::ray_actor_options actor;
    actor.replicas = replicas;
    std::ostream& out = json_only ? std::cerr : std::cout;
    actor.on_output = [&out](std::string_view line) { out << line << '\n' << std::flush; };
    actor.on_deploy_status = [last = std::string()](const synapse::serve_application& app) mutable {
        if (app.status == last) return;
        last = app.status;
        std::cerr << "serve application " << app.name << ": " << app.status << std::endl;
    };
    return actor;
}

template <synapse::PackageManager P>
using task_executor =
    synapse::basic_ray_actor_executor<synapse::httplib_transport, synapse::json_serializer, P>;

}  // namespace

int plugin_run_task(const run_options& options, const synapse::json& params) {
    auto plugin = task_plugin(options.path, options.dashboard);
    if (!plugin) return report(plugin.error());
    auto target = synapse::plugin_entrypoint(plugin->config, options.action);
    if (!target) return report(target.error());
    plugin->options.num_cpus = options.cpus;
    plugin->options.num_gpus = options.gpus;
    plugin->options.memory = options.memory;
    auto ran = synapse::with_package_manager(plugin->package_manager, [&](auto manager) {
        using executor_type = task_executor<decltype(manager)>;
        // With --json, stdout carries the result alone: the actions' log lines go to stderr.
        auto exec = executor_type::create(
            plugin->options, actor_options(options.replicas, options.json_only),
            synapse::console_logger(options.json_only ? std::cerr : std::cout));
        if (!exec) return report(exec.error());
        return run_action(*exec, *target, options, params);
    });
    if (!ran) return report(ran.error());
    return *ran;
}

int plugin_stop(const stop_options& options) {
    auto plugin = task_plugin(options.path, options.dashboard);
    if (!plugin) return report(plugin.error());
    auto ran = synapse::with_package_manager(plugin->package_manager, [&](auto manager) {
        auto exec = task_executor<decltype(manager)>::create(plugin->options);
        if (!exec) return report(exec.error());
        auto name = exec->app_name();
        if (!name) return report(name.error());
        auto removed = exec->shutdown();
        if (!removed) return report(removed.error());
        std::cerr << (*removed ? "removed serve application " : "no serve application ") << *name
                  << (*removed ? "" : " was running") << std::endl;
        return 0;
    });
    if (!ran) return report(ran.error());
    return *ran;
}

}  // namespace synapse_cli
