// Routes of the pipeline service (reference §2.3): a run's checkpoints and logs.
#pragma once

#include <optional>
#include <string>

#include <httplib.h>
#include <synapse/pipeline/timestamp.hpp>

#include "replies.hpp"
#include "requests.hpp"
#include "routes.hpp"
#include "store.hpp"

namespace synapse_service {

/// A run's checkpoints and logs.
inline void install_record_routes(httplib::Server& svr, store& db) {
    using httplib::Request;
    using httplib::Response;
    const std::string run = api_prefix + "/runs/([^/]+)";

    svr.Post(run + "/checkpoints/", [&db](const Request& req, Response& res) {
        if (auto body = read_body<checkpoint_create>(req, res))
            answer(res, db.create_checkpoint(req.matches[1], body->first), 201);
    });
    svr.Get(run + "/checkpoints/", [&db](const Request& req, Response& res) {
        answer(res, db.list_checkpoints(req.matches[1], query_text(req, "action_name")));
    });
    svr.Get(run + "/checkpoints/latest", [&db](const Request& req, Response& res) {
        answer(res, db.latest_checkpoint(req.matches[1]));
    });
    // Better than dev-api: an action literally named "latest" is reachable here.
    svr.Get(run + "/checkpoints/by-name/([^/]+)", [&db](const Request& req, Response& res) {
        answer(res, db.checkpoint_by_name(req.matches[1], req.matches[2]));
    });
    svr.Get(run + "/checkpoints/([^/]+)", [&db](const Request& req, Response& res) {
        answer(res, db.checkpoint_by_name(req.matches[1], req.matches[2]));
    });

    svr.Post(run + "/logs/", [&db](const Request& req, Response& res) {
        if (auto body = read_body<log_batch>(req, res))
            answer(res, db.append_logs(req.matches[1], body->first), 201);
    });
    svr.Get(run + "/logs/", [&db](const Request& req, Response& res) {
        std::optional<std::string> level;
        if (!query_enum<log_level>(req, res, "level", level)) return;
        auto limit = query_int(req, res, "limit", 1000, 1, 10000);
        if (!limit) return;
        std::optional<std::string> since;
        if (const auto text = req.get_param_value("since"); !text.empty()) {
            since = synapse::pipeline_service::normalize_timestamp(text);
            if (!since)
                return reply_unprocessable(
                    res, "datetime_parsing", json::array({"query", "since"}),
                    "since: expected an ISO-8601 date-time, got \"" + text + "\"");
        }
        auto action = query_text(req, "action_name");
        if (action && action->empty()) action.reset();
        answer(res, db.list_logs(req.matches[1], action, level, since, *limit));
    });
}

}  // namespace synapse_service
