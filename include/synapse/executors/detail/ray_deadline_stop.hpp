// What a client does when a job passed a deadline of its metadata: tell Ray to stop it, say why,
// and give Ray a moment to record the end.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "synapse/core/clock.hpp"
#include "synapse/core/detail/poll.hpp"
#include "synapse/core/error.hpp"
#include "synapse/ray/job_details.hpp"

namespace synapse::detail {

/// Tells a job that passed a deadline to stop, and says why. Ray 2.60 cannot stop a job that is
/// still PENDING (its supervisor is not scheduled): the stop is queued and takes effect once it
/// is, or Ray fails the job at its own start timeout; the error says so.
template <class JobsApi>
error stop_for_deadline(JobsApi& api, std::string_view id, const job_details& job,
                        const std::string& why) {
    std::string message = "job " + std::string(id) + " was stopped by the client: " + why;
    auto stopped = api.stop(id);
    if (!stopped)
        message += " (stopping it failed: " + stopped.error().message + ")";
    else if (job.status == job_status::pending)
        message +=
            " (Ray applies the stop once the job is scheduled; until then it stays PENDING or "
            "ends at Ray's start timeout, RAY_JOB_START_TIMEOUT_SECONDS)";
    error e(errc::timeout, std::move(message));
    e.job_id = std::string(id);
    return e;
}

/// After a deadline stop: waits up to 30 s for Ray to record the job's end (not for a job
/// still PENDING, which Ray cannot stop yet).
template <class JobsApi>
void await_stopped_job(JobsApi& api, const clock& clock, backoff intervals, std::string_view id) {
    (void)poll_until(clock, {}, std::chrono::seconds(30), intervals, [&] {
        auto now = api.get_job(id);
        return !now || is_terminal(now->status) || now->status == job_status::pending;
    });
}

}  // namespace synapse::detail
