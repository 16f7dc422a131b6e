// pipeline_runner: runs a pipeline's actions in order and reports each step to the pipeline
// service, on the wire synapse-sdk's PipelineActor uses (../docs/synapse-sdk-reference.md §1.7):
//
//   POST progress {status: running}
//   per action:  POST progress {current_action, index, action_progress: running, started_at}
//                ... POST progress {index, action_progress: running, fraction, step} per report
//                POST progress {index, action_progress: completed (started_at kept)}
//                POST checkpoint {action_name, action_index, params_snapshot, result}
//   at the end:  PATCH run {status: completed, result}  or  {status: failed, error: "<kind>: ..."}
//
// Each action's params are the run's params with every earlier result merged in (a shallow
// merge, later keys win). C++ actions of the plugin that runs the pipeline run in this process;
// Python synapse-sdk actions run on one Python host worker kept for the run (python_host.hpp,
// worker_process.hpp), their progress read from its events. Action logs reach the service's log
// endpoint in batches. Progress and logs never wait for the service (service_writer: retried,
// bounded); a checkpoint that cannot be written fails the run, which never reports completed
// without its checkpoints. `cancel()` (a SIGTERM to a runner process) stops the current action and
// marks it and the run cancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/executors/python_host.hpp"
#include "synapse/executors/worker_process.hpp"
#include "synapse/pipeline/detail/service_writer.hpp"
#include "synapse/pipeline/detail/step_reporter.hpp"
#include "synapse/pipeline/run_spec.hpp"
#include "synapse/pipeline/service_client.hpp"
#include "synapse/plugin/context.hpp"
#include "synapse/plugin/job_protocol.hpp"

namespace synapse {

/// Runs a C++ action of the runner's own plugin by name: `plugin<As...>::run`.
using cpp_action_runner =
    std::function<expected<json>(std::string_view name, const json& params, context& ctx)>;

struct pipeline_runner_options {
    /// The runner's own output (the Ray job's log): what each action logs, and each step.
    std::function<void(std::string_view line)> print = [](std::string_view line) {
        std::cout << line << '\n' << std::flush;
    };
    /// The working directory of Python actions (the plugin directory).
    std::filesystem::path working_dir;
    /// Where the Python host module is written (a directory of its own by default).
    std::filesystem::path python_host_dir;
    /// What C++ actions see as `ctx.env()`; Python actions inherit the process environment.
    plugin_environment env;
    pipeline_service::detail::writer_options writer;
};

/// `Client` is a basic_pipeline_service_client.
template <class Client>
class pipeline_runner {
  public:
    pipeline_runner(pipeline_run_spec spec, Client client, cpp_action_runner cpp,
                    pipeline_runner_options options = {})
        : spec_(std::move(spec)),
          cpp_(std::move(cpp)),
          options_(std::move(options)),
          writer_(std::move(client), spec_.run_id, options_.writer) {}

    /// Runs every action and reports the run's end; the last action's result, or the error that
    /// ended the run (errc::cancelled after `cancel`).
    [[nodiscard]] expected<json> run() {
        writer_.progress({.status = pipeline_service::run_status::running}, false);
        json accumulated = spec_.params.is_object() ? spec_.params : json::object();
        json last = json::object();
        for (std::size_t i = 0; i < spec_.actions.size(); ++i) {
            const auto index = static_cast<std::int64_t>(i);
            const pipeline_step& step = spec_.actions[i];
            if (spec_.resume_after && index <= *spec_.resume_after) {
                skip(index, step);
                continue;
            }
            auto result = run_step(index, step, accumulated);
            if (!result) return end_failed(index, step, std::move(result).error());
            last = result->is_object() ? std::move(*result) : json::object();
            for (auto it = last.begin(); it != last.end(); ++it) accumulated[it.key()] = *it;
            if (auto done = complete(index, step, accumulated, last); !done)
                return end_failed(index, step, std::move(done).error());
        }
        std::lock_guard lock(mutex_);
        if (cancelled_) return fail(cancelled_error());
        finished_ = true;
        pipeline_service::run_update u;
        u.status = pipeline_service::run_status::completed;
        u.result = last;
        if (auto patched = writer_.update_run(std::move(u)); !patched)
            return fail(std::move(patched).error().prefix("reporting the run's end"));
        options_.print(std::string(job_protocol::result_start));
        options_.print(synapse::dump(last));
        options_.print(std::string(job_protocol::result_end));
        return last;
    }

    /// Stops the current action (its context's stop token; a child process is sent SIGTERM) and
    /// marks it and the run cancelled, once, from any thread. The run then ends cancelled.
    void cancel() {
        stop_.request_stop();
        std::lock_guard lock(mutex_);
        if (cancelled_ || finished_) return;
        cancelled_ = true;
        if (current_) {
            auto p = current_->entry;
            p.status = pipeline_service::action_status::failed;
            p.error = "cancelled";
            p.completed_at = pipeline_service::detail::now_timestamp();
            writer_.progress({.current_action_index = current_->index, .action_progress = p},
                             false);
        }
        pipeline_service::run_update u;
        u.status = pipeline_service::run_status::cancelled;
        (void)writer_.update_run(std::move(u));
    }

  private:
    struct running_step {
        std::int64_t index;
        pipeline_service::action_progress entry;
    };

    static error cancelled_error() { return error(errc::cancelled, "the run was cancelled"); }

    void post(std::int64_t index, const pipeline_step& step, pipeline_service::action_progress p,
              bool with_name) {
        pipeline_service::progress_update u;
        if (with_name) u.current_action = step.name;
        u.current_action_index = index;
        u.action_progress = std::move(p);
        writer_.progress(std::move(u), false);
    }

