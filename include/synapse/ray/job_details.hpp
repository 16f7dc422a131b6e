// The Jobs API's data (Ray 2.60, ../docs/ray-http-api.md §2-3): job statuses, a job's details as
// GET /api/jobs/{id} reports them, and the body of a submission.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"

namespace synapse {

/// A Ray job's status, as Ray reports it. Terminal: stopped, succeeded, failed.
enum class job_status { pending, running, stopped, succeeded, failed };

constexpr std::string_view to_string(job_status s) noexcept {
    switch (s) {
        case job_status::pending: return "PENDING";
        case job_status::running: return "RUNNING";
        case job_status::stopped: return "STOPPED";
        case job_status::succeeded: return "SUCCEEDED";
        case job_status::failed: return "FAILED";
    }
    return "INVALID_JOB_STATUS";
}

constexpr bool is_terminal(job_status s) noexcept {
    return s == job_status::stopped || s == job_status::succeeded || s == job_status::failed;
}

/// The status Ray names `text` (e.g. "RUNNING"), or nothing.
[[nodiscard]] inline std::optional<job_status> parse_job_status(std::string_view text) noexcept {
    for (auto s : {job_status::pending, job_status::running, job_status::stopped,
                   job_status::succeeded, job_status::failed})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

/// GET /api/version
struct ray_version_info {
    std::string version;      ///< Jobs API version, "4" for Ray 2.x
    std::string ray_version;  ///< e.g. "2.60.0"
    std::string ray_commit;
    std::string session_name;
};

/// The body of POST /api/jobs/. Unset optional fields are not sent.
struct job_submission {
    std::string entrypoint;
    std::optional<std::string> submission_id;
    json runtime_env = json::object();
    std::map<std::string, std::string> metadata;
    std::optional<double> entrypoint_num_cpus;
    std::optional<double> entrypoint_num_gpus;
    std::optional<std::int64_t> entrypoint_memory;  ///< bytes
    json entrypoint_resources = json::object();     ///< custom resource name -> amount
};

/// A job as GET /api/jobs/{id} describes it (unknown keys are kept in `raw`).
struct job_details {
    std::string type;  ///< "SUBMISSION" or "DRIVER"
    std::optional<std::string> job_id;
    std::optional<std::string> submission_id;
    job_status status = job_status::pending;
    std::string entrypoint;
    std::string message;
    std::optional<std::string> error_type;
    std::optional<std::int64_t> start_time;  ///< unix milliseconds
    std::optional<std::int64_t> end_time;    ///< unix milliseconds
    std::optional<int> driver_exit_code;
    std::optional<std::string> driver_node_id;  ///< the node the driver runs on, once it started
    json metadata = json::object();
    json raw;
};

namespace detail {

inline std::optional<std::string> optional_string(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

/// The integer at `key`: an integer, or a float with an integral value, that fits `I`.
template <class I>
std::optional<I> optional_integer(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return std::nullopt;
    if (it->is_number_integer()) {
        const auto v = it->template get<std::int64_t>();
        if (v < std::numeric_limits<I>::min() || v > std::numeric_limits<I>::max())
            return std::nullopt;
        return static_cast<I>(v);
    }
    if (it->is_number_unsigned()) {
        const auto v = it->template get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(std::numeric_limits<I>::max())) return std::nullopt;
        return static_cast<I>(v);
    }
    if (it->is_number_float()) {
        const double v = it->template get<double>();
        // Within I's range (the bounds are powers of two, exact as doubles) and whole.
        if (!(v >= -std::ldexp(1.0, std::numeric_limits<I>::digits) &&
              v < std::ldexp(1.0, std::numeric_limits<I>::digits)) ||
            v != std::trunc(v))
            return std::nullopt;
        return static_cast<I>(v);
    }
    return std::nullopt;
}

inline unexpected_type<error> malformed(std::string_view what, std::string why) {
    return fail(errc::malformed_response, std::string(what) + ": " + why);
}

inline expected<job_details> parse_job_details(json j, std::string_view what) {
    if (!j.is_object()) return malformed(what, "expected a JSON object for a job");
    job_details d;
    auto status = optional_string(j, "status");
    if (!status) return malformed(what, "the job has no status");
    auto parsed = parse_job_status(*status);
    if (!parsed) return malformed(what, "unknown job status \"" + *status + "\"");
    d.status = *parsed;
    d.type = optional_string(j, "type").value_or("");
    d.job_id = optional_string(j, "job_id");
    d.submission_id = optional_string(j, "submission_id");
    d.entrypoint = optional_string(j, "entrypoint").value_or("");
    d.message = optional_string(j, "message").value_or("");
    d.error_type = optional_string(j, "error_type");
    d.start_time = optional_integer<std::int64_t>(j, "start_time");
    d.end_time = optional_integer<std::int64_t>(j, "end_time");
    d.driver_exit_code = optional_integer<int>(j, "driver_exit_code");
    d.driver_node_id = optional_string(j, "driver_node_id");
    if (auto it = j.find("metadata"); it != j.end() && it->is_object()) d.metadata = *it;
    d.raw = std::move(j);
    return d;
}

}  // namespace detail

}  // namespace synapse
