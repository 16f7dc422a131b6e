// A typed client for the pipeline service (synapse-sdk's dev-api, or `synapse service`):
// every endpoint of ../docs/synapse-sdk-reference.md §2.3, over any Transport, plus the SSE
// progress stream with reconnects.
//
//     auto client = synapse::pipeline_service_client::create(synapse::pipeline_service_options(
//         "http://127.0.0.1:8100"));
//     auto p = client->create_pipeline({.name = "train", .actions = {{"download", "m.Download"}}});
//     auto r = client->create_run(p->id, {.params = synapse::json{{"dataset", 7}}});
//     client->stream_progress(r->id, [](const synapse::pipeline_service::pipeline_progress& s) {
//         std::cout << s.overall_progress() * 100 << "%\n";
//         return true;  // false stops
//     });
//
// Errors: the service's `{"detail": "..."}` answers become errors with the HTTP status and the
// detail text: 404 -> not_found ("Run not found", ...), 422 -> validation_failed with each of
// FastAPI's failing fields, 401/403 -> unauthorized, others -> http_error. An answer that is
// not the expected JSON is malformed_response, naming the failing fields. Request bodies are
// checked before they are sent (e.g. an action's progress outside 0..1 is validation_failed
// naming `action_progress.progress`, without a request).
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/pipeline/detail/service_http.hpp"
#include "synapse/pipeline/models.hpp"
#include "synapse/pipeline/sse.hpp"
#include "synapse/transport/httplib_transport.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse {

/// Transport options for a pipeline service at `base_url`: no bearer token (the Ray token is
/// not sent to another service; set `token` for a service started with `--token`).
inline transport_options pipeline_service_options(std::string base_url = "http://127.0.0.1:8100") {
    transport_options o;
    o.base_url = std::move(base_url);
    o.token.reset();
    return o;
}

/// Paging of the list calls (the service's `skip` and `limit`).
struct page {
    int skip = 0;
    int limit = 100;
};

/// Filters of `get_logs`. `since` is an ISO-8601 timestamp; entries strictly after it match.
struct log_query {
    std::optional<std::string> action_name{};
    std::optional<pipeline_service::log_level> level{};
    std::optional<std::string> since{};
    int limit = 1000;  ///< 1 to 10000
};

/// How `stream_progress` follows the stream.
struct progress_stream_options {
    /// Reconnections in a row that may fail (or end) without an event.
    int max_reconnects = 5;
    /// The wait before reconnecting, unless the server sent a `retry:` field.
    std::chrono::milliseconds reconnect_delay{1000};
    sse_limits limits{};
};

/// The pipeline service's API over a Transport `T`. Paths have the service's trailing
/// slashes. Move-only when `T` is.
template <class T>
class basic_pipeline_service_client {
    static_assert(check_transport<T>());

  public:
    explicit basic_pipeline_service_client(T transport) : transport_(std::move(transport)) {}

    /// A client over cpp-httplib; errc::invalid_argument for a bad base URL. Use
    /// `pipeline_service_options(url)` for the options.
    static expected<basic_pipeline_service_client> create(transport_options options)
        requires std::same_as<T, httplib_transport>
    {
        auto t = httplib_transport::create(std::move(options));
        if (!t) return fail(std::move(t).error());
        return basic_pipeline_service_client(std::move(*t));
    }

    T& transport() noexcept { return transport_; }

    /// GET /health; the service is healthy when this succeeds.
    expected<pipeline_service::health> health() {
        return get<pipeline_service::health>("/health", "checking the pipeline service's health");
    }

    // Pipelines -------------------------------------------------------------------------------

    /// POST /pipelines/ (201).
    expected<pipeline_service::pipeline> create_pipeline(
        const pipeline_service::pipeline_create& p) {
        return send_body<pipeline_service::pipeline>("POST", api + "/pipelines/", p,
                                                     "creating pipeline \"" + p.name + "\"");
    }
    /// GET /pipelines/?skip&limit
    expected<std::vector<pipeline_service::pipeline>> list_pipelines(page pg = {}) {
        return get<std::vector<pipeline_service::pipeline>>(paged(api + "/pipelines/", pg),
                                                            "listing pipelines");
    }
    /// GET /pipelines/{id}
    expected<pipeline_service::pipeline> get_pipeline(std::string_view id) {
        return get<pipeline_service::pipeline>(pipeline_path(id),
                                               "reading pipeline " + std::string(id));
    }
    /// PUT /pipelines/{id} with the fields that are set.
    expected<pipeline_service::pipeline> update_pipeline(
        std::string_view id, const pipeline_service::pipeline_update& u) {
        return send_body<pipeline_service::pipeline>("PUT", pipeline_path(id), u,
                                                     "updating pipeline " + std::string(id));
    }
    /// DELETE /pipelines/{id} (204); its runs, checkpoints and logs go with it.
    expected<void> delete_pipeline(std::string_view id) {
        return remove(pipeline_path(id), "deleting pipeline " + std::string(id));
    }