    void skip(std::int64_t index, const pipeline_step& step) {
        pipeline_service::action_progress p;
        p.name = step.name;
        p.status = pipeline_service::action_status::skipped;
        p.progress = 1.0;
        p.completed_at = pipeline_service::detail::now_timestamp();
        post(index, step, std::move(p), true);
        say(step, "Skipping action (resumed): " + step.name);
    }

    void say(const pipeline_step& step, std::string text) {
        options_.print(text);
        writer_.log({.action_name = step.name,
                     .message = std::move(text),
                     .timestamp = pipeline_service::detail::now_timestamp()});
    }

    expected<json> run_step(std::int64_t index, const pipeline_step& step, const json& params) {
        using reporter_type = pipeline_service::detail::step_reporter<
            pipeline_service::detail::service_writer<Client>>;
        reporter_type reporter(writer_, index, step.name, pipeline_service::detail::now_timestamp(),
                               options_.print);
        {
            std::lock_guard lock(mutex_);
            if (cancelled_) return fail(cancelled_error());
            current_ = running_step{index, reporter.running()};
            post(index, step, reporter.running(), true);
        }
        say(step, "Starting action: " + step.name);
        if (step.runtime == step_runtime::cpp) {
            if (!cpp_)
                return fail(errc::unknown_action,
                            "action '" + step.name + "' is a C++ action, but this runner has none");
            context ctx(reporter, options_.env, spec_.run_id);
            ctx.set_stop_token(stop_.get_token());
            return finished(cpp_(step.entrypoint, params, ctx), reporter);
        }
        return finished(run_python(step, params, reporter), reporter);
    }

    /// Keeps the action's last progress (fraction, step, metrics) for its final entry.
    template <class Reporter>
    expected<json> finished(expected<json> result, const Reporter& reporter) {
        std::lock_guard lock(mutex_);
        if (current_) current_->entry = reporter.running();
        return result;
    }

    /// Python actions run on one Python host worker kept for the whole run (started at the
    /// first one): the interpreter and synapse-sdk are imported once, as in synapse-sdk's
    /// PipelineActor. A worker that died (its action crashed) is replaced for the next action.
    template <class Reporter>
    expected<json> run_python(const pipeline_step& step, const json& params, Reporter& reporter) {
        const auto on_line = [&](std::string_view line) { reporter.child_line(true, line); };
        if (!python_ || !python_->alive()) {
            std::filesystem::path dir = options_.python_host_dir;
            if (dir.empty()) {
                std::error_code ec;
                dir = std::filesystem::temp_directory_path(ec) / "synapse-python-host";
            }
            auto host = write_python_host(dir);
            if (!host) return fail(std::move(host).error());
            process_spec spec;
            spec.argv = {spec_.python, host->string(), "worker"};
            spec.working_dir = options_.working_dir;
            spec.set_env[std::string(job_protocol::job_id_var)] = spec_.run_id;
            auto started = worker_process::start(spec, on_line);
            if (!started) return fail(std::move(started).error());
            python_.emplace(std::move(*started));
        }
        // cancel() stops the action where it is: the worker is sent SIGTERM.
        std::stop_callback on_stop(stop_.get_token(),
                                   [pid = python_->pid()] { ::kill(pid, SIGTERM); });
        worker_protocol::request request{
            .id = std::to_string(++python_requests_), .action = step.entrypoint, .params = params};
        return python_->call(
            request, [&](const json& event) { reporter.event(event); }, on_line);
    }

    expected<void> complete(std::int64_t index, const pipeline_step& step, const json& accumulated,
                            const json& result) {
        {
            std::lock_guard lock(mutex_);
            if (cancelled_) return fail(cancelled_error());
            auto p = current_->entry;
            p.status = pipeline_service::action_status::completed;
            p.progress = 1.0;
            p.completed_at = pipeline_service::detail::now_timestamp();
            post(index, step, std::move(p), false);
            current_.reset();
        }
        pipeline_service::checkpoint_create c;
        c.action_name = step.name;
        c.action_index = index;
        c.params_snapshot = accumulated;
        c.result = result;
        if (auto written = writer_.checkpoint(std::move(c)); !written)
            return fail(std::move(written).error().prefix("writing the checkpoint of action '" +
                                                          step.name + "'"));
        say(step, "Completed action: " + step.name);
        return {};
    }

    expected<json> end_failed(std::int64_t index, const pipeline_step& step, error e) {
        std::lock_guard lock(mutex_);
        if (cancelled_) return fail(cancelled_error());
        finished_ = true;
        const std::string text = to_string(e);  // "<kind>: <message>", with failing fields
        if (current_) {
            auto p = current_->entry;
            p.status = pipeline_service::action_status::failed;
            p.error = text.substr(to_string(e.code).size() + 2);
            p.completed_at = pipeline_service::detail::now_timestamp();
            post(index, step, std::move(p), false);
            current_.reset();
        }
        options_.print("Pipeline failed: " + text);
        writer_.log({.action_name = step.name,
                     .level = pipeline_service::log_level::error,
                     .message = "Pipeline failed: " + text,
                     .timestamp = pipeline_service::detail::now_timestamp()});
        pipeline_service::run_update u;
        u.status = pipeline_service::run_status::failed;
        u.error = text;
        (void)writer_.update_run(std::move(u));
        return fail(std::move(e));
    }

    pipeline_run_spec spec_;
    cpp_action_runner cpp_;
    pipeline_runner_options options_;
    pipeline_service::detail::service_writer<Client> writer_;
    std::stop_source stop_;
    std::mutex mutex_;
    std::optional<running_step> current_;
    bool cancelled_ = false;
    bool finished_ = false;
    std::uint64_t python_requests_ = 0;
    std::optional<worker_process> python_;  // last: ended before the writer sends what is left
};

}  // namespace synapse
