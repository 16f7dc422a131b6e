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

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "synapse/core/reflect.hpp"
#include "synapse/ray/detail/job_report.hpp"
#include "synapse/executors/protocol.hpp"
#include "synapse/plugin/action.hpp"
#include "synapse/plugin/environment.hpp"
#include "synapse/plugin/job_protocol.hpp"
#include "synapse/ray/job_deadlines.hpp"
#include "synapse/ray/jobs_api.hpp"
#include "synapse/ray/log_tail.hpp"
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
    job_deadlines deadlines;  ///< kept in the metadata; enforced by whoever waits on the job
};

template <class T>
class basic_ray_jobs_executor {
  public:
    using executor_concept = async_executor_tag;

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
            if (!uri) {
                error e = std::move(uri).error();
                e.prefix("package upload");
                return fail(std::move(e));
            }
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
        write_deadlines(job.deadlines, s.metadata);
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

    /// One look at the job. A job past a deadline of its metadata (job_deadlines) is stopped,
    /// and the answer is errc::timeout saying which deadline passed.
    expected<job_details> poll(std::string_view id) {
        auto job = api_.get_job(id);
        if (!job) return fail(std::move(job).error());
        if (auto why = deadline_passed(*job, unix_now_ms())) return stop_for(id, *job, *why);
        return job;
    }

    /// Waits until the job is terminal, up to `timeout`. The status is polled often at first
    /// (20 ms, then 1.5x longer each time up to `poll_interval`), so a short job's end is seen
    /// within milliseconds. Deadlines are enforced as by `poll`.
    expected<job_details> wait(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1),
        std::chrono::milliseconds poll_interval = std::chrono::milliseconds(200)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        auto interval = std::min(std::chrono::milliseconds(20), poll_interval);
        while (true) {
            auto job = poll(id);
            if (!job || is_terminal(job->status)) return job;
            if (std::chrono::steady_clock::now() >= deadline) {
                error e(errc::timeout, "job " + std::string(id) + " is still " +
                                           std::string(to_string(job->status)) + " after " +
                                           std::to_string(timeout.count()) + " ms");
                e.job_id = std::string(id);
                return fail(std::move(e));
            }
            std::this_thread::sleep_for(interval);
            interval = std::min(poll_interval, interval * 3 / 2);
        }
    }

    expected<std::string> get_logs(std::string_view id) { return api_.logs(id); }

    /// Calls `on_line` for every line of the job's log, live, exactly once and in order, until
    /// the job has ended (the WebSocket tail; see tail_job_logs). `on_line` returning false or
    /// `stop` being requested ends it early without an error.
    expected<void> stream_logs(std::string_view id,
                               const std::function<bool(std::string_view line)>& on_line,
                               std::stop_token stop = {}) {
        return tail_job_logs(api_, options_.transport, id, on_line, std::move(stop),
                             std::chrono::milliseconds(200));
    }

    /// Waits for the job and returns the result its action printed (the last complete result
    /// triple of the log). A job that did not succeed gives job_failed naming the stage, with
    /// Ray's message, the exit code and the last log lines. The log is streamed: memory stays
    /// bounded by its longest line however long it grows.
    expected<json> get_result(std::string_view id,
                              std::chrono::milliseconds timeout = std::chrono::hours(1)) {
        auto job = wait(id, timeout);
        if (!job) return fail(std::move(job).error());
        // The last lines are kept only for a failure report.
        detail::job_log_reader reader(job->status == job_status::succeeded ? 0 : 20);
        auto read = api_.stream_logs(id, [&](std::string_view text) { return reader.feed(text); });
        if (!read) return fail(std::move(read).error());
        reader.finish();
        if (job->status != job_status::succeeded)
            return fail(detail::failure_report(*job, reader.tail()));
        auto result = reader.scanner().result();
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

    /// Stops a job that passed a deadline and says why. Ray 2.60 cannot stop a job that is
    /// still PENDING (its supervisor is not scheduled): the stop is queued and takes effect once
    /// it is, or Ray fails the job at its own start timeout; the error says so.
    unexpected_type<error> stop_for(std::string_view id, const job_details& job,
                                    const std::string& why) {
        std::string message = "job " + std::string(id) + " was stopped by the client: " + why;
        auto stopped = api_.stop(id);
        if (!stopped) {
            message += " (stopping it failed: " + stopped.error().message + ")";
        } else if (job.status == job_status::pending) {
            message +=
                " (Ray applies the stop once the job is scheduled; until then it stays PENDING "
                "or ends at Ray's start timeout, RAY_JOB_START_TIMEOUT_SECONDS)";
        } else {
            // Give Ray a moment to record the stop; the deadline error stands either way.
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (std::chrono::steady_clock::now() < until) {
                auto now = api_.get_job(id);
                if (!now || is_terminal(now->status)) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
        }
        error e(errc::timeout, std::move(message));
        e.job_id = std::string(id);
        return fail(std::move(e));
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

static_assert(check_async_executor<ray_jobs_api_executor>());

}  // namespace synapse
