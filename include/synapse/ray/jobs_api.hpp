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
#include <type_traits>
#include <utility>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/ray/dashboard.hpp"
#include "synapse/ray/detail/json_field_stream.hpp"
#include "synapse/ray/job_details.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse {

namespace detail {

inline expected<json> json_body(const http_response& r, std::string_view what) {
    auto j = parse_json(r.body, std::string(what) + " response");
    if (!j) return malformed(what, std::move(j).error().message);
    return j;
}

}  // namespace detail

/// The Jobs API over the transport `T`. Every call makes one request (no retries beyond the
/// transport's own) and answers a typed value or an error naming the call and, for a job, its id.
template <class T>
class basic_jobs_api {
    static_assert(check_transport<std::remove_reference_t<T>>());

  public:
    explicit basic_jobs_api(T transport) : transport_(std::forward<T>(transport)) {}

    T& transport() noexcept { return transport_; }

    /// GET /api/version
    [[nodiscard]] expected<ray_version_info> version() {
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
    [[nodiscard]] expected<std::string> submit(const job_submission& s) {
        json body = {{"entrypoint", s.entrypoint}};
        if (s.submission_id) body["submission_id"] = *s.submission_id;
        if (!s.runtime_env.empty()) body["runtime_env"] = s.runtime_env;
        if (!s.metadata.empty()) body["metadata"] = s.metadata;
        if (s.entrypoint_num_cpus) body["entrypoint_num_cpus"] = *s.entrypoint_num_cpus;
        if (s.entrypoint_num_gpus) body["entrypoint_num_gpus"] = *s.entrypoint_num_gpus;
        if (s.entrypoint_memory) body["entrypoint_memory"] = *s.entrypoint_memory;
        if (!s.entrypoint_resources.empty()) body["entrypoint_resources"] = s.entrypoint_resources;
        http_request r{"POST",
                       "/api/jobs/",
                       {},
                       body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json"};
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
        if (!checked) return fail(detail::with_ray_token_hint(std::move(checked).error()));
        auto j = detail::json_body(*checked, what);
        if (!j) return fail(std::move(j).error());
        auto id = detail::optional_string(*j, "submission_id");
        if (!id) id = detail::optional_string(*j, "job_id");
        if (!id) return detail::malformed(what, "no submission_id in the answer");
        return *id;
    }

    /// GET /api/jobs/{id}
    [[nodiscard]] expected<job_details> get_job(std::string_view id) {
        auto j = get_json(job_path(id), "reading job " + std::string(id), id);
        if (!j) return fail(std::move(j).error());
        return detail::parse_job_details(std::move(*j), "reading job " + std::string(id));
    }

    /// GET /api/jobs/
    [[nodiscard]] expected<std::vector<job_details>> list_jobs() {
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
    [[nodiscard]] expected<std::string> logs(std::string_view id) {
        auto j = get_json(job_path(id) + "/logs", "reading the logs of job " + std::string(id), id);
        if (!j) return fail(std::move(j).error());
        auto text = detail::optional_string(*j, "logs");
        if (!text) return detail::malformed("reading logs", "no logs in the answer");
        return *text;
    }

    /// GET /api/jobs/{id}/logs, streamed: the driver log so far goes to `on_text` in decoded
    /// pieces as the answer arrives, so memory stays bounded however long the log is. `on_text`
    /// returning false ends the call early, without an error.
    [[nodiscard]] expected<void> stream_logs(std::string_view id, const chunk_handler& on_text) {
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
            error e = detail::with_ray_token_hint(std::move(checked).error());
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
    [[nodiscard]] expected<bool> stop(std::string_view id) {
        return bool_call("POST", job_path(id) + "/stop", "stopped", "stopping job", id);
    }

    /// DELETE /api/jobs/{id} (terminal jobs only; Ray answers 500 otherwise).
    [[nodiscard]] expected<bool> remove(std::string_view id) {
        return bool_call("DELETE", job_path(id), "deleted", "deleting job", id);
    }

    /// GET /api/packages/gcs/{name}: whether the package is there (and pins it for a while).
    [[nodiscard]] expected<bool> package_exists(std::string_view name) {
        http_request r{"GET", "/api/packages/gcs/" + detail::url_segment(name), {}, {}, {}};
        auto sent = transport_.send(r);
        if (sent && sent->status == 404) return false;
        auto checked = check_status(std::move(sent), "checking package " + std::string(name));
        if (!checked) return fail(detail::with_ray_token_hint(std::move(checked).error()));
        return true;
    }

    /// PUT /api/packages/gcs/{name} with the zip bytes.
    [[nodiscard]] expected<void> upload_package(std::string_view name, std::string bytes) {
        http_request r{"PUT",
                       "/api/packages/gcs/" + detail::url_segment(name),
                       {},
                       std::move(bytes),
                       "application/octet-stream"};
        auto checked = check_status(transport_.send(r), "uploading package " + std::string(name));
        if (!checked) return fail(detail::with_ray_token_hint(std::move(checked).error()));
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
            error e = detail::with_ray_token_hint(std::move(checked).error());
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
            error e = detail::with_ray_token_hint(std::move(checked).error());
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