    // Runs ------------------------------------------------------------------------------------

    /// POST /pipelines/{id}/runs/ (201): a pending run with one pending entry per action.
    expected<pipeline_service::run> create_run(std::string_view pipeline_id,
                                               const pipeline_service::run_create& r = {}) {
        return send_body<pipeline_service::run>(
            "POST", pipeline_path(pipeline_id) + "/runs/", r,
            "creating a run of pipeline " + std::string(pipeline_id));
    }
    /// GET /pipelines/{id}/runs/?skip&limit
    expected<std::vector<pipeline_service::run>> list_pipeline_runs(std::string_view pipeline_id,
                                                                    page pg = {}) {
        return get<std::vector<pipeline_service::run>>(
            paged(pipeline_path(pipeline_id) + "/runs/", pg),
            "listing the runs of pipeline " + std::string(pipeline_id));
    }
    /// GET /runs/?status_filter&skip&limit, newest first.
    expected<std::vector<pipeline_service::run>> list_runs(
        std::optional<pipeline_service::run_status> status = std::nullopt, page pg = {}) {
        std::string target = api + "/runs/";
        if (status)
            pipeline_service::detail::add_query(target, "status_filter", to_string(*status));
        return get<std::vector<pipeline_service::run>>(paged(std::move(target), pg),
                                                       "listing runs");
    }
    /// GET /runs/{id}
    expected<pipeline_service::run> get_run(std::string_view id) {
        return get<pipeline_service::run>(run_path(id), "reading run " + std::string(id));
    }
    /// PATCH /runs/{id} with the fields that are set (applied verbatim by the service).
    expected<pipeline_service::run> update_run(std::string_view id,
                                               const pipeline_service::run_update& u) {
        return send_body<pipeline_service::run>("PATCH", run_path(id), u,
                                                "updating run " + std::string(id));
    }
    /// DELETE /runs/{id} (204).
    expected<void> delete_run(std::string_view id) {
        return remove(run_path(id), "deleting run " + std::string(id));
    }

    // Progress --------------------------------------------------------------------------------

    /// POST /runs/{id}/progress; returns the updated run.
    expected<pipeline_service::run> report_progress(std::string_view run_id,
                                                    const pipeline_service::progress_update& u) {
        return send_body<pipeline_service::run>(
            "POST", run_path(run_id) + "/progress", u,
            "reporting the progress of run " + std::string(run_id));
    }
    /// GET /runs/{id}/progress
    expected<pipeline_service::pipeline_progress> get_progress(std::string_view run_id) {
        return get<pipeline_service::pipeline_progress>(
            run_path(run_id) + "/progress", "reading the progress of run " + std::string(run_id));
    }

