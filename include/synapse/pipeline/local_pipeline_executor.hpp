// local_pipeline_executor: runs pipelines on this machine, for development without Ray, with
// the same runner as on Ray and reporting to the same pipeline service:
//
//     synapse::local_pipeline_options o;                  // service: http://127.0.0.1:8100
//     auto exec = synapse::local_pipeline_executor::open("build/examples/plugins/regression", o);
//     auto run = exec->submit("download,convert,train,evaluate", params);  // the run id
//     auto result = exec->get_result(*run);
//
// Before anything runs, each action's required params are checked against the actions' JSON
// Schemas (`check_params`). A pipeline whose actions are all Python ones (or a typed pipeline,
// `submit<synapse::pipeline<Inputs, A, B>>(inputs, name)`) runs in this process on a thread of its
// own, its Python actions as child processes; one with C++ actions of a plugin binary runs in that
// binary, started in its pipeline mode (pipeline_mode.hpp). Status, progress, waiting and results
// come from the service (pipeline_runs). Destroying the executor cancels the runs it still runs,
// and waits for them to end.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "synapse/core/detail/text.hpp"
#include "synapse/executors/process_executor.hpp"
#include "synapse/executors/protocol.hpp"
#include "synapse/executors/spawner.hpp"
#include "synapse/pipeline/detail/runner_process.hpp"
#include "synapse/pipeline/pipeline_definition.hpp"
#include "synapse/pipeline/pipeline_runs.hpp"
#include "synapse/pipeline/run_preparation.hpp"
#include "synapse/pipeline/runner.hpp"
#include "synapse/pipeline/step_schemas.hpp"
#include "synapse/plugin/config.hpp"

namespace synapse {

struct local_pipeline_options {
    /// The pipeline service (its token, when it has one, goes to the runners too).
    transport_options service = pipeline_service_options();
    /// The interpreter of Python actions: $SYNAPSE_PYTHON, else python3.
    std::string python;
    /// What the runner prints (its steps, what actions log); stdout by default.
    std::function<void(std::string_view line)> print;
    pipeline_service::detail::writer_options writer;
    std::shared_ptr<const synapse::clock> clock = system_clock_ptr();
};

template <class T = httplib_transport>
class basic_local_pipeline_executor {
  public:
    using executor_concept = async_executor_tag;
    using client_type = basic_pipeline_service_client<T>;
    using status_type = pipeline_service::run_status;
    using details_type = pipeline_service::pipeline_progress;

    /// An executor for the pipelines of the plugin directory `dir` (its config.yaml).
    [[nodiscard]] static expected<basic_local_pipeline_executor> open(
        const std::filesystem::path& dir, local_pipeline_options options = {}) {
        auto config = load_plugin_config(dir);
        if (!config) return fail(std::move(config).error());
        auto client = client_type::create(options.service);
        if (!client) return fail(std::move(client).error());
        return basic_local_pipeline_executor(std::move(*client), std::move(*config),
                                             std::move(options));
    }

    basic_local_pipeline_executor(basic_local_pipeline_executor&&) noexcept = default;
    ~basic_local_pipeline_executor() {
        if (!state_) return;
        std::vector<std::unique_ptr<active_run>> runs;
        {
            std::lock_guard lock(state_->mutex);
            for (auto& [id, run] : state_->runs) runs.push_back(std::move(run));
            state_->runs.clear();
        }
        for (auto& run : runs) run->cancel();  // the threads are joined by ~active_run
    }

    const plugin_config& config() const noexcept { return config_; }
    pipeline_runs<client_type>& runs() noexcept { return runs_; }

    /// Starts a run of `definition` with `params`; its id. The runner reports to the service;
    /// this call returns once the run is registered and its runner started.
    [[nodiscard]] expected<std::string> submit(const pipeline_definition& definition,
                                               const json& params,
                                               const pipeline_submit_options& options = {}) {
        std::vector<pipeline_step_schema> schemas;
        if (options.check_params) {
            auto found = step_schemas(config_, definition, python());
            if (!found) return fail(std::move(found).error().prefix("checking the pipeline"));
            schemas = std::move(*found);
        }
        auto spec = prepare_pipeline_run(runs_.service(), definition, params, options,
                                         options.check_params ? &schemas : nullptr);
        if (!spec) return fail(std::move(spec).error());
        spec->service_url = options_.service.base_url;
        spec->python = python();
        const bool has_cpp =
            std::any_of(spec->actions.begin(), spec->actions.end(),
                        [](const auto& s) { return s.runtime == step_runtime::cpp; });
        auto run = std::make_unique<active_run>();
        const std::string id = spec->run_id;
        if (has_cpp) {
            auto started = start_child(*spec, *run);
            if (!started) return fail(std::move(started).error());
        } else {
            auto started = start_in_process(std::move(*spec), *run);
            if (!started) return fail(std::move(started).error());
        }
        std::lock_guard lock(state_->mutex);
        state_->runs[id] = std::move(run);
        return id;
    }

    /// Starts a run of the typed pipeline `P` (synapse::pipeline<Inputs, A, B...>, checked at
    /// compile time) in this process, its C++ actions run in-process; its id.
    template <class P>
        requires requires {
            typename P::inputs_type;
            typename P::plugin_type;
            P::names;
        }
    [[nodiscard]] expected<std::string> submit(const typename P::inputs_type& inputs,
                                               std::string name,
                                               const pipeline_submit_options& options = {}) {
        pipeline_definition definition;
        definition.name = std::move(name);
        for (auto n : P::names)
            definition.actions.push_back({.name = std::string(n), .entrypoint = std::string(n)});
        auto spec = prepare_pipeline_run(runs_.service(), definition, to_json(inputs), options);
        if (!spec) return fail(std::move(spec).error());
        spec->service_url = options_.service.base_url;
        auto run = std::make_unique<active_run>();
        const std::string id = spec->run_id;
        auto started = start_in_process(
            std::move(*spec), *run, [](std::string_view action, const json& params, context& ctx) {
                return P::plugin_type::run(action, params, ctx);
            });
        if (!started) return fail(std::move(started).error());
        std::lock_guard lock(state_->mutex);
        state_->runs[id] = std::move(run);
        return id;
    }

