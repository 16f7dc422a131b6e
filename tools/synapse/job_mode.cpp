// `synapse plugin run ACTION --mode job`: the plugin directory as a Ray job, followed live.
#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <stop_token>
#include <string_view>
#include <thread>

#include <synapse/executors/ray_jobs_api_executor.hpp>
#include <synapse/executors/sync_adapter.hpp>
#include <synapse/plugin/entrypoint.hpp>

#include "plugin_commands.hpp"
#include "run_action.hpp"

namespace synapse_cli {
namespace {

std::atomic<bool> interrupted{false};

void on_sigint(int) {
    interrupted = true;
}

/// Turns Ctrl+C into a stop request while it lives.
class sigint_stop {
  public:
    sigint_stop() {
        std::signal(SIGINT, on_sigint);
        watcher_ = std::jthread([this](std::stop_token done) {
            while (!done.stop_requested() && !interrupted)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (interrupted) source_.request_stop();
        });
    }
    std::stop_token token() const { return source_.get_token(); }

  private:
    std::stop_source source_;
    std::jthread watcher_;
};

template <synapse::PackageManager P>
int run_on_ray(const run_options& options, const synapse::json& params, synapse::ray_plugin& plugin,
               const std::string& target) {
    using executor_type = synapse::basic_ray_jobs_api_executor<synapse::httplib_transport,
                                                               synapse::json_serializer, P>;
    plugin.options.num_cpus = options.cpus;
    plugin.options.num_gpus = options.gpus;
    plugin.options.memory = options.memory;
    plugin.options.on_warning = [](std::string_view text) {
        std::cerr << "warning: " << text << std::endl;
    };
    auto exec = executor_type::create(plugin.options);
    if (!exec) return report(exec.error());

    if (options.detach) {
        auto id = exec->submit(target, params);
        if (!id) return report(id.error());
        std::cerr << "submitted job " << *id << " to " << options.dashboard << std::endl;
        std::cout << *id << std::endl;
        return 0;
    }

    // Follow the log live (every line once, in order) until the job ends; Ctrl+C stops
    // watching, not the job.
    sigint_stop interrupt;
    std::string id;
    std::ostream& log_out = options.json_only ? std::cerr : std::cout;
    synapse::sync_adapter ray(std::move(*exec), {.on_submitted =
                                                     [&](std::string_view submitted) {
                                                         id = submitted;
                                                         std::cerr << "submitted job " << id
                                                                   << " to " << options.dashboard
                                                                   << std::endl;
                                                     },
                                                 .on_line =
                                                     [&](std::string_view line) {
                                                         log_out << line << '\n' << std::flush;
                                                         return true;
                                                     },
                                                 .stop = interrupt.token()});
    return run_action(
        ray, target, options, params, [&] { return " (job " + id + ")"; },
        [&](const synapse::error&) {
            std::cerr << "\nstopped watching; job " << id << " goes on. Follow it with:\n  "
                      << "synapse ray logs --follow " << id << " --dashboard " << options.dashboard
                      << std::endl;
            return 130;
        });
}

}  // namespace

int plugin_run_job(const run_options& options, const synapse::json& params) {
    synapse::ray_executor_options base;
    base.transport.base_url = options.dashboard;
    auto plugin = synapse::ray_plugin_options(options.path, std::move(base));
    if (!plugin) return report(plugin.error());
    auto target = synapse::plugin_entrypoint(plugin->config, options.action);
    if (!target) return report(target.error());
    auto ran = synapse::with_package_manager(plugin->package_manager, [&](auto manager) {
        return run_on_ray<decltype(manager)>(options, params, *plugin, *target);
    });
    if (!ran) return report(ran.error());
    return *ran;
}

}  // namespace synapse_cli
