// ray_job_executor: batch work on Ray. Many submissions at once, their statuses, and one wait for
// all of them, over the same Jobs API client as ray_jobs_api_executor.
//
//     auto exec = synapse::ray_job_executor::create(options);
//     auto ids = exec->submit_all({{"train", p1}, {"train", p2}, {"train", p3}});
//     auto done = exec->wait_all(exec->ids(), std::chrono::minutes(30));
//
// It knows the jobs it submitted in this process (as synapse-sdk's RayJobExecutor does):
// `get_status` answers UNKNOWN for any other id, without asking Ray.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "synapse/executors/protocol.hpp"
#include "synapse/executors/ray_jobs_executor.hpp"

namespace synapse {

template <class T>
class basic_ray_job_executor {
  public:
    using executor_concept = async_executor_tag;

    /// One job of a batch.
    struct submission {
        std::string action;
        json params;
        ray_job_options options = {};
    };

    explicit basic_ray_job_executor(basic_ray_jobs_executor<T> jobs) : jobs_(std::move(jobs)) {}

    /// Submits one job and remembers its id.
    expected<std::string> submit(std::string_view action, const json& params,
                                 const ray_job_options& options = {}) {
        auto id = jobs_.submit(action, params, options);
        if (id && known_.insert(*id).second) ids_.push_back(*id);
        return id;
    }

    /// Submits every job of the batch, in order; one answer per job. A failed submission does not
    /// stop the others (its answer is the error).
    std::vector<expected<std::string>> submit_all(const std::vector<submission>& batch) {
        std::vector<expected<std::string>> out;
        out.reserve(batch.size());
        for (const auto& s : batch) out.push_back(submit(s.action, s.params, s.options));
        return out;
    }

    /// The ids submitted through this executor, in order.
    const std::vector<std::string>& ids() const noexcept { return ids_; }
    bool knows(std::string_view id) const { return known_.contains(std::string(id)); }

    /// PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED; UNKNOWN for an id this executor did not
    /// submit (no request is made).
    expected<job_status> get_status(std::string_view id) {
        if (!knows(id)) return job_status::unknown;
        return jobs_.get_status(id);
    }

    /// Waits for one job (see basic_ray_jobs_executor::wait); not_found for an unknown id.
    expected<job_details> wait(std::string_view id,
                               std::chrono::milliseconds timeout = std::chrono::hours(1)) {
        if (!knows(id)) return unknown(id);
        return jobs_.wait(id, timeout);
    }

    /// Waits until every job in `ids` is terminal or `timeout` has passed; one answer per id, in
    /// order: the job's details once terminal, or its error (not_found for an id this executor
    /// did not submit, timeout for a job still running at the end or stopped for passing a
    /// deadline, the transport's error for a job that could not be read). Only unfinished jobs
    /// are polled, 20 ms apart at first, then up to `poll_interval`.
    std::vector<expected<job_details>> wait_all(
        const std::vector<std::string>& ids,
        std::chrono::milliseconds timeout = std::chrono::hours(1),
        std::chrono::milliseconds poll_interval = std::chrono::milliseconds(500)) {
        std::vector<expected<job_details>> out;
        std::vector<std::size_t> open;
        out.reserve(ids.size());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (knows(ids[i])) {
                out.emplace_back(unexpected_type<error>(error(errc::timeout, "not waited on")));
                open.push_back(i);
            } else {
                out.push_back(unknown(ids[i]));
            }
        }
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        auto interval = std::min(std::chrono::milliseconds(20), poll_interval);
        while (!open.empty()) {
            std::erase_if(open, [&](std::size_t i) {
                auto job = jobs_.poll(ids[i]);
                const bool done = !job || is_terminal(job->status);
                out[i] = std::move(job);
                return done;
            });
            if (open.empty()) break;
            if (std::chrono::steady_clock::now() >= deadline) {
                for (std::size_t i : open) {
                    error e(errc::timeout, "job " + ids[i] + " is still " +
                                               std::string(to_string(out[i]->status)) + " after " +
                                               std::to_string(timeout.count()) + " ms");
                    e.job_id = ids[i];
                    out[i] = fail(std::move(e));
                }
                break;
            }
            std::this_thread::sleep_for(interval);
            interval = std::min(poll_interval, interval * 3 / 2);
        }
        return out;
    }

    /// The result of one job (see basic_ray_jobs_executor::get_result); not_found for an unknown
    /// id.
    expected<json> get_result(std::string_view id,
                              std::chrono::milliseconds timeout = std::chrono::hours(1)) {
        if (!knows(id)) return unknown(id);
        return jobs_.get_result(id, timeout);
    }

    /// The typed result of a C++ action.
    template <Action A>
    expected<typename A::result_type> get_result(
        std::string_view id, std::chrono::milliseconds timeout = std::chrono::hours(1)) {
        if (!knows(id)) return unknown(id);
        return jobs_.template get_result<A>(id, timeout);
    }

    expected<std::string> get_logs(std::string_view id) {
        if (!knows(id)) return unknown(id);
        return jobs_.get_logs(id);
    }

    expected<void> stream_logs(std::string_view id,
                               const std::function<bool(std::string_view line)>& on_line,
                               std::stop_token stop = {}) {
        if (!knows(id)) return unknown(id);
        return jobs_.stream_logs(id, on_line, std::move(stop));
    }

    expected<bool> stop(std::string_view id) {
        if (!knows(id)) return unknown(id);
        return jobs_.stop(id);
    }

    /// Deletes a terminal job's record and forgets its id.
    expected<bool> remove(std::string_view id) {
        if (!knows(id)) return unknown(id);
        auto removed = jobs_.remove(id);
        if (removed) {
            known_.erase(std::string(id));
            std::erase(ids_, std::string(id));
        }
        return removed;
    }

    /// The single-job executor underneath.
    basic_ray_jobs_executor<T>& jobs() noexcept { return jobs_; }

  private:
    static unexpected_type<error> unknown(std::string_view id) {
        error e(errc::not_found, "job " + std::string(id) + " was not submitted by this executor");
        e.job_id = std::string(id);
        return fail(std::move(e));
    }

    basic_ray_jobs_executor<T> jobs_;
    std::vector<std::string> ids_;
    std::set<std::string, std::less<>> known_;
};

/// The batch executor over cpp-httplib.
class ray_job_executor : public basic_ray_job_executor<httplib_transport> {
  public:
    using basic_ray_job_executor::basic_ray_job_executor;

    static expected<ray_job_executor> create(ray_executor_options options) {
        auto jobs = ray_jobs_api_executor::create(std::move(options));
        if (!jobs) return fail(std::move(jobs).error());
        return ray_job_executor(std::move(*jobs));
    }
};

static_assert(check_async_executor<ray_job_executor>());

}  // namespace synapse
