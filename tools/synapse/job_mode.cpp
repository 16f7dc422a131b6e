// `synapse plugin run ACTION --mode job`: package, submit, follow the logs, print the result.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stop_token>
#include <string_view>
#include <thread>

#include <synapse/executors/ray_jobs_executor.hpp>
#include <synapse/plugin/config.hpp>
#include <synapse/plugin/plugin.hpp>

#include "plugin_commands.hpp"

namespace synapse_cli {
namespace {

std::atomic<bool> interrupted{false};

void on_sigint(int) {
    interrupted = true;
}

int report(const synapse::error& e) {
    std::cerr << "error: " << e << std::endl;
    return 1;
}

}  // namespace

int plugin_run_job(const run_options& options, const synapse::json& params) {
    auto config = synapse::load_plugin_config(options.path);
    if (!config) return report(config.error());
    const synapse::action_config* action = config->find_action(options.action);
    if (!action)
        return report(synapse::unknown_action_error(options.action, config->action_names()));

    synapse::ray_executor_options o;
    o.transport.base_url = options.dashboard;
    o.working_dir = config->directory;
    std::string target = action->entrypoint.empty() ? action->name : action->entrypoint;
    if (config->runtime == "cpp") {
        o.binary = config->binary->string();
        o.package_excludes = {"*.o", "*.a", "*.p"};  // build by-products are not needed to run
    } else if (auto colon = target.rfind(':'); colon != std::string::npos) {
        target[colon] = '.';
    }
    o.env = synapse::plugin_environment(config->env);
    auto pm = synapse::parse_package_manager(config->package_manager);
    if (!pm) return report(pm.error());
    o.runtime_env.manager = *pm;
    o.runtime_env.manager_options = config->package_manager_options;
    o.runtime_env.wheels_dir = config->wheels_dir;
    o.runtime_env.base = config->runtime_env;
    auto exec = synapse::ray_jobs_api_executor::create(o);
    if (!exec) return report(exec.error());

    synapse::ray_job_options job;
    if (options.cpus) job.num_cpus = *options.cpus;
    if (options.gpus) job.num_gpus = *options.gpus;
    if (options.memory) job.memory = *options.memory;
    auto id = exec->submit(target, params, job);
    if (!id) return report(id.error());
    std::cerr << "submitted job " << *id << " to " << options.dashboard << std::endl;
    if (options.detach) {
        std::cout << *id << std::endl;
        return 0;
    }

    // Follow the log live (the WebSocket tail: every line once, in order) until the job ends;
    // Ctrl+C stops watching, not the job.
    std::signal(SIGINT, on_sigint);
    std::stop_source stop;
    std::jthread watcher([&](std::stop_token done) {
        while (!done.stop_requested() && !interrupted)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (interrupted) stop.request_stop();
    });
    std::ostream& log_out = options.json_only ? std::cerr : std::cout;
    synapse::job_protocol::output_filter filter;
    auto followed = exec->stream_logs(
        *id,
        [&](std::string_view line) {
            if (filter.visible(line)) log_out << line << '\n' << std::flush;
            return true;
        },
        stop.get_token());
    watcher.request_stop();
    watcher.join();
    if (interrupted) {
        std::cerr << "\nstopped watching; job " << *id << " goes on. Follow it with:\n  "
                  << ".venv/bin/ray job logs --follow --address " << options.dashboard << " " << *id
                  << std::endl;
        return 130;
    }
    if (!followed) return report(followed.error());
    auto result = exec->get_result(*id);
    if (!result) return report(result.error());
    if (options.json_only)
        std::cout << result->dump() << std::endl;
    else
        std::cout << "result of " << options.action << " (job " << *id << "):\n"
                  << result->dump(2) << std::endl;
    return 0;
}

}  // namespace synapse_cli
