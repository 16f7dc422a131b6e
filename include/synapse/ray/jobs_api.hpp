// The Ray Jobs API of the dashboard (Ray 2.60, ../docs/ray-http-api.md §2–3, §6), typed, over
// any Transport:
//
//     auto t = synapse::httplib_transport::create({.base_url = "http://127.0.0.1:8265"});
//     synapse::basic_jobs_api api(std::move(*t));
//     auto id = api.submit({.entrypoint = "echo hello"});            // expected<std::string>
//     auto job = api.get_job(*id);                                   // expected<job_details>
//
// Ray's plain-text error bodies become errors with the HTTP status and Ray's message: 404 →
// not_found, 401/403 → unauthorized, a duplicate submission id → already_exists.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/ray/detail/json_field_stream.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse {

/// A Ray job's status. Terminal: stopped, succeeded, failed.
/// A job's state as Ray reports it. `unknown` is never sent by Ray: ray_job_executor answers it
/// for ids it did not submit.
enum class job_status { pending, running, stopped, succeeded, failed, unknown };

constexpr std::string_view to_string(job_status s) noexcept {
    switch (s) {
        case job_status::pending: return "PENDING";
        case job_status::running: return "RUNNING";
        case job_status::stopped: return "STOPPED";
        case job_status::succeeded: return "SUCCEEDED";
        case job_status::failed: return "FAILED";
        case job_status::unknown: return "UNKNOWN";
    }
    return "PENDING";
}

constexpr bool is_terminal(job_status s) noexcept {
    return s == job_status::stopped || s == job_status::succeeded || s == job_status::failed;
}

inline std::optional<job_status> parse_job_status(std::string_view text) noexcept {
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
    json metadata = json::object();
    json raw;
};

namespace detail {

inline std::optional<std::string> optional_string(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

template <class I>
std::optional<I> optional_integer(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return std::nullopt;
    return static_cast<I>(it->get<double>());
}

inline unexpected_type<error> malformed(std::string_view what, std::string why) {
    return fail(errc::malformed_response, std::string(what) + ": " + why);
}

inline expected<json> json_body(const http_response& r, std::string_view what) {
    auto j = parse_json(r.body, std::string(what) + " response");
    if (!j) return malformed(what, std::move(j).error().message);
    return j;
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
    if (auto it = j.find("metadata"); it != j.end() && it->is_object()) d.metadata = *it;
    d.raw = std::move(j);
    return d;
}

}  // namespace detail

template <class T>
class basic_jobs_api {
    static_assert(check_transport<T>());

  public:
    explicit basic_jobs_api(T transport) : transport_(std::move(transport)) {}

    T& transport() noexcept { return transport_; }

    /// GET /api/version
    expected<ray_version_info> version() {
        auto j = get_json("/api/version", "reading the Ray version");
        if (!j) return fail(std::move(j).error());
        ray_version_info v;
        v.version = detail::optional_string(*j, "version").value_or("");
        v.ray_version = detail::optional_string(*j, "ray_version").value_or("");
        v.ray_commit = detail::optional_string(*j, "ray_commit").value_or("");
        v.session_name = detail::optional_string(*j, "session_name").value_or("");
        if (v.ray_version.empty())
            return detail::malformed("reading the Ray version", "no ray_version in the answer");
        return v;
    }

    /// POST /api/jobs/; returns the submission id. A submission id that is taken gives
    /// errc::already_exists.
    expected<std::string> submit(const job_submission& s) {
        json body = {{"entrypoint", s.entrypoint}};
        if (s.submission_id) body["submission_id"] = *s.submission_id;
        if (!s.runtime_env.empty()) body["runtime_env"] = s.runtime_env;
        if (!s.metadata.empty()) body["metadata"] = s.metadata;
        if (s.entrypoint_num_cpus) body["entrypoint_num_cpus"] = *s.entrypoint_num_cpus;
        if (s.entrypoint_num_gpus) body["entrypoint_num_gpus"] = *s.entrypoint_num_gpus;
        if (s.entrypoint_memory) body["entrypoint_memory"] = *s.entrypoint_memory;
        if (!s.entrypoint_resources.empty()) body["entrypoint_resources"] = s.entrypoint_resources;
        http_request r{"POST", "/api/jobs/", {}, body.dump(), "application/json"};
        const std::string what = "submitting a job";
        auto sent = transport_.send(r);
        if (sent && (sent->status == 400 || sent->status == 500) &&
            sent->body.find("Please use a different submission_id") != std::string::npos) {
            error e(errc::already_exists,
                    what + ": submission id '" + s.submission_id.value_or("") + "' is taken");
            e.http_status = sent->status;
            e.job_id = s.submission_id.value_or("");
            return fail(std::move(e));
        }
        auto checked = check_status(std::move(sent), what);
        if (!checked) return fail(std::move(checked).error());
        auto j = detail::json_body(*checked, what);
        if (!j) return fail(std::move(j).error());
        auto id = detail::optional_string(*j, "submission_id");
        if (!id) id = detail::optional_string(*j, "job_id");
        if (!id) return detail::malformed(what, "no submission_id in the answer");
        return *id;
    }

