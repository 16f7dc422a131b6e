// basic_ray_jobs_api_executor: runs actions as Ray jobs through the dashboard's Jobs API, one job
// per submission. `ray_jobs_api_executor` (ray_jobs_api_executor.hpp) is the one over
// cpp-httplib and Boost.Beast.
//
//     basic_ray_jobs_api_executor<Transport, Serializer = json_serializer,
//                                 PackageManager = pip, WebSocketConnector = beast_websocket>
//
// The working directory is zipped (content-addressed name, synapse-sdk's excludes), uploaded
// once per content, and the job runs the plugin binary with the job protocol: the action in
// SYNAPSE_ACTION_ENTRYPOINT, params in SYNAPSE_ACTION_PARAMS, or, from 32,000 characters on, in
// a params file added inside the package (never written into the user's directory). Only the
// plugin environment is forwarded (config.yaml `env` + explicit values), never the whole local
// environment. Without `binary` the job runs a Python synapse-sdk action
// (`python -m synapse_sdk.plugins.entrypoint`, action = `module.Class`).
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/detail/poll.hpp"
#include "synapse/core/reflect.hpp"
#include "synapse/executors/detail/ray_deadline_stop.hpp"
#include "synapse/executors/detail/ray_submission.hpp"
#include "synapse/executors/protocol.hpp"
#include "synapse/executors/ray_executor_options.hpp"
#include "synapse/plugin/action.hpp"
#include "synapse/plugin/serializer.hpp"
#include "synapse/ray/detail/job_report.hpp"
#include "synapse/ray/jobs_api.hpp"
#include "synapse/ray/log_tail.hpp"
#include "synapse/ray/package_cache.hpp"
#include "synapse/ray/package_manager.hpp"
#include "synapse/transport/http_stream.hpp"
#include "synapse/transport/transport.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse {

class beast_websocket;  // synapse/transport/websocket_client.hpp: the default log-tail policy

/// Chosen only when a policy does not fit: says which, one sentence each.
template <class T, class S = json_serializer, class P = pip, class W = beast_websocket>
class basic_ray_jobs_api_executor {
    static_assert(check_transport<T>());
    static_assert(check_serializer<S>());
    static_assert(check_package_manager<P>());
    static_assert(check_websocket_connector<W>(),
                  "(the default, synapse::beast_websocket, is declared in "
                  "synapse/transport/websocket_client.hpp: include it)");
};

template <Transport T, Serializer S, PackageManager P, WebSocketConnector W>
class basic_ray_jobs_api_executor<T, S, P, W> {
  public:
    using executor_concept = async_executor_tag;
    using status_type = job_status;
    using details_type = job_details;
    using transport_type = T;
    using serializer_type = S;
    using package_manager_type = P;
    using websocket_type = W;

    basic_ray_jobs_api_executor(T transport, W websocket, ray_executor_options options)
        : api_(std::move(transport)),
          websocket_(std::move(websocket)),
          options_(std::move(options)) {}

    /// An executor whose transport is `T::create(options.transport)` and whose log tail
    /// connects with the same URL, timeouts and token. When `options.transport.token` is unset
    /// and `options.look_up_ray_token`, Ray's token is looked up first (ray_auth_token).
    [[nodiscard]] static expected<basic_ray_jobs_api_executor> create(ray_executor_options options)
        requires requires(transport_options t) {
            { T::create(t) } -> std::same_as<expected<T>>;
        } && std::constructible_from<W, websocket_options>
    {
        if (options.look_up_ray_token && !options.transport.token)
            options.transport.token = ray_auth_token();
        auto t = T::create(options.transport);
        if (!t) return fail(std::move(t).error());
        W websocket(websocket_options_for(options.transport));
        return basic_ray_jobs_api_executor(std::move(*t), std::move(websocket), std::move(options));
    }

    basic_jobs_api<T>& api() noexcept { return api_; }
    const ray_executor_options& options() const noexcept { return options_; }
    const S& serializer() const noexcept { return serializer_; }

    /// Submits `action` (a C++ action name, or a Python `module.Class` when no binary is set)
    /// with JSON params; returns the submission id. Resubmitting an id that already exists
    /// returns that job instead of an error (idempotent after a lost answer).
    [[nodiscard]] expected<std::string> submit(std::string_view action, const json& params,
                                               const ray_job_options& job = {}) {
        ray_job_options with_id = job;
        const std::string id =
            *(with_id.submission_id = job.submission_id.value_or(detail::new_submission_id()));
        auto text = serializer_.write_params(params);
        if (!text) return fail(std::move(text).error());
        return submit_job(detail::job_protocol_request(action, id, std::move(*text)), with_id);
    }

