// Deadlines beyond Ray's own for a job: how long it may stay PENDING, and how long it may take in
// all. They travel in the job's metadata, so any client that waits on the job (another process,
// a later session) enforces them: it stops the job once one has passed and says which.
//
//     synapse::ray_job_options o;
//     o.deadlines.pending = std::chrono::minutes(5);  // no GPU free after 5 min: give up
//     o.deadlines.run = std::chrono::hours(2);        // from submission, pending time included
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "synapse/core/json.hpp"
#include "synapse/ray/jobs_api.hpp"

namespace synapse {

/// Both deadlines count from the job's submission (Ray's `start_time`, in the cluster's clock).
struct job_deadlines {
    std::optional<std::chrono::milliseconds> pending;  ///< longest time in PENDING
    std::optional<std::chrono::milliseconds> run;      ///< longest time until a terminal status
};

/// The metadata keys (values are decimal milliseconds).
inline constexpr std::string_view pending_deadline_key = "synapse_pending_deadline_ms";
inline constexpr std::string_view run_deadline_key = "synapse_run_deadline_ms";

/// Adds the set deadlines to a job's metadata.
inline void write_deadlines(const job_deadlines& d, std::map<std::string, std::string>& metadata) {
    if (d.pending) metadata[std::string(pending_deadline_key)] = std::to_string(d.pending->count());
    if (d.run) metadata[std::string(run_deadline_key)] = std::to_string(d.run->count());
}

/// The deadlines in a job's metadata; a missing or unreadable value means none.
inline job_deadlines read_deadlines(const json& metadata) {
    auto read = [&](std::string_view key) -> std::optional<std::chrono::milliseconds> {
        if (!metadata.is_object()) return std::nullopt;
        auto it = metadata.find(std::string(key));
        if (it == metadata.end() || !it->is_string()) return std::nullopt;
        const std::string& text = it->get_ref<const std::string&>();
        std::int64_t ms = 0;
        if (text.empty() || text.size() > 15) return std::nullopt;
        for (char c : text) {
            if (c < '0' || c > '9') return std::nullopt;
            ms = ms * 10 + (c - '0');
        }
        return std::chrono::milliseconds(ms);
    };
    return {read(pending_deadline_key), read(run_deadline_key)};
}

/// Why `job` is over one of its deadlines at `now_ms` (unix milliseconds), or nothing when it is
/// terminal, within them, or has none.
[[nodiscard]] inline std::optional<std::string> deadline_passed(const job_details& job,
                                                                std::int64_t now_ms) {
    if (is_terminal(job.status) || !job.start_time) return std::nullopt;
    const job_deadlines d = read_deadlines(job.metadata);
    const std::int64_t age = now_ms - *job.start_time;
    if (d.pending && job.status == job_status::pending && age > d.pending->count())
        return "still PENDING after its pending deadline of " + std::to_string(d.pending->count()) +
               " ms";
    if (d.run && age > d.run->count())
        return std::string(to_string(job.status)) + " past its run deadline of " +
               std::to_string(d.run->count()) + " ms";
    return std::nullopt;
}

}  // namespace synapse
