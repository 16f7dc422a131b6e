// What a client knows of pipeline runs through the service: status, progress, the live stream,
// waiting for the end, the result, the logs. Both pipeline executors answer these the same way;
// the service is the one source of truth.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/clock.hpp"
#include "synapse/core/detail/poll.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/pipeline/models.hpp"
#include "synapse/pipeline/service_client.hpp"
#include "synapse/pipeline/timestamp.hpp"

namespace synapse {

/// `Client` is a basic_pipeline_service_client.
template <class Client>
class pipeline_runs {
  public:
    using status_type = pipeline_service::run_status;
    using details_type = pipeline_service::pipeline_progress;

    explicit pipeline_runs(
        Client client, std::shared_ptr<const synapse::clock> clock = system_clock_ptr(),
        std::chrono::milliseconds status_interval = std::chrono::milliseconds(250))
        : client_(std::move(client)), clock_(std::move(clock)), interval_(status_interval) {}

    Client& service() noexcept { return client_; }

    /// pending, running, completed, failed or cancelled; not_found for an unknown run.
    [[nodiscard]] expected<pipeline_service::run_status> get_status(std::string_view run_id) {
        auto p = client_.get_progress(run_id);
        if (!p) return fail(std::move(p).error());
        return p->status;
    }

    /// Where the run stands: each action's status, progress and step.
    [[nodiscard]] expected<pipeline_service::pipeline_progress> get_progress(
        std::string_view run_id) {
        return client_.get_progress(run_id);
    }

    /// Follows the run over the service's SSE stream until it ends (see the client's
    /// stream_progress: reconnects with Last-Event-ID, each state once).
    [[nodiscard]] expected<void> stream_progress(
        std::string_view run_id,
        const std::function<bool(const pipeline_service::pipeline_progress&)>& on_progress,
        std::stop_token stop = {}) {
        return client_.stream_progress(run_id, on_progress, std::move(stop));
    }

    /// Waits until the run ended (completed, failed or cancelled: the run's own failure is a
    /// state, not an error), up to `timeout`; errc::timeout naming its status when it did not,
    /// errc::cancelled when `stop` was requested. `also` is called between looks (the Ray
    /// executor checks its job there); an error from it ends the wait.
    [[nodiscard]] expected<pipeline_service::pipeline_progress> wait(
        std::string_view run_id, std::chrono::milliseconds timeout = std::chrono::hours(24),
        std::stop_token stop = {},
        const std::function<expected<void>(const pipeline_service::pipeline_progress&)>& also =
            {}) {
        expected<pipeline_service::pipeline_progress> progress =
            fail(errc::timeout, "not read yet");
        const auto end = detail::poll_until(
            *clock_, stop, timeout, detail::backoff(std::chrono::milliseconds(20), interval_), [&] {
                progress = client_.get_progress(run_id);
                if (!progress || progress->is_terminal()) return true;
                if (also) {
                    if (auto checked = also(*progress); !checked) {
                        progress = fail(std::move(checked).error());
                        return true;
                    }
                }
                return false;
            });
        if (end == detail::poll_end::stopped)
            return fail(errc::cancelled, "stopped waiting for run " + std::string(run_id));
        if (progress && !progress->is_terminal())
            return fail(errc::timeout, "run " + std::string(run_id) + " is still " +
                                           std::string(to_string(progress->status)) + " after " +
                                           std::to_string(timeout.count()) + " ms");
        return progress;
    }

    /// The run's result once it completed: its final result (the last action's). A failed run
    /// is action_failed with the run's error ("<kind>: <message>" as the runner reported it); a
    /// cancelled one errc::cancelled.
    [[nodiscard]] expected<json> get_result(
        std::string_view run_id, std::chrono::milliseconds timeout = std::chrono::hours(24),
        std::stop_token stop = {}) {
        auto ended = wait(run_id, timeout, std::move(stop));
        if (!ended) return fail(std::move(ended).error());
        return result_of(run_id);
    }

    /// The result of a run that ended (see get_result).
    [[nodiscard]] expected<json> result_of(std::string_view run_id) {
        auto run = client_.get_run(run_id);
        if (!run) return fail(std::move(run).error());
        using pipeline_service::run_status;
        if (run->status == run_status::completed) return run->result.value_or(json::object());
        error e(run->status == run_status::cancelled ? errc::cancelled : errc::action_failed,
                "pipeline run " + std::string(run_id) + " " + std::string(to_string(run->status)) +
                    (run->error ? ": " + *run->error : std::string()));
        return fail(std::move(e));
    }

    /// The run's log entries (the service's filters: action, level, since, limit).
    [[nodiscard]] expected<std::vector<pipeline_service::log_entry>> logs(std::string_view run_id,
                                                                          log_query query = {}) {
        return client_.get_logs(run_id, query);
    }

    /// Marks a run that cannot end by itself (its runner is gone) as failed with `reason`, unless
    /// it ended meanwhile; the run's state afterwards.
    [[nodiscard]] expected<pipeline_service::pipeline_progress> mark_failed(std::string_view run_id,
                                                                            std::string reason) {
        auto now = client_.get_progress(run_id);
        if (!now || now->is_terminal()) return now;
        pipeline_service::run_update u;
        u.status = pipeline_service::run_status::failed;
        u.error = std::move(reason);
        if (auto patched = client_.update_run(run_id, u); !patched)
            return fail(std::move(patched).error());
        return client_.get_progress(run_id);
    }

    /// Marks a run cancelled unless it ended meanwhile, and its running action failed with
    /// "cancelled" (as its runner does on SIGTERM: whichever writes first, the run says so).
    [[nodiscard]] expected<void> mark_cancelled(std::string_view run_id) {
        auto now = client_.get_progress(run_id);
        if (!now) return fail(std::move(now).error());
        if (now->is_terminal()) return {};
        pipeline_service::run_update u;
        u.status = pipeline_service::run_status::cancelled;
        auto actions = now->actions();
        bool running = false;
        for (auto& a : actions)
            if (a.status == pipeline_service::action_status::running) {
                a.status = pipeline_service::action_status::failed;
                a.error = "cancelled";
                a.completed_at = pipeline_service::detail::now_timestamp();
                running = true;
            }
        if (running) u.progress = std::move(actions);
        auto patched = client_.update_run(run_id, u);
        if (!patched) return fail(std::move(patched).error());
        return {};
    }

  private:
    Client client_;
    std::shared_ptr<const synapse::clock> clock_;
    std::chrono::milliseconds interval_;
};

}  // namespace synapse