    /// GET /api/jobs/{id}
    expected<job_details> get_job(std::string_view id) {
        auto j = get_json(job_path(id), "reading job " + std::string(id), id);
        if (!j) return fail(std::move(j).error());
        return detail::parse_job_details(std::move(*j), "reading job " + std::string(id));
    }

    /// GET /api/jobs/
    expected<std::vector<job_details>> list_jobs() {
        auto j = get_json("/api/jobs/", "listing jobs");
        if (!j) return fail(std::move(j).error());
        if (!j->is_array()) return detail::malformed("listing jobs", "expected a JSON array");
        std::vector<job_details> out;
        for (auto& item : *j) {
            auto d = detail::parse_job_details(std::move(item), "listing jobs");
            if (!d) return fail(std::move(d).error());
            out.push_back(std::move(*d));
        }
        return out;
    }

    /// GET /api/jobs/{id}/logs: the whole driver log so far.
    expected<std::string> logs(std::string_view id) {
        auto j = get_json(job_path(id) + "/logs", "reading the logs of job " + std::string(id), id);
        if (!j) return fail(std::move(j).error());
        auto text = detail::optional_string(*j, "logs");
        if (!text) return detail::malformed("reading logs", "no logs in the answer");
        return *text;
    }

    /// GET /api/jobs/{id}/logs, streamed: the driver log so far goes to `on_text` in decoded
    /// pieces as the answer arrives, so memory stays bounded however long the log is. `on_text`
    /// returning false ends the call early, without an error.
    expected<void> stream_logs(std::string_view id, const chunk_handler& on_text) {
        const std::string what = "reading the logs of job " + std::string(id);
        bool stopped = false;
        detail::json_field_stream decoder("logs", [&](std::string_view text) {
            if (!on_text(text)) stopped = true;
            return !stopped;
        });
        bool broken = false;
        auto sent = transport_.stream({"GET", job_path(id) + "/logs", {}, {}, {}},
                                      [&](std::string_view chunk) {
                                          if (decoder.feed(chunk)) return true;
                                          broken = !stopped;
                                          return false;
                                      });
        auto checked = check_status(std::move(sent), what);
        if (!checked) {
            error e = std::move(checked).error();
            e.job_id = std::string(id);
            return fail(std::move(e));
        }
        if (stopped) return {};
        if (broken) return detail::malformed(what, decoder.error_message());
        auto done = decoder.finish();
        if (!done) return detail::malformed(what, std::move(done).error().message);
        return {};
    }

    /// POST /api/jobs/{id}/stop; true when a running job was told to stop.
    expected<bool> stop(std::string_view id) {
        return bool_call("POST", job_path(id) + "/stop", "stopped", "stopping job", id);
    }

    /// DELETE /api/jobs/{id} (terminal jobs only; Ray answers 500 otherwise).
    expected<bool> remove(std::string_view id) {
        return bool_call("DELETE", job_path(id), "deleted", "deleting job", id);
    }

    /// GET /api/packages/gcs/{name}: whether the package is there (and pins it for a while).
    expected<bool> package_exists(std::string_view name) {
        http_request r{"GET", "/api/packages/gcs/" + detail::url_segment(name), {}, {}, {}};
        auto sent = transport_.send(r);
        if (sent && sent->status == 404) return false;
        auto checked = check_status(std::move(sent), "checking package " + std::string(name));
        if (!checked) return fail(std::move(checked).error());
        return true;
    }

    /// PUT /api/packages/gcs/{name} with the zip bytes.
    expected<void> upload_package(std::string_view name, std::string bytes) {
        http_request r{"PUT",
                       "/api/packages/gcs/" + detail::url_segment(name),
                       {},
                       std::move(bytes),
                       "application/octet-stream"};
        auto checked = check_status(transport_.send(r), "uploading package " + std::string(name));
        if (!checked) return fail(std::move(checked).error());
        return {};
    }

  private:
    static std::string job_path(std::string_view id) {
        return "/api/jobs/" + detail::url_segment(id);
    }

    expected<json> get_json(const std::string& target, const std::string& what,
                            std::string_view job_id = {}) {
        auto checked = check_status(transport_.send({"GET", target, {}, {}, {}}), what);
        if (!checked) {
            error e = std::move(checked).error();
            e.job_id = std::string(job_id);
            return fail(std::move(e));
        }
        return detail::json_body(*checked, what);
    }

    expected<bool> bool_call(const char* method, const std::string& target, const char* key,
                             const std::string& what, std::string_view id) {
        std::string call = what + " " + std::string(id);
        auto checked = check_status(transport_.send({method, target, {}, {}, {}}), call);
        if (!checked) {
            error e = std::move(checked).error();
            e.job_id = std::string(id);
            return fail(std::move(e));
        }
        auto j = detail::json_body(*checked, call);
        if (!j) return fail(std::move(j).error());
        auto it = j->find(key);
        if (it == j->end() || !it->is_boolean())
            return detail::malformed(call, std::string("no boolean \"") + key + "\" in the answer");
        return it->template get<bool>();
    }

    T transport_;
};

}  // namespace synapse
