// Routes of the pipeline service (reference §2.3): /health, the web page, pipelines and the runs
// of a pipeline.
#pragma once

#include <optional>
#include <string>

#include <httplib.h>

#include "replies.hpp"
#include "requests.hpp"
#include "routes.hpp"
#include "service.hpp"
#include "store.hpp"

namespace synapse_service {

/// /health, the web page, /pipelines/ and the runs of a pipeline.
inline void install_pipeline_routes(httplib::Server& svr, store& db) {
    using httplib::Request;
    using httplib::Response;

    svr.Get("/health", [](const Request&, Response& res) {
        reply(res, 200, json{{"status", "healthy"}, {"service", "Synapse Pipeline Service"}});
    });
    auto page = [](const Request&, Response& res) {
        res.set_content(web_page(), "text/html; charset=utf-8");
        res.set_header("Cache-Control", "no-cache");
    };
    svr.Get("/", page);
    svr.Get("/index.html", page);

    svr.Post(api_prefix + "/pipelines/", [&db](const Request& req, Response& res) {
        if (auto body = read_body<pipeline_create>(req, res))
            answer(res, db.create_pipeline(body->first), 201);
    });
    svr.Get(api_prefix + "/pipelines/", [&db](const Request& req, Response& res) {
        if (auto pg = query_paging(req, res)) answer(res, db.list_pipelines(pg->skip, pg->limit));
    });
    const std::string pipeline = api_prefix + "/pipelines/([^/]+)";
    svr.Get(pipeline, [&db](const Request& req, Response& res) {
        answer(res, db.get_pipeline(req.matches[1]));
    });
    svr.Put(pipeline, [&db](const Request& req, Response& res) {
        auto body = read_body<pipeline_update>(req, res);
        if (!body) return;
        if (sent_null(body->second, "name"))
            return reply_unprocessable(res, "type_error", json::array({"body", "name"}),
                                       "name: expected string, got null");
        if (sent_null(body->second, "actions"))
            return reply_unprocessable(res, "type_error", json::array({"body", "actions"}),
                                       "actions: expected array, got null");
        answer(res, db.update_pipeline(req.matches[1], body->first, body->second));
    });
    svr.Delete(pipeline, [&db](const Request& req, Response& res) {
        answer(res, db.delete_pipeline(req.matches[1]), 204);
    });

    svr.Post(pipeline + "/runs/", [&db](const Request& req, Response& res) {
        // An empty body is an empty RunCreate.
        if (req.body.empty()) return answer(res, db.create_run(req.matches[1], {}), 201);
        if (auto body = read_body<run_create>(req, res))
            answer(res, db.create_run(req.matches[1], body->first), 201);
    });
    svr.Get(pipeline + "/runs/", [&db](const Request& req, Response& res) {
        if (auto pg = query_paging(req, res))
            answer(res,
                   db.list_runs(std::string(req.matches[1]), std::nullopt, pg->skip, pg->limit));
    });
}

}  // namespace synapse_service
