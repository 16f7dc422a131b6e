// basic_ray_jobs_executor: runs actions as Ray jobs through the dashboard's Jobs API.
//
//     synapse::ray_executor_options o;
//     o.transport.base_url = "http://127.0.0.1:8265";
//     o.working_dir = "build/examples/plugins/regression";   // packaged and uploaded
//     o.binary = "regression";                                 // a C++ plugin binary in it
//     auto exec = synapse::ray_jobs_api_executor::create(o);
//     auto id = exec->submit("train", params);                 // expected<std::string>
//     auto result = exec->get_result(*id);                     // expected<json>
//
// The working directory is zipped (content-addressed name, synapse-sdk's excludes), uploaded
// once per content, and the job runs the plugin binary with the job protocol: the action in
// SYNAPSE_ACTION_ENTRYPOINT, params in SYNAPSE_ACTION_PARAMS, or, from 32,000 characters on,
// in a params file added inside the package (never written into the user's directory). Only the
// plugin environment is forwarded (config.yaml `env` + explicit values), never the whole local
// environment. Without `binary` the job runs a Python synapse-sdk action
// (`python -m synapse_sdk.plugins.entrypoint`, action = `module.Class`).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "synapse/core/reflect.hpp"
#include "synapse/plugin/action.hpp"
#include "synapse/plugin/environment.hpp"
#include "synapse/plugin/job_protocol.hpp"
#include "synapse/ray/jobs_api.hpp"
#include "synapse/ray/packaging.hpp"
#include "synapse/ray/runtime_env.hpp"
#include "synapse/transport/httplib_transport.hpp"

namespace synapse {

struct ray_executor_options {
    transport_options transport;                ///< the dashboard URL, timeouts, token
    std::filesystem::path working_dir;          ///< the plugin directory to package (optional)
    std::optional<std::string> binary;          ///< the C++ plugin binary, relative to it
    std::vector<std::string> package_excludes;  ///< added to synapse-sdk's exclude list
    runtime_env_options runtime_env;            ///< package manager, requirements, base env
    plugin_environment env;                     ///< forwarded as env_vars (and nothing else)
    std::string python_entrypoint = "python -m synapse_sdk.plugins.entrypoint";
};

/// Per-submission settings.
struct ray_job_options {
    std::optional<std::string> submission_id;  ///< made by the client when not given
    std::optional<double> num_cpus;
    std::optional<double> num_gpus;
    std::optional<std::int64_t> memory;  ///< bytes
    std::map<std::string, std::string> metadata;
};

template <class T>
class basic_ray_jobs_executor {
  public:
    explicit basic_ray_jobs_executor(T transport, ray_executor_options options)
        : api_(std::move(transport)), options_(std::move(options)) {}

    basic_jobs_api<T>& api() noexcept { return api_; }

    /// Submits `action` (a C++ action name, or a Python `module.Class` when no binary is set)
    /// with JSON params; returns the submission id. Resubmitting an id that already exists
    /// returns that job instead of an error (idempotent after a lost answer).
    expected<std::string> submit(std::string_view action, const json& params,
                                 const ray_job_options& job = {}) {
        const std::string id = job.submission_id.value_or(new_submission_id());
        const std::string text = params.dump(-1, ' ', false, json::error_handler_t::replace);

        json env_vars = options_.env.values();
        env_vars[std::string(job_protocol::entrypoint_var)] = std::string(action);
        env_vars[std::string(job_protocol::job_id_var)] = id;
        package_options po;
        po.extra_excludes = options_.package_excludes;
        if (options_.binary) po.keep.push_back(*options_.binary);
        const bool params_in_file = text.size() >= job_protocol::params_inline_limit;
        if (params_in_file) {
            po.extra_files.emplace_back(".synapse_params.json", text);
            env_vars[std::string(job_protocol::params_file_var)] = ".synapse_params.json";
        } else {
            env_vars[std::string(job_protocol::params_var)] = text;
        }

        if (params_in_file && options_.working_dir.empty())
            return fail(errc::invalid_argument,
                        "params of 32,000 characters or more need a working_dir to travel in");
        runtime_env_options re = options_.runtime_env;
        re.env_vars = std::move(env_vars);
        if (!options_.working_dir.empty()) {
            auto uri = upload(po);
            if (!uri) return fail(std::move(uri).error());
            re.working_dir_uri = *uri;
            re.working_dir = options_.working_dir;
        }
        auto runtime_env = build_runtime_env(re);
        if (!runtime_env) return fail(std::move(runtime_env).error());
        // Do better than synapse-sdk: no package-manager section (and so no virtualenv build on
        // the worker) when there is nothing to install.
        for (const char* pm : {"pip", "uv"}) {
            auto it = runtime_env->find(pm);
            if (it != runtime_env->end() && it->is_object() && !it->contains("packages"))
                runtime_env->erase(pm);
        }

        job_submission s;
        s.entrypoint =
            options_.binary ? executable_launcher(*options_.binary) : options_.python_entrypoint;
        s.submission_id = id;
        s.runtime_env = std::move(*runtime_env);
        s.metadata = job.metadata;
        s.metadata["synapse_action"] = std::string(action);
        s.entrypoint_num_cpus = job.num_cpus;
        s.entrypoint_num_gpus = job.num_gpus;
        s.entrypoint_memory = job.memory;

        auto submitted = api_.submit(s);
        if (!submitted && submitted.error().code == errc::transport_error) {
            // The answer may have been lost after Ray created the job: ask again with the same id.
            submitted = api_.submit(s);
        }
        if (!submitted && submitted.error().code == errc::already_exists) {
            auto existing = api_.get_job(id);
            if (existing) return id;
        }
        return submitted;
    }