    /// Follows GET /runs/{id}/progress/stream and hands each state to `on_progress` until a
    /// terminal event (`completed`, `failed`, `cancelled`, or a state with a terminal status):
    /// that state is handed out too, then the call succeeds. The run's own failure is a state,
    /// not an error.
    ///
    /// - When the stream ends or breaks before that, it is reopened (after the server's
    ///   `retry:` or `options.reconnect_delay`) with `Last-Event-ID` when the server sent ids;
    ///   a server without ids (dev-api) starts again from the current state, which is not
    ///   handed out again when it is the state handed out last. More than
    ///   `options.max_reconnects` attempts in a row without an event give the last
    ///   transport error (or errc::transport_error). A success answer that is not
    ///   `text/event-stream` is malformed_response.
    /// - An `error` event (dev-api: the run was deleted) ends with not_found for "Run not
    ///   found", http_error otherwise. A `progress` or terminal event whose data is not a
    ///   progress state is malformed_response. Events with other names are ignored unless
    ///   their data is a progress state; comments (heartbeats) are ignored.
    /// - Error statuses: 404 (unknown run) and other 4xx end the call at once; 5xx answers
    ///   count as failed attempts.
    /// - `on_progress` returning false, or `stop` being requested, ends the call without an
    ///   error. `stop` is seen when data arrives or the transport's read timeout runs out.
    expected<void> stream_progress(
        std::string_view run_id,
        const std::function<bool(const pipeline_service::pipeline_progress&)>& on_progress,
        std::stop_token stop = {}, const progress_stream_options& options = {}) {
        const std::string id(run_id);
        const std::string what = "streaming the progress of run " + id;
        sse_parser parser(options.limits);
        std::optional<error> outcome;
        bool done = false;
        int failures = 0;
        std::optional<error> last_failure;
        std::size_t events = 0;  // dispatched on the current connection

        std::string last_data;  // the data of the last state handed out
        bool reconnected = false;
        auto on_event = [&](const sse_event& e) -> bool {
            // A server without ids starts a new connection with the current state: skip it when
            // it is the one handed out last.
            if (++events == 1 && reconnected && e.data == last_data) return true;
            auto state = pipeline_service::detail::read_progress_event(e, what);
            if (!state) {
                outcome = std::move(state).error();
                done = true;
                return false;
            }
            if (!*state) return true;  // not a progress state: ignored
            last_data = e.data;
            const bool terminal =
                pipeline_service::detail::is_terminal_event(e.event) || (*state)->is_terminal();
            if (!on_progress(**state) || terminal) {
                done = true;
                return false;
            }
            return true;
        };

        for (;;) {
            if (stop.stop_requested()) return {};
            http_request request{"GET",
                                 run_path(run_id) + "/progress/stream",
                                 {{"Accept", "text/event-stream"}, {"Cache-Control", "no-cache"}},
                                 {},
                                 {}};
            if (!parser.last_event_id().empty())
                request.headers.emplace_back("Last-Event-ID", parser.last_event_id());
            parser.reset();
            events = 0;
            auto result = transport_.stream(request, [&](std::string_view chunk) {
                if (stop.stop_requested()) {
                    done = true;
                    return false;
                }
                auto fed = parser.feed(chunk, on_event);
                if (!fed) {
                    outcome = std::move(fed).error();
                    outcome->prefix(what);
                    done = true;
                    return false;
                }
                return *fed && !done;
            });
            if (done) {
                if (outcome) return fail(std::move(*outcome));
                return {};
            }
            if (!result) {
                error e = std::move(result).error();
                if (e.code != errc::transport_error && e.code != errc::timeout)
                    return fail(std::move(e.prefix(what)));
                last_failure = std::move(e);
            } else if (result->status >= 400 || result->status < 100) {
                error e = pipeline_service::detail::service_error(*result, what);
                if (result->status < 500) return fail(std::move(e));
                last_failure = std::move(e);
            } else if (const auto type = result->header("Content-Type");
                       events == 0 && !type.empty() && !type.starts_with("text/event-stream")) {
                return fail(errc::malformed_response,
                            what + ": the answer is " + type + ", not an event stream");
            } else {
                last_failure =
                    error{errc::transport_error, what + ": the stream ended before the run did"};
            }
            if (events > 0) {
                failures = 0;
            } else if (++failures > std::max(options.max_reconnects, 0)) {
                error e = std::move(*last_failure);
                e.message +=
                    " (" + std::to_string(failures) + " attempts in a row without an event)";
                return fail(std::move(e));
            }
            if (!wait(parser.retry().value_or(options.reconnect_delay), stop)) return {};
            reconnected = true;
        }
    }

    // Checkpoints -----------------------------------------------------------------------------

    /// POST /runs/{id}/checkpoints/ (201).
    expected<pipeline_service::checkpoint> create_checkpoint(
        std::string_view run_id, const pipeline_service::checkpoint_create& c) {
        return send_body<pipeline_service::checkpoint>(
            "POST", run_path(run_id) + "/checkpoints/", c,
            "creating a checkpoint of run " + std::string(run_id));
    }
    /// GET /runs/{id}/checkpoints/, by action index.
    expected<std::vector<pipeline_service::checkpoint>> list_checkpoints(std::string_view run_id) {
        return get<std::vector<pipeline_service::checkpoint>>(
            run_path(run_id) + "/checkpoints/",
            "listing the checkpoints of run " + std::string(run_id));
    }
    /// GET /runs/{id}/checkpoints/latest: the checkpoint with the highest action index, or
    /// nullopt when the run has none. An unknown run is not_found (synapse-sdk treats it as
    /// "no checkpoint" and silently starts fresh).
    expected<std::optional<pipeline_service::checkpoint>> latest_checkpoint(
        std::string_view run_id) {
        return maybe_checkpoint(run_path(run_id) + "/checkpoints/latest",
                                "reading the latest checkpoint of run " + std::string(run_id));
    }
    /// GET /runs/{id}/checkpoints/{action_name}: the action's checkpoint, or nullopt when it
    /// has none; an unknown run is not_found. An action named "latest" (which that path cannot
    /// reach on dev-api) is looked up in the list instead.
    expected<std::optional<pipeline_service::checkpoint>> checkpoint_for(
        std::string_view run_id, std::string_view action_name) {
        if (action_name == "latest") {
            auto all = list_checkpoints(run_id);
            if (!all) return fail(std::move(all).error());
            for (auto& c : *all)
                if (c.action_name == action_name) return std::optional(std::move(c));
            return std::optional<pipeline_service::checkpoint>();
        }
        return maybe_checkpoint(
            run_path(run_id) + "/checkpoints/" + synapse::detail::url_segment(action_name),
            "reading the checkpoint of action \"" + std::string(action_name) + "\" of run " +
                std::string(run_id));
    }