    /// Submits a job of the plugin directory that runs what `request` says (the entrypoint, env
    /// vars and files beside the plugin's); `submit` is this for the job protocol.
    [[nodiscard]] expected<std::string> submit_job(const ray_job_request& request,
                                                   const ray_job_options& job = {}) {
        const std::string id = job.submission_id.value_or(detail::new_submission_id());
        auto runtime_env = detail::job_runtime_env(
            options_, request, packages_, [&](const package_options& po) { return upload(po); });
        if (!runtime_env) return fail(std::move(runtime_env).error());
        const job_submission s =
            detail::make_submission(options_, request, id, std::move(*runtime_env), job);

        auto submitted = api_.submit(s);
        if (!submitted && submitted.error().code == errc::transport_error) {
            // The answer may have been lost after Ray created the job: ask again with the same id.
            submitted = api_.submit(s);
        }
        if (!submitted && submitted.error().code == errc::already_exists) {
            if (auto existing = api_.get_job(id)) return id;
        }
        return submitted;
    }

    /// Submits the C++ action `A` with typed params: a wrong action or params type does not
    /// compile.
    template <Action A>
    [[nodiscard]] expected<std::string> submit(const typename A::params_type& params,
                                               const ray_job_options& job = {}) {
        return submit(A::name, to_json(params), job);
    }

    /// PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED; not_found for a job Ray does not know.
    [[nodiscard]] expected<job_status> get_status(std::string_view id) {
        auto job = api_.get_job(id);
        if (!job) return fail(std::move(job).error());
        return job->status;
    }

    /// One look at the job (one request, no waiting). A job past a deadline of its metadata
    /// (job_deadlines) is told to stop, and the answer is errc::timeout saying which deadline
    /// passed.
    [[nodiscard]] expected<job_details> poll(std::string_view id) {
        bool past_deadline = false;
        return look(id, past_deadline);
    }

