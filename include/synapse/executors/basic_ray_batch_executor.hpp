// basic_ray_batch_executor: batch work on Ray. Many submissions at once, their statuses, and one
// wait for all of them, over the same Jobs API client as basic_ray_jobs_api_executor.
// `ray_job_executor` (synapse-sdk's name) is the one over cpp-httplib and Boost.Beast.
//
//     auto exec = synapse::ray_job_executor::create(options);
//     auto ids = exec->submit_all({{"train", p1}, {"train", p2}, {"train", p3}});
//     auto done = exec->wait_all(exec->ids(), std::chrono::minutes(30));
//
// It knows the jobs it submitted in this process (as synapse-sdk's RayJobExecutor does): asked
// about any other id it answers not_found, without asking Ray.
#pragma once

#include <chrono>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/executors/basic_ray_jobs_api_executor.hpp"

namespace synapse {

/// Chosen only when a policy does not fit: says which, one sentence each.
template <class T, class S = json_serializer, class P = pip, class W = beast_websocket>
class basic_ray_batch_executor {
    static_assert(check_transport<T>());
    static_assert(check_serializer<S>());
    static_assert(check_package_manager<P>());
    static_assert(check_websocket_connector<W>());
};

template <Transport T, Serializer S, PackageManager P, WebSocketConnector W>
class basic_ray_batch_executor<T, S, P, W> {
  public:
    using executor_concept = async_executor_tag;
    using jobs_executor = basic_ray_jobs_api_executor<T, S, P, W>;
    using status_type = job_status;
    using details_type = job_details;

    /// One job of a batch.
    struct submission {
        std::string action;
        json params;
        ray_job_options options = {};
    };

    explicit basic_ray_batch_executor(jobs_executor jobs) : jobs_(std::move(jobs)) {}

    /// A batch executor over `jobs_executor::create(options)`.
    [[nodiscard]] static expected<basic_ray_batch_executor> create(ray_executor_options options)
        requires requires { jobs_executor::create(std::move(options)); }
    {
        auto jobs = jobs_executor::create(std::move(options));
        if (!jobs) return fail(std::move(jobs).error());
        return basic_ray_batch_executor(std::move(*jobs));
    }

    /// Submits one job and remembers its id.
    [[nodiscard]] expected<std::string> submit(std::string_view action, const json& params,
                                               const ray_job_options& options = {}) {
        auto id = jobs_.submit(action, params, options);
        if (id && known_.insert(*id).second) ids_.push_back(*id);
        return id;
    }

    /// Submits the C++ action `A` with typed params.
    template <Action A>
    [[nodiscard]] expected<std::string> submit(const typename A::params_type& params,
                                               const ray_job_options& options = {}) {
        return submit(A::name, to_json(params), options);
    }

    /// Submits every job of the batch, in order; one answer per job. A failed submission does not
    /// stop the others (its answer is the error).
    [[nodiscard]] std::vector<expected<std::string>> submit_all(
        const std::vector<submission>& batch) {
        std::vector<expected<std::string>> out;
        out.reserve(batch.size());
        for (const auto& s : batch) out.push_back(submit(s.action, s.params, s.options));
        return out;
    }

    /// The ids submitted through this executor, in order.
    const std::vector<std::string>& ids() const noexcept { return ids_; }
    bool knows(std::string_view id) const { return known_.contains(std::string(id)); }

    /// PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED; not_found, without a request, for an id
    /// this executor did not submit.
    [[nodiscard]] expected<job_status> get_status(std::string_view id) {
        if (!knows(id)) return unknown(id);
        return jobs_.get_status(id);
    }

    /// Waits for one job (see basic_ray_jobs_api_executor::wait).
    [[nodiscard]] expected<job_details> wait(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1),
        std::stop_token stop = {}) {
        if (!knows(id)) return unknown(id);
        return jobs_.wait(id, timeout, std::move(stop));
    }

    /// Waits until every job in `ids` is terminal or `timeout` has passed; one answer per id, in
    /// order: the job's details once terminal, or its error (not_found for an id this executor
    /// did not submit, timeout for a job still running at the end or stopped for passing a
    /// deadline, cancelled when `stop` was requested, the transport's error for a job that could
    /// not be read). Only unfinished jobs are polled, 20 ms apart at first, then up to the
    /// options' status_interval.
    [[nodiscard]] std::vector<expected<job_details>> wait_all(
        const std::vector<std::string>& ids,
        std::chrono::milliseconds timeout = std::chrono::hours(1), std::stop_token stop = {}) {
        std::vector<expected<job_details>> out;
        std::vector<std::size_t> open;
        out.reserve(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (knows(ids[i])) {
                out.emplace_back(fail(errc::timeout, "not read yet"));
                open.push_back(i);
            } else {
                out.push_back(unknown(ids[i]));
            }
        }
        const auto& options = jobs_.options();
        const auto end = detail::poll_until(
            *options.clock, stop, timeout,
            detail::backoff(std::chrono::milliseconds(20), options.status_interval), [&] {
                std::erase_if(open, [&](std::size_t i) {
                    auto job = jobs_.poll(ids[i]);
                    const bool done = !job || is_terminal(job->status);
                    out[i] = std::move(job);
                    return done;
                });
                return open.empty();
            });
        for (std::size_t i : open) {
            error e =
                end == detail::poll_end::stopped
                    ? error(errc::cancelled, "stopped waiting for job " + ids[i])
                    : error(errc::timeout, "job " + ids[i] + " is still " +
                                               std::string(to_string(out[i]->status)) + " after " +
                                               std::to_string(timeout.count()) + " ms");
            e.job_id = ids[i];
            out[i] = fail(std::move(e));
        }
        return out;
    }

    /// The result of one job (see basic_ray_jobs_api_executor::get_result).
    [[nodiscard]] expected<json> get_result(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1),
        std::stop_token stop = {}) {
        if (!knows(id)) return unknown(id);
        return jobs_.get_result(id, timeout, std::move(stop));
    }

    /// The typed result of the C++ action `A`.
    template <Action A>
    [[nodiscard]] expected<typename A::result_type> get_result(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1)) {
        if (!knows(id)) return unknown(id);
        return jobs_.template get_result<A>(id, timeout);
    }

    [[nodiscard]] expected<std::string> get_logs(std::string_view id) {
        if (!knows(id)) return unknown(id);
        return jobs_.get_logs(id);
    }

    [[nodiscard]] expected<void> stream_logs(std::string_view id, const line_handler& on_line,
                                             std::stop_token stop = {}) {
        if (!knows(id)) return unknown(id);
        return jobs_.stream_logs(id, on_line, std::move(stop));
    }

    [[nodiscard]] expected<bool> stop(std::string_view id) {
        if (!knows(id)) return unknown(id);
        return jobs_.stop(id);
    }

    /// Deletes a terminal job's record and forgets its id.
    [[nodiscard]] expected<bool> remove(std::string_view id) {
        if (!knows(id)) return unknown(id);
        auto removed = jobs_.remove(id);
        if (removed) {
            known_.erase(std::string(id));
            std::erase(ids_, std::string(id));
        }
        return removed;
    }

    /// The single-job executor underneath.
    jobs_executor& jobs() noexcept { return jobs_; }

  private:
    static unexpected_type<error> unknown(std::string_view id) {
        error e(errc::not_found, "job " + std::string(id) + " was not submitted by this executor");
        e.job_id = std::string(id);
        return fail(std::move(e));
    }

    jobs_executor jobs_;
    std::vector<std::string> ids_;
    std::set<std::string, std::less<>> known_;
};

}  // namespace synapse
