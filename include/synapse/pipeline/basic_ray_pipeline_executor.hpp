// basic_ray_pipeline_executor: a pipeline run as one Ray job, reported live to the pipeline
// service; synapse-sdk's RayPipelineExecutor, on the same service wire. `ray_pipeline_executor`
// (ray_pipeline_executor.hpp) is the one over cpp-httplib and Boost.Beast.
//
//     auto plugin = synapse::ray_plugin_options("build/examples/plugins/regression");
//     auto exec = synapse::ray_pipeline_executor::create(std::move(*plugin), {});
//     auto run = exec->submit("download,convert,train,evaluate", params);
//     auto result = exec->get_result(*run);  // the last action's result
//
// The job runs the plugin's binary in its pipeline mode (pipeline_mode.hpp) when the pipeline
// has C++ actions, else `runner_program` (the `synapse` executable), packaged with the job. Its
// submission id is `synapse_pipeline_<run id>`, so whoever waits on the run finds the job: when
// the job ends and the run did not (the runner was killed, its node died), the run is marked
// failed with the job's failure report, and no run stays running forever. `cancel` stops the
// job (the runner marks its action and the run cancelled) and marks the run cancelled.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/executors/basic_ray_jobs_api_executor.hpp"
#include "synapse/pipeline/pipeline_definition.hpp"
#include "synapse/pipeline/pipeline_runs.hpp"
#include "synapse/pipeline/run_preparation.hpp"
#include "synapse/pipeline/step_schemas.hpp"

namespace synapse {

struct ray_pipeline_options {
    /// The pipeline service, as this client reaches it.
    transport_options service = pipeline_service_options();
    /// The service as the runner on the cluster reaches it (default: `service.base_url`).
    std::optional<std::string> actor_pipeline_service_url{};
    /// The interpreter of Python actions on the worker.
    std::string python = "python";
    /// The interpreter that reads Python actions' schemas on this machine, before submitting
    /// (pipeline_submit_options::check_params).
    std::string local_python =
        std::getenv("SYNAPSE_PYTHON") ? std::getenv("SYNAPSE_PYTHON") : "python3";
    /// The program that runs pipelines without C++ actions (the `synapse` executable): it
    /// travels in the job's package.
    std::filesystem::path runner_program{};
};

/// A pipeline run's Ray job.
[[nodiscard]] inline std::string pipeline_job_id(std::string_view run_id) {
    return "synapse_pipeline_" + std::string(run_id);
}

/// Chosen only when a policy does not fit: says which, one sentence each.
template <class T, class S = json_serializer, class P = pip, class W = beast_websocket>
class basic_ray_pipeline_executor {
    static_assert(check_transport<T>());
    static_assert(check_serializer<S>());
    static_assert(check_package_manager<P>());
    static_assert(check_websocket_connector<W>());
};

template <Transport T, Serializer S, PackageManager P, WebSocketConnector W>
class basic_ray_pipeline_executor<T, S, P, W> {
  public:
    using executor_concept = async_executor_tag;
    using jobs_type = basic_ray_jobs_api_executor<T, S, P, W>;
    using client_type = basic_pipeline_service_client<T>;
    using status_type = pipeline_service::run_status;
    using details_type = pipeline_service::pipeline_progress;

    basic_ray_pipeline_executor(jobs_type jobs, client_type service, plugin_config config,
                                ray_pipeline_options options)
        : jobs_(std::move(jobs)),
          runs_(std::move(service), jobs_.options().clock),
          config_(std::move(config)),
          options_(std::move(options)) {}

    /// An executor for the plugin directory `plugin` (ray_plugin_options) and the service of
    /// `options`.
    [[nodiscard]] static expected<basic_ray_pipeline_executor> create(ray_plugin plugin,
                                                                      ray_pipeline_options options)
        requires requires { jobs_type::create(plugin.options); }
    {
        auto jobs = jobs_type::create(std::move(plugin.options));
        if (!jobs) return fail(std::move(jobs).error());
        auto service = client_type::create(options.service);
        if (!service) return fail(std::move(service).error());
        return basic_ray_pipeline_executor(std::move(*jobs), std::move(*service),
                                           std::move(plugin.config), std::move(options));
    }

    jobs_type& jobs() noexcept { return jobs_; }
    pipeline_runs<client_type>& runs() noexcept { return runs_; }

    /// Registers a run of `definition` and submits its Ray job; the run id.
    [[nodiscard]] expected<std::string> submit(const pipeline_definition& definition,
                                               const json& params,
                                               const pipeline_submit_options& options = {},
                                               ray_job_options job = {}) {
        std::vector<pipeline_step_schema> schemas;
        if (options.check_params) {
            auto found = step_schemas(config_, definition, options_.local_python);
            if (!found) return fail(std::move(found).error().prefix("checking the pipeline"));
            schemas = std::move(*found);
        }
        auto spec = prepare_pipeline_run(runs_.service(), definition, params, options,
                                         options.check_params ? &schemas : nullptr);
        if (!spec) return fail(std::move(spec).error());
        spec->service_url = options_.actor_pipeline_service_url.value_or(options_.service.base_url);
        spec->python = options_.python;
        auto request = runner_request(*spec, definition);
        if (!request) return abandon(spec->run_id, std::move(request).error());
        job.submission_id = pipeline_job_id(spec->run_id);
        job.metadata["synapse_run_id"] = spec->run_id;
        auto submitted = jobs_.submit_job(*request, job);
        if (!submitted) return abandon(spec->run_id, std::move(submitted).error());
        return spec->run_id;
    }

