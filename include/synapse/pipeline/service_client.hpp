// A typed client for the pipeline service (synapse-sdk's dev-api, or `synapse service`):
// every endpoint of ../docs/synapse-sdk-reference.md §2.3, over any Transport, plus the SSE
// progress stream with reconnects.
//
//     namespace ps = synapse::pipeline_service;
//     auto client = synapse::pipeline_service_client::create(synapse::pipeline_service_options(
//         "http://127.0.0.1:8100"));
//     auto p = client->create_pipeline({.name = "train", .actions = {{"download", "m.Download"}}});
//     auto r = client->create_run(p->id, {.params = synapse::json{{"dataset", 7}}});
//     auto done = client->stream_progress(r->id, [](const ps::pipeline_progress& s) {
//         std::cout << s.overall_progress() * 100 << "%\n";
//         return true;  // false stops
//     });
//
// Errors (service_errors.hpp): the service's `{"detail": "..."}` answers become errors with the
// HTTP status and the detail text: 404 -> not_found ("Run not found", ...), 422 ->
// validation_failed with each of FastAPI's failing fields, 401/403 -> unauthorized, others ->
// http_error. An answer that is not the expected JSON is malformed_response, naming the failing
// fields. Request bodies are checked against the models' rules before they are sent (e.g. an
// action's progress outside 0..1 is validation_failed naming `action_progress.progress`, without
// a request). No call throws: whatever an answer holds, the result is a value or an error, and
// every error's text is valid UTF-8.
#pragma once

#include <concepts>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/pipeline/client_options.hpp"
#include "synapse/pipeline/detail/exchange.hpp"
#include "synapse/pipeline/detail/service_http.hpp"
#include "synapse/pipeline/models.hpp"
#include "synapse/pipeline/progress_stream.hpp"
#include "synapse/pipeline/service_errors.hpp"
#include "synapse/transport/httplib_transport.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse {

/// The pipeline service's API over a Transport `T`. Paths have the service's trailing
/// slashes. Move-only when `T` is.
template <class T>
class basic_pipeline_service_client {
    static_assert(check_transport<T>());

  public:
    explicit basic_pipeline_service_client(T transport) : transport_(std::move(transport)) {}

    /// A client over cpp-httplib; errc::invalid_argument for a bad base URL. Use
    /// `pipeline_service_options(url)` for the options.
    [[nodiscard]] static expected<basic_pipeline_service_client> create(transport_options options)
        requires std::same_as<T, httplib_transport>
    {
        return pipeline_service::detail::boundary(
            "connecting to the pipeline service", [&]() -> expected<basic_pipeline_service_client> {
                auto t = httplib_transport::create(std::move(options));
                if (!t) return fail(std::move(t).error());
                return basic_pipeline_service_client(std::move(*t));
            });
    }

    T& transport() noexcept { return transport_; }

    /// GET /health; the service is healthy when this succeeds.
    [[nodiscard]] expected<pipeline_service::health> health() {
        return guarded([&] {
            return get<pipeline_service::health>("/health",
                                                 "checking the pipeline service's health");
        });
    }

    // Pipelines -------------------------------------------------------------------------------

    /// POST /pipelines/ (201).
    [[nodiscard]] expected<pipeline_service::pipeline> create_pipeline(
        const pipeline_service::pipeline_create& p) {
        return guarded([&] {
            return send_body<pipeline_service::pipeline>("POST", api + "/pipelines/", p,
                                                         "creating pipeline \"" + p.name + "\"");
        });
    }
    /// GET /pipelines/?skip&limit
    [[nodiscard]] expected<std::vector<pipeline_service::pipeline>> list_pipelines(page pg = {}) {
        return guarded([&] {
            return get<std::vector<pipeline_service::pipeline>>(paged(api + "/pipelines/", pg),
                                                                "listing pipelines");
        });
    }
    /// GET /pipelines/{id}
    [[nodiscard]] expected<pipeline_service::pipeline> get_pipeline(std::string_view id) {
        return guarded([&] {
            return get<pipeline_service::pipeline>(pipeline_path(id),
                                                   "reading pipeline " + str(id));
        });
    }
    /// PUT /pipelines/{id} with the fields that are set.
    [[nodiscard]] expected<pipeline_service::pipeline> update_pipeline(
        std::string_view id, const pipeline_service::pipeline_update& u) {
        return guarded([&] {
            return send_body<pipeline_service::pipeline>("PUT", pipeline_path(id), u,
                                                         "updating pipeline " + str(id));
        });
    }
    /// DELETE /pipelines/{id} (204); its runs, checkpoints and logs go with it.
    [[nodiscard]] expected<void> delete_pipeline(std::string_view id) {
        return guarded([&] { return remove(pipeline_path(id), "deleting pipeline " + str(id)); });
    }