    /// A pipeline of this plugin's actions, named in `actions` separated by commas (a Python
    /// `module.Class` may stand among them): see plugin_pipeline.
    [[nodiscard]] expected<std::string> submit(std::string_view actions, const json& params) {
        return submit(actions, params, {});
    }
    [[nodiscard]] expected<std::string> submit(std::string_view actions, const json& params,
                                               const pipeline_submit_options& options,
                                               std::string name = {}) {
        auto definition = plugin_pipeline(config_, split_actions(actions), std::move(name));
        if (!definition) return fail(std::move(definition).error());
        return submit(*definition, params, options);
    }

    [[nodiscard]] expected<status_type> get_status(std::string_view run) {
        return runs_.get_status(run);
    }
    [[nodiscard]] expected<details_type> get_progress(std::string_view run) {
        return runs_.get_progress(run);
    }
    [[nodiscard]] expected<details_type> wait(
        std::string_view run, std::chrono::milliseconds timeout = std::chrono::hours(24),
        std::stop_token stop = {}) {
        return runs_.wait(run, timeout, std::move(stop));
    }
    [[nodiscard]] expected<json> get_result(
        std::string_view run, std::chrono::milliseconds timeout = std::chrono::hours(24),
        std::stop_token stop = {}) {
        return runs_.get_result(run, timeout, std::move(stop));
    }

    /// Cancels a run this executor started: its current action is stopped, and the action and
    /// the run are marked cancelled. not_found for a run it did not start.
    [[nodiscard]] expected<void> cancel(std::string_view run) {
        std::unique_ptr<active_run> found;
        {
            std::lock_guard lock(state_->mutex);
            auto it = state_->runs.find(std::string(run));
            if (it == state_->runs.end())
                return fail(errc::not_found,
                            "run " + std::string(run) + " was not started by this executor");
            found = std::move(it->second);
            state_->runs.erase(it);
        }
        found->cancel();
        found.reset();  // joins its thread: the runner has reported the cancellation
        return runs_.mark_cancelled(run);
    }

  private:
    /// A run in progress: its thread, and how to stop it.
    struct active_run {
        std::jthread thread;
        std::function<void()> stop;
        void cancel() {
            if (stop) stop();
        }
        ~active_run() {
            if (thread.joinable()) thread.join();
        }
    };

    struct shared_state {
        std::mutex mutex;
        std::map<std::string, std::unique_ptr<active_run>, std::less<>> runs;
    };

    basic_local_pipeline_executor(client_type client, plugin_config config,
                                  local_pipeline_options options)
        : runs_(std::move(client), options.clock),
          config_(std::move(config)),
          options_(std::move(options)) {}

    /// The interpreter of Python actions; a relative path is taken from this process's working
    /// directory (the actions run in the plugin's).
    std::string python() const {
        std::string p = options_.python;
        if (p.empty())
            if (const char* env = std::getenv("SYNAPSE_PYTHON"); env && *env) p = env;
        if (p.empty()) return "python3";
        std::error_code ec;
        if (p.find('/') != std::string::npos) p = std::filesystem::absolute(p, ec).string();
        return p;
    }

    static std::vector<std::string> split_actions(std::string_view text) {
        std::vector<std::string> out;
        while (!text.empty()) {
            const auto comma = text.find(',');
            const auto part = synapse::detail::trim(text.substr(0, comma));
            if (!part.empty()) out.emplace_back(part);
            if (comma == std::string_view::npos) break;
            text.remove_prefix(comma + 1);
        }
        return out;
    }

    std::function<void(std::string_view)> printer() const {
        if (options_.print) return options_.print;
        return [](std::string_view line) { std::cout << line << '\n' << std::flush; };
    }

    expected<void> start_in_process(pipeline_run_spec spec, active_run& run,
                                    cpp_action_runner cpp = {}) {
        auto client = client_type::create(options_.service);
        if (!client) return fail(std::move(client).error());
        pipeline_runner_options o;
        o.print = printer();
        o.working_dir = config_.directory;
        o.env = plugin_environment(config_.env);
        o.writer = options_.writer;
        auto runner = std::make_shared<pipeline_runner<client_type>>(
            std::move(spec), std::move(*client), std::move(cpp), std::move(o));
        run.stop = [runner] { runner->cancel(); };
        run.thread = std::jthread([runner] { (void)runner->run(); });
        return {};
    }

    expected<void> start_child(const pipeline_run_spec& spec, active_run& run) {
        auto started =
            detail::start_runner_process<client_type>(config_, spec, options_.service, printer());
        if (!started) return fail(std::move(started).error());
        run.stop = std::move(started->stop);
        run.thread = std::move(started->thread);
        return {};
    }

    pipeline_runs<client_type> runs_;
    plugin_config config_;
    local_pipeline_options options_;
    std::unique_ptr<shared_state> state_ = std::make_unique<shared_state>();
};

/// Local pipelines over cpp-httplib.
using local_pipeline_executor = basic_local_pipeline_executor<>;

static_assert(check_async_executor<local_pipeline_executor>());

}  // namespace synapse