    /// A pipeline of the plugin's actions named in `actions`, separated by commas.
    [[nodiscard]] expected<std::string> submit(std::string_view actions, const json& params) {
        return submit(actions, params, {});
    }
    [[nodiscard]] expected<std::string> submit(std::string_view actions, const json& params,
                                               const pipeline_submit_options& options,
                                               std::string name = {}, ray_job_options job = {}) {
        std::vector<std::string> names;
        for (std::string_view rest = actions; !rest.empty();) {
            const auto comma = rest.find(',');
            if (auto part = synapse::detail::trim(rest.substr(0, comma)); !part.empty())
                names.emplace_back(part);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
        auto definition = plugin_pipeline(config_, names, std::move(name));
        if (!definition) return fail(std::move(definition).error());
        return submit(*definition, params, options, std::move(job));
    }

    [[nodiscard]] expected<status_type> get_status(std::string_view run) {
        return runs_.get_status(run);
    }
    [[nodiscard]] expected<details_type> get_progress(std::string_view run) {
        return runs_.get_progress(run);
    }

    /// Waits until the run ended (see pipeline_runs::wait); meanwhile the run's job is looked
    /// at too, and a job that ended while the run did not marks the run failed with its report.
    [[nodiscard]] expected<details_type> wait(
        std::string_view run, std::chrono::milliseconds timeout = std::chrono::hours(24),
        std::stop_token stop = {}) {
        return runs_.wait(run, timeout, std::move(stop),
                          [&](const details_type&) { return check_job(run); });
    }

    [[nodiscard]] expected<json> get_result(
        std::string_view run, std::chrono::milliseconds timeout = std::chrono::hours(24),
        std::stop_token stop = {}) {
        auto ended = wait(run, timeout, std::move(stop));
        if (!ended) return fail(std::move(ended).error());
        return runs_.result_of(run);
    }

    /// Stops the run's job (its runner marks the current action and the run cancelled) and
    /// marks the run cancelled if it has not ended.
    [[nodiscard]] expected<void> cancel(std::string_view run) {
        auto stopped = jobs_.stop(pipeline_job_id(run));
        if (!stopped && stopped.error().code != errc::not_found)
            return fail(std::move(stopped).error());
        return runs_.mark_cancelled(run);
    }

  private:
    /// The runner's job: the plugin binary in pipeline mode, or the runner program packaged.
    expected<ray_job_request> runner_request(const pipeline_run_spec& spec,
                                             const pipeline_definition& definition) const {
        ray_job_request r;
        r.label = "pipeline " + definition.name;
        std::string text = synapse::dump(to_json(spec));
        if (text.size() < job_protocol::params_inline_limit) {
            r.env_vars[std::string(pipeline_env::spec_var)] = std::move(text);
        } else {
            r.extra_files.emplace_back(".synapse_pipeline.json", std::move(text));
            r.env_vars[std::string(pipeline_env::spec_file_var)] = ".synapse_pipeline.json";
        }
        if (options_.service.token)
            r.env_vars[std::string(pipeline_env::token_var)] = *options_.service.token;
        const bool has_cpp =
            std::any_of(definition.actions.begin(), definition.actions.end(),
                        [](const auto& s) { return s.runtime == step_runtime::cpp; });
        if (has_cpp) {
            if (!jobs_.options().binary)
                return fail(errc::invalid_argument,
                            "a pipeline with C++ actions needs the plugin's binary (runtime: cpp, "
                            "binary: in config.yaml)");
            return r;  // the plugin binary, in its pipeline mode
        }
        if (options_.runner_program.empty())
            return fail(errc::invalid_argument,
                        "a pipeline without C++ actions needs ray_pipeline_options.runner_program "
                        "(the synapse executable) to run it");
        std::ifstream in(options_.runner_program, std::ios::binary);
        std::string program((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof())
            return fail(errc::io_error, "cannot read " + options_.runner_program.string());
        if (program.empty())
            return fail(errc::io_error, "cannot read " + options_.runner_program.string());
        r.extra_files.emplace_back(".synapse/synapse", std::move(program));
        r.entrypoint = executable_launcher(".synapse/synapse");
        return r;
    }

    /// A run whose job could not be submitted is marked failed, and the error returned.
    unexpected_type<error> abandon(const std::string& run, error e) {
        (void)runs_.mark_failed(run, "could not start the run's Ray job: " +
                                         std::string(to_string(e.code)) + ": " + e.message);
        return fail(std::move(e));
    }

    /// Marks the run failed when its job ended before it did.
    expected<void> check_job(std::string_view run) {
        auto job = jobs_.api().get_job(pipeline_job_id(run));
        if (!job) {
            if (job.error().code == errc::not_found) return {};  // not this executor's kind of run
            return fail(std::move(job).error());
        }
        if (!is_terminal(job->status)) return {};
        auto now = runs_.get_progress(run);  // the runner may have reported its end just now
        if (!now || now->is_terminal()) return {};
        std::string tail;
        (void)jobs_.api().stream_logs(job->submission_id.value_or(pipeline_job_id(run)),
                                      [&](std::string_view text) {
                                          tail += text;
                                          if (tail.size() > 4000) tail.erase(0, tail.size() - 4000);
                                          return true;
                                      });
        const auto report = detail::failure_report(*job, tail);
        auto marked = runs_.mark_failed(run, "job_failed: the run's Ray job ended " +
                                                 std::string(to_string(job->status)) +
                                                 " before the run did: " + report.message);
        if (!marked) return fail(std::move(marked).error());
        return {};
    }

    jobs_type jobs_;
    pipeline_runs<client_type> runs_;
    plugin_config config_;
    ray_pipeline_options options_;
};

}  // namespace synapse