    // Runs ------------------------------------------------------------------------------------

    /// POST /pipelines/{id}/runs/ (201): a pending run with one pending entry per action.
    [[nodiscard]] expected<pipeline_service::run> create_run(
        std::string_view pipeline_id, const pipeline_service::run_create& r = {}) {
        return guarded([&] {
            return send_body<pipeline_service::run>(
                "POST", pipeline_path(pipeline_id) + "/runs/", r,
                "creating a run of pipeline " + str(pipeline_id));
        });
    }
    /// GET /pipelines/{id}/runs/?skip&limit
    [[nodiscard]] expected<std::vector<pipeline_service::run>> list_pipeline_runs(
        std::string_view pipeline_id, page pg = {}) {
        return guarded([&] {
            return get<std::vector<pipeline_service::run>>(
                paged(pipeline_path(pipeline_id) + "/runs/", pg),
                "listing the runs of pipeline " + str(pipeline_id));
        });
    }
    /// GET /runs/?status_filter&skip&limit, newest first.
    [[nodiscard]] expected<std::vector<pipeline_service::run>> list_runs(
        std::optional<pipeline_service::run_status> status = std::nullopt, page pg = {}) {
        return guarded([&] {
            std::string target = api + "/runs/";
            if (status)
                pipeline_service::detail::add_query(target, "status_filter", to_string(*status));
            return get<std::vector<pipeline_service::run>>(paged(std::move(target), pg),
                                                           "listing runs");
        });
    }
    /// GET /runs/{id}
    [[nodiscard]] expected<pipeline_service::run> get_run(std::string_view id) {
        return guarded(
            [&] { return get<pipeline_service::run>(run_path(id), "reading run " + str(id)); });
    }
    /// PATCH /runs/{id} with the fields that are set (applied verbatim by dev-api).
    [[nodiscard]] expected<pipeline_service::run> update_run(
        std::string_view id, const pipeline_service::run_update& u) {
        return guarded([&] {
            return send_body<pipeline_service::run>("PATCH", run_path(id), u,
                                                    "updating run " + str(id));
        });
    }
    /// DELETE /runs/{id} (204).
    [[nodiscard]] expected<void> delete_run(std::string_view id) {
        return guarded([&] { return remove(run_path(id), "deleting run " + str(id)); });
    }

    // Progress --------------------------------------------------------------------------------

    /// POST /runs/{id}/progress; returns the updated run.
    [[nodiscard]] expected<pipeline_service::run> report_progress(
        std::string_view run_id, const pipeline_service::progress_update& u) {
        return guarded([&] {
            return send_body<pipeline_service::run>("POST", run_path(run_id) + "/progress", u,
                                                    "reporting the progress of run " + str(run_id));
        });
    }
    /// GET /runs/{id}/progress
    [[nodiscard]] expected<pipeline_service::pipeline_progress> get_progress(
        std::string_view run_id) {
        return guarded([&] {
            return get<pipeline_service::pipeline_progress>(
                run_path(run_id) + "/progress", "reading the progress of run " + str(run_id));
        });
    }

    /// Follows the run's SSE progress stream until the run ends, across dropped connections:
    /// `pipeline_service::stream_progress` (progress_stream.hpp) on this client's transport.
    [[nodiscard]] expected<void> stream_progress(
        std::string_view run_id,
        const std::function<bool(const pipeline_service::pipeline_progress&)>& on_progress,
        std::stop_token stop = {}, const progress_stream_options& options = {}) {
        return pipeline_service::stream_progress(transport_, run_id, on_progress, std::move(stop),
                                                 options);
    }

    // Checkpoints -----------------------------------------------------------------------------