    // Logs ------------------------------------------------------------------------------------

    /// POST /runs/{id}/logs/ with `{"entries": [...]}` (201); returns the stored entries.
    expected<std::vector<pipeline_service::log_entry>> append_logs(
        std::string_view run_id, const std::vector<pipeline_service::log_entry_create>& entries) {
        const std::string what = "appending logs to run " + std::string(run_id);
        json list = json::array();
        for (const auto& entry : entries) {
            auto body = pipeline_service::detail::request_body<pipeline_service::log_entry_create>(
                pipeline_service::to_request_json(entry), what);
            if (!body) return fail(std::move(body).error());
            list.push_back(std::move(*body));
        }
        json body = json::object();
        body["entries"] = std::move(list);
        return exchange<std::vector<pipeline_service::log_entry>>(
            "POST", run_path(run_id) + "/logs/", body.dump(), what);
    }
    /// GET /runs/{id}/logs/?action_name&level&since&limit, oldest first.
    expected<std::vector<pipeline_service::log_entry>> get_logs(std::string_view run_id,
                                                                const log_query& q = {}) {
        std::string target = run_path(run_id) + "/logs/";
        if (q.action_name)
            pipeline_service::detail::add_query(target, "action_name", *q.action_name);
        if (q.level) pipeline_service::detail::add_query(target, "level", to_string(*q.level));
        if (q.since) pipeline_service::detail::add_query(target, "since", *q.since);
        pipeline_service::detail::add_query(target, "limit", std::to_string(q.limit));
        return get<std::vector<pipeline_service::log_entry>>(
            target, "reading the logs of run " + std::string(run_id));
    }

  private:
    inline static const std::string api = "/api/v1";

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

    template <class R>
    expected<R> exchange(const char* method, std::string target, std::string body,
                         const std::string& what) {
        http_request request{method, std::move(target), {}, std::move(body), {}};
        if (!request.body.empty()) request.content_type = "application/json";
        auto answer = pipeline_service::detail::checked(transport_.send(request), what);
        if (!answer) return fail(std::move(answer).error());
        return pipeline_service::detail::read_body<R>(*answer, what);
    }

    template <class R>
    expected<R> get(std::string target, const std::string& what) {
        return exchange<R>("GET", std::move(target), {}, what);
    }

    template <class R, class B>
    expected<R> send_body(const char* method, std::string target, const B& value,
                          const std::string& what) {
        auto body = pipeline_service::detail::request_body<B>(
            pipeline_service::to_request_json(value), what);
        if (!body) return fail(std::move(body).error());
        return exchange<R>(method, std::move(target), body->dump(), what);
    }

    expected<void> remove(std::string target, const std::string& what) {
        auto answer = pipeline_service::detail::checked(
            transport_.send({"DELETE", std::move(target), {}, {}, {}}), what);
        if (!answer) return fail(std::move(answer).error());
        return {};
    }

    expected<std::optional<pipeline_service::checkpoint>> maybe_checkpoint(
        std::string target, const std::string& what) {
        auto sent = transport_.send({"GET", std::move(target), {}, {}, {}});
        if (sent && sent->status == 404) {
            const auto detail = pipeline_service::detail::detail_text(*sent);
            if (detail == "No checkpoints found" || detail == "Checkpoint not found")
                return std::optional<pipeline_service::checkpoint>();
        }
        auto answer = pipeline_service::detail::checked(std::move(sent), what);
        if (!answer) return fail(std::move(answer).error());
        auto c = pipeline_service::detail::read_body<pipeline_service::checkpoint>(*answer, what);
        if (!c) return fail(std::move(c).error());
        return std::optional(std::move(*c));
    }

    /// Waits `d`, or less when `stop` is requested; false when it was.
    static bool wait(std::chrono::milliseconds d, const std::stop_token& stop) {
        std::mutex m;
        std::condition_variable_any cv;
        std::unique_lock lock(m);
        cv.wait_for(lock, stop, d, [] { return false; });
        return !stop.stop_requested();
    }

    T transport_;
};

/// The pipeline service client over cpp-httplib (`create(pipeline_service_options(url))`).
using pipeline_service_client = basic_pipeline_service_client<httplib_transport>;

}  // namespace synapse
