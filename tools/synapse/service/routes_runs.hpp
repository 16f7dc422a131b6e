// Routes of the pipeline service (reference §2.3, §2.4): runs, their progress and the SSE
// progress stream.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <httplib.h>

#include "replies.hpp"
#include "requests.hpp"
#include "routes.hpp"
#include "store.hpp"
#include "stream_hub.hpp"

namespace synapse_service {

namespace run_routes_detail {

using httplib::Request;
using httplib::Response;

/// GET /runs/{id}/progress/stream: the run's current state, then each change, until the run
/// ends, is deleted, or the client goes away.
inline void serve_progress_stream(store& db, stream_hub& hub, const Request& req, Response& res) {
    const std::string id = req.matches[1];
    auto current = db.snapshot(id);
    if (!current) return reply_error(res, current.error());
    if (!hub.try_acquire_stream())
        return reply_detail(res, 503,
                            "too many progress streams open (limit " +
                                std::to_string(hub.options().max_streams) + ")");
    std::optional<std::string> last;
    if (req.has_header("Last-Event-ID"))
        last = req.get_header_value("Last-Event-ID");
    else if (req.has_param("last_event_id"))
        last = req.get_param_value("last_event_id");
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    auto snapshot = std::make_shared<run_snapshot>(std::move(*current));
    res.set_chunked_content_provider(
        "text/event-stream",
        [&hub, id, snapshot, last](std::size_t, httplib::DataSink& sink) {
            std::fprintf(stderr, "progress stream opened: run %s\n", id.c_str());
            bool alive = true;
            hub.serve(id, *snapshot, last, [&](const std::string& frame) {
                alive = sink.write(frame.data(), frame.size());
                return alive;
            });
            if (alive) sink.done();
            return alive;
        },
        [&hub](bool) { hub.release_stream(); });
}

}  // namespace run_routes_detail

/// /runs/, a run, its progress and its SSE progress stream.
inline void install_run_routes(httplib::Server& svr, store& db, stream_hub& hub) {
    using namespace run_routes_detail;
    using httplib::Request;
    using httplib::Response;
    svr.Get(api_prefix + "/runs/", [&db](const Request& req, Response& res) {
        std::optional<std::string> status;
        if (!query_enum<run_status>(req, res, "status_filter", status)) return;
        if (auto pg = query_paging(req, res))
            answer(res, db.list_runs(std::nullopt, status, pg->skip, pg->limit));
    });
    const std::string run = api_prefix + "/runs/([^/]+)";
    svr.Get(run,
            [&db](const Request& req, Response& res) { answer(res, db.get_run(req.matches[1])); });
    svr.Patch(run, [&db](const Request& req, Response& res) {
        auto body = read_body<run_update>(req, res);
        if (!body) return;
        if (sent_null(body->second, "status"))
            return reply_unprocessable(res, "enum", json::array({"body", "status"}),
                                       "status: expected a run status, got null");
        answer(res, db.update_run(req.matches[1], body->first, body->second));
    });
    svr.Delete(run, [&db](const Request& req, Response& res) {
        answer(res, db.delete_run(req.matches[1]), 204);
    });

    svr.Post(run + "/progress", [&db](const Request& req, Response& res) {
        if (auto body = read_body<progress_update>(req, res))
            answer(res, db.post_progress(req.matches[1], body->first));
    });
    svr.Get(run + "/progress", [&db](const Request& req, Response& res) {
        answer(res, db.get_progress(req.matches[1]));
    });
    svr.Get(run + "/progress/stream", [&db, &hub](const Request& req, Response& res) {
        serve_progress_stream(db, hub, req, res);
    });
}

}  // namespace synapse_service