    /// Waits until the job is terminal, up to `timeout`; `stop` ends the wait early
    /// (errc::cancelled). The status is read 20 ms after the call, then 1.5x less often up to
    /// `options.status_interval`, so a short job's end is seen within milliseconds. Deadlines
    /// are enforced as by `poll`; then the job's end is awaited (up to 30 s) before answering.
    [[nodiscard]] expected<job_details> wait(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1),
        std::stop_token stop = {}) {
        expected<job_details> job = fail(errc::timeout, "not read yet");
        bool past_deadline = false;
        const auto end = detail::poll_until(*options_.clock, stop, timeout, intervals(), [&] {
            job = look(id, past_deadline);
            return !job || is_terminal(job->status);
        });
        if (end == detail::poll_end::stopped) return fail(cancelled(id, "waiting for"));
        if (past_deadline) await_end(id);  // let Ray record the stop
        if (job && end == detail::poll_end::timed_out) {
            error e(errc::timeout, "job " + std::string(id) + " is still " +
                                       std::string(to_string(job->status)) + " after " +
                                       std::to_string(timeout.count()) + " ms");
            e.job_id = std::string(id);
            return fail(std::move(e));
        }
        return job;
    }

    /// The whole driver log so far.
    [[nodiscard]] expected<std::string> get_logs(std::string_view id) { return api_.logs(id); }

    /// Calls `on_line` for every line of the job's log, live, exactly once and in order, until
    /// the job has ended (see tail_job_logs: it returns as soon as the job is over). `on_line`
    /// returning false or `stop` being requested ends it early without an error.
    [[nodiscard]] expected<void> stream_logs(std::string_view id, const line_handler& on_line,
                                             std::stop_token stop = {}) {
        bool past_deadline = false;
        auto followed = tail(id, on_line, std::move(stop), past_deadline);
        if (!followed && followed.error().code != errc::cancelled)
            return fail(std::move(followed).error());
        return {};
    }

    /// Follows the job's log live (every line once, in order, the result lines left out) and
    /// returns its result, reading the log once. A job that did not succeed gives job_failed as
    /// get_result does; `stop` ends it with errc::cancelled (the job goes on). When following
    /// fails (the stream keeps breaking, a WebSocket is refused), `options.on_warning` is told,
    /// the job is waited for, and the rest of its log is delivered from the finished log: a job
    /// that succeeded still gives its result.
    [[nodiscard]] expected<json> follow(std::string_view id, const line_handler& on_line,
                                        std::stop_token stop = {}) {
        detail::job_log_reader reader(20);
        job_protocol::output_filter filter;
        const auto deliver = [&](std::string_view line) {
            reader.add_line(line);
            return !filter.visible(line) || on_line(line);
        };
        std::uint64_t delivered = 0;
        bool past_deadline = false;
        auto job = tail(
            id,
            [&](std::string_view line) {
                ++delivered;
                return deliver(line);
            },
            stop, past_deadline);
        if (!job && !past_deadline &&
            (job.error().code == errc::transport_error || job.error().code == errc::timeout)) {
            // Following failed (a proxy that closes streams, a WebSocket refused): that does not
            // fail the job. Wait for its end, then deliver the rest from the finished log.
            if (options_.on_warning)
                options_.on_warning("following the log of job " + std::string(id) + " failed (" +
                                    job.error().message +
                                    "); the rest of the log follows when the job has ended");
            job = wait(id, std::chrono::hours(24 * 365), stop);
            if (!job) return fail(std::move(job).error());
            tail_stats counted;
            detail::line_budget unbounded(std::string(id), stream_limits::none(), counted);
            detail::resuming_lines rest(delivered, unbounded, deliver);
            auto read =
                api_.stream_logs(id, [&](std::string_view text) { return rest.feed(text); });
            if (!read) return fail(std::move(read).error());
            rest.finish();
        }
        if (!job) return fail(std::move(job).error());
        return detail::job_result(id, *job, reader, serializer_);
    }

    /// Waits for the job and returns the result its action printed (the last complete result
    /// triple of the log). A job that did not succeed gives job_failed naming the stage, with
    /// Ray's message, the exit code and the last log lines. The log is streamed: memory stays
    /// bounded by its longest line however long it grows.
    [[nodiscard]] expected<json> get_result(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1),
        std::stop_token stop = {}) {
        auto job = wait(id, timeout, std::move(stop));
        if (!job) return fail(std::move(job).error());
        // The last lines are kept only for a failure report.
        detail::job_log_reader reader(job->status == job_status::succeeded ? 0 : 20);
        auto read = api_.stream_logs(id, [&](std::string_view text) { return reader.feed(text); });
        if (!read) return fail(std::move(read).error());
        reader.finish();
        return detail::job_result(id, *job, reader, serializer_);
    }

    /// The typed result of the C++ action `A`.
    template <Action A>
    [[nodiscard]] expected<typename A::result_type> get_result(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1),
        std::stop_token stop = {}) {
        auto j = get_result(id, timeout, std::move(stop));
        if (!j) return fail(std::move(j).error());
        return from_json<typename A::result_type>(*j);
    }

    /// Stops the job and waits until Ray reports it terminal; true when it was running.
    [[nodiscard]] expected<bool> stop(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
        auto stopped = api_.stop(id);
        if (!stopped) return stopped;
        auto job = wait(id, timeout);
        if (!job) return fail(std::move(job).error());
        return *stopped;
    }

    /// Deletes a terminal job's record.
    [[nodiscard]] expected<bool> remove(std::string_view id) { return api_.remove(id); }

  private:
    detail::backoff intervals() const {
        return detail::backoff(std::chrono::milliseconds(20), options_.status_interval);
    }

    static error cancelled(std::string_view id, std::string_view what) {
        error e(errc::cancelled, "stopped " + std::string(what) + " job " + std::string(id));
        e.job_id = std::string(id);
        return e;
    }

    /// The log tail, with the job's status read through `poll` (deadlines enforced).
    expected<job_details> tail(std::string_view id, const line_handler& on_line,
                               std::stop_token stop, bool& past_deadline) {
        struct polled_api {
            basic_ray_jobs_api_executor& self;
            bool past_deadline = false;
            expected<job_details> get_job(std::string_view job) {
                return self.look(job, past_deadline);
            }
            expected<void> stream_logs(std::string_view job, const chunk_handler& on_text) {
                return self.api_.stream_logs(job, on_text);
            }
        } api{*this};
        log_tail_options o;
        o.clock = options_.clock;
        o.max_retries = options_.transport.max_retries;
        o.idle_timeout = options_.transport.read_timeout;
        o.limits = stream_limits::none();  // the lines go to the handler, nothing is kept
        auto job = [&] {
            // WebSocket first, the HTTP stream after a WebSocket failure (e.g. a proxy that
            // limits WebSockets), when the transport can open streams of its own.
            if constexpr (requires { http_stream_connector<T>(options_.transport); }) {
                http_stream_connector<T> http(options_.transport);
                return tail_job_logs(api, websocket_, http, id, on_line, std::move(stop), o);
            } else {
                return tail_job_logs(api, websocket_, id, on_line, std::move(stop), o);
            }
        }();
        past_deadline = api.past_deadline;
        if (past_deadline) await_end(id);
        return job;
    }

    /// One look at the job; `past_deadline` is set when a deadline stopped it.
    expected<job_details> look(std::string_view id, bool& past_deadline) {
        auto job = api_.get_job(id);
        if (!job) return fail(std::move(job).error());
        if (auto why = deadline_passed(*job, options_.clock->unix_ms())) {
            past_deadline = true;
            return fail(detail::stop_for_deadline(api_, id, *job, *why));
        }
        return job;
    }

    expected<std::string> upload(const package_options& po) {
        return detail::upload_package(api_, *uploaded_, options_.working_dir, po);
    }

    void await_end(std::string_view id) {
        detail::await_stopped_job(api_, *options_.clock, intervals(), id);
    }

    basic_jobs_api<T> api_;
    W websocket_;
    ray_executor_options options_;
    [[no_unique_address]] S serializer_;
    [[no_unique_address]] P packages_;
    std::shared_ptr<package_cache> uploaded_ = std::make_shared<package_cache>();
};

}  // namespace synapse