    /// PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED.
    expected<job_status> get_status(std::string_view id) {
        auto job = api_.get_job(id);
        if (!job) return fail(std::move(job).error());
        return job->status;
    }

    /// Waits until the job is terminal (polling its status), up to `timeout`.
    expected<job_details> wait(std::string_view id,
                               std::chrono::milliseconds timeout = std::chrono::hours(1),
                               std::chrono::milliseconds poll = std::chrono::milliseconds(100)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            auto job = api_.get_job(id);
            if (!job) return fail(std::move(job).error());
            if (is_terminal(job->status)) return job;
            if (std::chrono::steady_clock::now() >= deadline) {
                error e(errc::timeout, "job " + std::string(id) + " is still " +
                                           std::string(to_string(job->status)) + " after " +
                                           std::to_string(timeout.count()) + " ms");
                e.job_id = std::string(id);
                return fail(std::move(e));
            }
            std::this_thread::sleep_for(poll);
        }
    }

    expected<std::string> get_logs(std::string_view id) { return api_.logs(id); }

    /// Waits for the job and returns the result its action printed. A job that did not
    /// succeed gives job_failed with Ray's message, the exit code and the last log lines.
    expected<json> get_result(std::string_view id,
                              std::chrono::milliseconds timeout = std::chrono::hours(1)) {
        auto job = wait(id, timeout);
        if (!job) return fail(std::move(job).error());
        auto logs = api_.logs(id);
        if (!logs) return fail(std::move(logs).error());
        if (job->status != job_status::succeeded) return fail(failure_report(*job, *logs));
        auto result = job_protocol::parse_result(*logs);
        if (!result) {
            error e = std::move(result).error();
            e.job_id = std::string(id);
            e.message = "job " + std::string(id) + ": " + e.message;
            return fail(std::move(e));
        }
        return result;
    }

    /// The typed result of a C++ action.
    template <Action A>
    expected<typename A::result_type> get_result(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1)) {
        auto j = get_result(id, timeout);
        if (!j) return fail(std::move(j).error());
        return from_json<typename A::result_type>(*j);
    }

    /// Stops the job and waits until Ray reports it terminal; true when it was running.
    expected<bool> stop(std::string_view id,
                        std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
        auto stopped = api_.stop(id);
        if (!stopped) return stopped;
        auto job = wait(id, timeout);
        if (!job) return fail(std::move(job).error());
        return *stopped;
    }

    /// Deletes a terminal job's record.
    expected<bool> remove(std::string_view id) { return api_.remove(id); }

  private:
    static std::string new_submission_id() {
        static thread_local std::mt19937_64 rng{std::random_device{}()};
        static constexpr char hex[] = "0123456789abcdef";
        std::string id = "synapse_";
        auto bits = rng();
        for (int i = 0; i < 16; ++i, bits >>= 4) id += hex[bits & 15];
        return id;
    }

    expected<std::string> upload(const package_options& po) {
        auto pkg = make_package(options_.working_dir, po);
        if (!pkg) return fail(std::move(pkg).error());
        if (!uploaded_->uploaded(pkg->name)) {
            auto exists = api_.package_exists(pkg->name);
            if (!exists) return fail(std::move(exists).error());
            if (!*exists) {
                auto put = api_.upload_package(pkg->name,
                                               std::string(pkg->bytes.begin(), pkg->bytes.end()));
                if (!put) return fail(std::move(put).error());
            }
            uploaded_->mark_uploaded(pkg->name);
        }
        return pkg->uri;
    }

    static error failure_report(const job_details& job, const std::string& logs) {
        // The last 20 lines of the log.
        std::size_t start = logs.size(), lines = 0;
        while (start > 0 && lines <= 20) {
            start = logs.rfind('\n', start - 1);
            if (start == std::string::npos) {
                start = 0;
                break;
            }
            ++lines;
        }
        std::string tail = logs.substr(start == 0 ? 0 : start + 1);
        std::string id = job.submission_id.value_or(job.job_id.value_or(""));
        std::string message = "job " + id + " ended " + std::string(to_string(job.status));
        if (job.error_type) message += " (" + *job.error_type + ")";
        if (!job.message.empty()) message += ": " + job.message.substr(0, 2000);
        if (!tail.empty()) message += "\nlast log lines:\n" + tail;
        error e(errc::job_failed, std::move(message));
        e.job_id = id;
        e.exit_code = job.driver_exit_code;
        return e;
    }

    basic_jobs_api<T> api_;
    ray_executor_options options_;
    std::shared_ptr<package_cache> uploaded_ = std::make_shared<package_cache>();
};

/// The Ray Jobs executor over cpp-httplib.
class ray_jobs_api_executor : public basic_ray_jobs_executor<httplib_transport> {
  public:
    using basic_ray_jobs_executor::basic_ray_jobs_executor;

    static expected<ray_jobs_api_executor> create(ray_executor_options options) {
        auto t = httplib_transport::create(options.transport);
        if (!t) return fail(std::move(t).error());
        return ray_jobs_api_executor(std::move(*t), std::move(options));
    }
};

}  // namespace synapse
