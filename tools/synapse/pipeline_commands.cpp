// `synapse pipeline run|status|watch|cancel|list|logs`.
#include "pipeline_commands.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <stop_token>
#include <thread>

#include <synapse/pipeline/local_pipeline_executor.hpp>
#include <synapse/pipeline/pipeline_mode.hpp>
#include <synapse/pipeline/ray_pipeline_executor.hpp>
#include <synapse/plugin/params_argument.hpp>

#include "plugin_commands.hpp"
#include "progress_view.hpp"

namespace synapse_cli {
namespace {

namespace ps = synapse::pipeline_service;

std::atomic<bool> interrupted{false};
void on_sigint(int) {
    interrupted = true;
}

/// Turns Ctrl+C into a stop request while it lives.
class interrupt_stop {
  public:
    interrupt_stop() {
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

synapse::transport_options service_transport(const pipeline_options& o) {
    auto t = synapse::pipeline_service_options(o.service);
    if (!o.token.empty()) t.token = o.token;
    return t;
}

synapse::expected<synapse::pipeline_service_client> client_for(const pipeline_options& o) {
    return synapse::pipeline_service_client::create(service_transport(o));
}

/// Follows the run's progress stream until it ends, showing it; the final state.
synapse::expected<ps::pipeline_progress> watch(synapse::pipeline_service_client& client,
                                               const std::string& run, std::ostream& out,
                                               std::stop_token stop) {
    progress_view view(out, &out == &std::cerr ? ::isatty(2) : ::isatty(1));
    ps::pipeline_progress last;
    auto followed = client.stream_progress(
        run,
        [&](const ps::pipeline_progress& p) {
            view.show(p);
            last = p;
            return true;
        },
        stop);
    if (!followed) return synapse::fail(std::move(followed).error());
    if (stop.stop_requested())
        return synapse::fail(synapse::errc::cancelled, "stopped watching run " + run);
    return last;
}

/// The end of `run` for the command line: the result (or the run's error).
int finish(synapse::pipeline_service_client& client, const pipeline_options& o,
           const std::string& run, const std::string& label) {
    synapse::pipeline_runs<synapse::pipeline_service_client> runs(std::move(client));
    auto result = runs.result_of(run);
    if (!result) return report(result.error());
    if (o.json_only)
        std::cout << synapse::dump(*result) << std::endl;
    else
        std::cout << "result of run " << run << " (" << label << "):\n"
                  << synapse::dump(*result, 2) << std::endl;
    return 0;
}

int run_local(const pipeline_run_options& o, const synapse::json& params, std::ostream& log_out) {
    synapse::local_pipeline_options lo;
    lo.service = service_transport(o);
    lo.python = o.python;
    auto filter = std::make_shared<synapse::job_protocol::output_filter>();
    lo.print = [&log_out, filter](std::string_view line) {
        if (filter->visible(line)) log_out << line << '\n' << std::flush;
    };
    auto exec = synapse::local_pipeline_executor::open(o.path, lo);
    if (!exec) return report(exec.error());
    synapse::pipeline_submit_options so;
    if (!o.resume_from.empty()) so.resume_from = o.resume_from;
    auto run = exec->submit(o.actions, params, so, o.name);
    if (!run) return report(run.error());
    std::cerr << "started run " << *run << " at " << o.service << std::endl;
    // The run lives in this process: Ctrl+C cancels it.
    interrupt_stop interrupt;
    auto waiter = client_for(o);
    if (!waiter) return report(waiter.error());
    auto ended = watch(*waiter, *run, std::cerr, interrupt.token());
    if (!ended && ended.error().code == synapse::errc::cancelled) {
        (void)exec->cancel(*run);
        std::cerr << "\ncancelled run " << *run << std::endl;
        return 130;
    }
    if (!ended) return report(ended.error());
    return finish(*waiter, o, *run, o.actions);
}

int run_job(const pipeline_run_options& o, const synapse::json& params) {
    synapse::ray_executor_options base;
    base.transport.base_url = o.dashboard;
    base.num_cpus = o.cpus;
    base.num_gpus = o.gpus;
    auto plugin = synapse::ray_plugin_options(o.path, std::move(base));
    if (!plugin) return report(plugin.error());
    synapse::ray_pipeline_options po;
    po.service = service_transport(o);
    if (!o.actor_service.empty()) po.actor_pipeline_service_url = o.actor_service;
    if (!o.python.empty()) po.python = po.local_python = o.python;
    std::error_code ec;
    po.runner_program = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string manager = plugin->package_manager;
    auto ran = synapse::with_package_manager(manager, [&]<class P>(P) -> synapse::expected<int> {
        using executor_type = synapse::basic_ray_pipeline_executor<synapse::httplib_transport,
                                                                   synapse::json_serializer, P>;
        auto exec = executor_type::create(std::move(*plugin), po);
        if (!exec) return synapse::fail(std::move(exec).error());
        synapse::pipeline_submit_options so;
        if (!o.resume_from.empty()) so.resume_from = o.resume_from;
        auto run = exec->submit(o.actions, params, so, o.name);
        if (!run) return synapse::fail(std::move(run).error());
        std::cerr << "started run " << *run << " as Ray job " << synapse::pipeline_job_id(*run)
                  << " on " << o.dashboard << std::endl;
        if (o.detach) {
            std::cout << *run << std::endl;
            return 0;
        }
        interrupt_stop interrupt;
        auto watcher = client_for(o);
        if (!watcher) return synapse::fail(std::move(watcher).error());
        // Meanwhile the run's job is watched too: a runner that ends without ending the run
        // (it could not start, it was killed) gets the run marked failed, which ends the stream.
        std::jthread job_guard(
            [&](std::stop_token done) { (void)exec->wait(*run, std::chrono::hours(24), done); });
        auto ended = watch(*watcher, *run, std::cerr, interrupt.token());
        job_guard.request_stop();
        job_guard.join();
        if (!ended && ended.error().code == synapse::errc::cancelled) {
            std::cerr << "\nstopped watching; run " << *run << " goes on. Follow it with:\n  "
                      << "synapse pipeline watch " << *run << " --service " << o.service
                      << std::endl;
            return 130;
        }
        if (!ended) return synapse::fail(std::move(ended).error());
        if (!ended->is_terminal()) {
            // The stream ended without a terminal state: let the executor check the job.
            auto waited = exec->wait(*run);
            if (!waited) return synapse::fail(std::move(waited).error());
        }
        return finish(*watcher, o, *run, o.actions);
    });
    if (!ran) return report(ran.error());
    return *ran;
}

}  // namespace

int pipeline_run(const pipeline_run_options& o) {
    auto params = synapse::read_params_argument(o.params);
    if (!params) return report(params.error());
    if (o.detach && o.mode != "job") {
        std::cerr << "error: invalid_argument: --detach needs --mode job (a local run lives in "
                     "this process)"
                  << std::endl;
        return 2;
    }
    if (o.mode == "job") return run_job(o, *params);
    return run_local(o, *params, o.json_only ? std::cerr : std::cout);
}

int pipeline_status(const pipeline_run_ref& o) {
    auto client = client_for(o);
    if (!client) return report(client.error());
    auto progress = client->get_progress(o.run);
    if (!progress) return report(progress.error());
    if (o.json_only) {
        // GET .../progress has no pipeline_id (the stream's events do): the run has it.
        if (!progress->pipeline_id)
            if (auto run = client->get_run(o.run)) progress->pipeline_id = run->pipeline_id;
        std::cout << synapse::dump(synapse::to_json(*progress)) << std::endl;
        return 0;
    }
    progress_view(std::cout, false).show(*progress);
    return 0;
}

int pipeline_watch(const pipeline_run_ref& o) {
    auto client = client_for(o);
    if (!client) return report(client.error());
    interrupt_stop interrupt;
    auto ended = watch(*client, o.run, std::cout, interrupt.token());
    if (!ended && ended.error().code == synapse::errc::cancelled) {
        std::cerr << "\nstopped watching run " << o.run << " (it goes on)" << std::endl;
        return 130;
    }
    if (!ended) return report(ended.error());
    return ended->status == ps::run_status::completed ? 0 : 1;
}

int pipeline_cancel(const pipeline_run_ref& o) {
    auto client = client_for(o);
    if (!client) return report(client.error());
    // A run on Ray: stop its job, whose runner reports the cancellation.
    auto t = synapse::httplib_transport::create(synapse::dashboard_transport_options(o.dashboard));
    if (t) {
        synapse::basic_jobs_api api(std::move(*t));
        auto stopped = api.stop(synapse::pipeline_job_id(o.run));
        if (!stopped && stopped.error().code != synapse::errc::not_found &&
            stopped.error().code != synapse::errc::transport_error)
            return report(stopped.error());
    }
    synapse::pipeline_runs<synapse::pipeline_service_client> runs(std::move(*client));
    auto marked = runs.mark_cancelled(o.run);
    if (!marked) return report(marked.error());
    std::cout << "cancelled run " << o.run << std::endl;
    return 0;
}

int pipeline_list(const pipeline_list_options& o) {
    auto client = client_for(o);
    if (!client) return report(client.error());
    std::optional<ps::run_status> filter;
    if (!o.status.empty()) {
        auto parsed = synapse::from_json<ps::run_status>(synapse::json(o.status));
        if (!parsed) return report(parsed.error().prefix("--status"));
        filter = *parsed;
    }
    auto listed = client->list_runs(filter, {.skip = 0, .limit = o.limit});
    if (!listed) return report(listed.error());
    if (o.json_only) {
        synapse::json out = synapse::json::array();
        for (const auto& r : *listed) out.push_back(synapse::to_json(r));
        std::cout << synapse::dump(out) << std::endl;
        return 0;
    }
    for (const auto& r : *listed)
        std::cout << r.id << "  " << ps::to_string(r.status) << "  "
                  << r.current_action.value_or("-") << "  " << r.created_at << "\n";
    return 0;
}

int pipeline_logs(const pipeline_logs_options& o) {
    auto client = client_for(o);
    if (!client) return report(client.error());
    synapse::log_query q;
    if (!o.action.empty()) q.action_name = o.action;
    if (!o.level.empty()) {
        auto level = synapse::from_json<ps::log_level>(synapse::json(o.level));
        if (!level) return report(level.error().prefix("--level"));
        q.level = *level;
    }
    q.limit = o.limit;
    auto entries = client->get_logs(o.run, q);
    if (!entries) return report(entries.error());
    for (const auto& e : *entries)
        std::cout << e.timestamp << "  " << ps::to_string(e.level) << "  "
                  << e.action_name.value_or("-") << "  " << e.message << "\n";
    return 0;
}

std::optional<int> pipeline_runner_mode(int argc, char** argv) {
    return synapse::pipeline_mode{}.run<synapse::plugin<>>(argc, argv);
}

}  // namespace synapse_cli
