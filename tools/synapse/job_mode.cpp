// `synapse plugin run ACTION --mode job`: package, submit, follow the logs, print the result.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
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

/// Prints the complete lines of `logs` past `offset`, less the result lines (the result is
/// printed on its own).
void print_new_lines(const std::string& logs, std::size_t& offset, std::ostream& out,
                     synapse::job_protocol::output_filter& filter) {
    for (auto nl = logs.find('\n', offset); nl != std::string::npos; nl = logs.find('\n', offset)) {
        std::string_view line(logs.data() + offset, nl - offset);
        offset = nl + 1;
        if (filter.visible(line)) out << line << '\n' << std::flush;
    }
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

    std::signal(SIGINT, on_sigint);
    std::ostream& log_out = options.json_only ? std::cerr : std::cout;
    std::size_t offset = 0;
    synapse::job_protocol::output_filter filter;
    while (!interrupted) {
        auto job_now = exec->api().get_job(*id);
        if (!job_now) return report(job_now.error());
        auto logs = exec->get_logs(*id);
        if (logs) print_new_lines(*logs, offset, log_out, filter);
        if (synapse::is_terminal(job_now->status)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    if (interrupted) {
        std::cerr << "\nstopped watching; job " << *id << " goes on. Follow it with:\n  "
                  << ".venv/bin/ray job logs --follow --address " << options.dashboard << " " << *id
                  << std::endl;
        return 130;
    }
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