    /// POST /runs/{id}/checkpoints/ (201).
    [[nodiscard]] expected<pipeline_service::checkpoint> create_checkpoint(
        std::string_view run_id, const pipeline_service::checkpoint_create& c) {
        return guarded([&] {
            return send_body<pipeline_service::checkpoint>(
                "POST", run_path(run_id) + "/checkpoints/", c,
                "creating a checkpoint of run " + str(run_id));
        });
    }
    /// GET /runs/{id}/checkpoints/, by action index.
    [[nodiscard]] expected<std::vector<pipeline_service::checkpoint>> list_checkpoints(
        std::string_view run_id) {
        return guarded([&] {
            return get<std::vector<pipeline_service::checkpoint>>(
                run_path(run_id) + "/checkpoints/",
                "listing the checkpoints of run " + str(run_id));
        });
    }
    /// GET /runs/{id}/checkpoints/latest: the checkpoint with the highest action index, or
    /// nullopt when the run has none. An unknown run is not_found (synapse-sdk treats it as
    /// "no checkpoint" and silently starts fresh).
    [[nodiscard]] expected<std::optional<pipeline_service::checkpoint>> latest_checkpoint(
        std::string_view run_id) {
        return guarded([&] {
            return maybe_checkpoint(run_path(run_id) + "/checkpoints/latest",
                                    "reading the latest checkpoint of run " + str(run_id));
        });
    }
    /// GET /runs/{id}/checkpoints/{action_name}: the action's checkpoint, or nullopt when it
    /// has none; an unknown run is not_found. An action named "latest" (which that path cannot
    /// reach on dev-api) is looked up in the list instead.
    [[nodiscard]] expected<std::optional<pipeline_service::checkpoint>> checkpoint_for(
        std::string_view run_id, std::string_view action_name) {
        return guarded([&] {
            using result = expected<std::optional<pipeline_service::checkpoint>>;
            if (action_name != "latest")
                return maybe_checkpoint(
                    run_path(run_id) + "/checkpoints/" + synapse::detail::url_segment(action_name),
                    "reading the checkpoint of action \"" + str(action_name) + "\" of run " +
                        str(run_id));
            return pipeline_service::detail::boundary("reading checkpoints", [&]() -> result {
                auto all = list_checkpoints(run_id);
                if (!all) return fail(std::move(all).error());
                for (auto& c : *all)
                    if (c.action_name == action_name) return std::optional(std::move(c));
                return std::optional<pipeline_service::checkpoint>();
            });
        });
    }

    // Logs ------------------------------------------------------------------------------------

    /// POST /runs/{id}/logs/ with `{"entries": [...]}` (201); returns the stored entries.
    [[nodiscard]] expected<std::vector<pipeline_service::log_entry>> append_logs(
        std::string_view run_id, const std::vector<pipeline_service::log_entry_create>& entries) {
        return guarded([&] {
            json list = json::array();
            for (const auto& e : entries) list.push_back(pipeline_service::to_request_json(e));
            return pipeline_service::detail::send_checked<std::vector<pipeline_service::log_entry>,
                                                          pipeline_service::log_batch>(
                transport_, "POST", run_path(run_id) + "/logs/", json{{"entries", std::move(list)}},
                "appending logs to run " + str(run_id));
        });
    }
    /// GET /runs/{id}/logs/?action_name&level&since&limit, oldest first.
    [[nodiscard]] expected<std::vector<pipeline_service::log_entry>> get_logs(
        std::string_view run_id, const log_query& q = {}) {
        return guarded([&] {
            std::string target = run_path(run_id) + "/logs/";
            if (q.action_name)
                pipeline_service::detail::add_query(target, "action_name", *q.action_name);
            if (q.level) pipeline_service::detail::add_query(target, "level", to_string(*q.level));
            if (q.since) pipeline_service::detail::add_query(target, "since", *q.since);
            pipeline_service::detail::add_query(target, "limit", std::to_string(q.limit));
            return get<std::vector<pipeline_service::log_entry>>(
                target, "reading the logs of run " + str(run_id));
        });
    }

  private:
    inline static const std::string api = "/api/v1";

    static std::string str(std::string_view s) { return std::string(s); }
    static std::string pipeline_path(std::string_view id) {
        return api + "/pipelines/" + synapse::detail::url_segment(id);
    }
    static std::string run_path(std::string_view id) {
        return api + "/runs/" + synapse::detail::url_segment(id);
    }
    static std::string paged(std::string target, page pg) {
        pipeline_service::detail::add_query(target, "skip", std::to_string(pg.skip));
        pipeline_service::detail::add_query(target, "limit", std::to_string(pg.limit));
        return target;
    }

    /// Keeps anything thrown while a call builds its request (std::bad_alloc) inside the call.
    template <class F>
    static auto guarded(F&& f) {
        return pipeline_service::detail::boundary("pipeline service client", std::forward<F>(f));
    }
    template <class R>
    expected<R> get(std::string target, const std::string& what) {
        return pipeline_service::detail::get_json<R>(transport_, std::move(target), what);
    }
    template <class R, class B>
    expected<R> send_body(const char* method, std::string target, const B& value,
                          const std::string& what) {
        return pipeline_service::detail::send_json<R>(transport_, method, std::move(target), value,
                                                      what);
    }
    expected<void> remove(std::string target, const std::string& what) {
        return pipeline_service::detail::delete_resource(transport_, std::move(target), what);
    }
    expected<std::optional<pipeline_service::checkpoint>> maybe_checkpoint(
        std::string target, const std::string& what) {
        return pipeline_service::detail::maybe_checkpoint(transport_, std::move(target), what);
    }

    T transport_;
};

/// The pipeline service client over cpp-httplib (`create(pipeline_service_options(url))`).
using pipeline_service_client = basic_pipeline_service_client<httplib_transport>;

}  // namespace synapse
