// The HTTP routes of the pipeline service (reference §2.3), their request validation (422 in
// FastAPI's shape, naming each failing field), authentication and CORS.
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <httplib.h>

#include "service.hpp"
#include "store.hpp"
#include "stream_hub.hpp"

namespace synapse_service {

namespace {

using httplib::Request;
using httplib::Response;

constexpr std::size_t max_json_depth = 64;

void reply(Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void reply_detail(Response& res, int status, const json& detail) {
    reply(res, status, json{{"detail", detail}});
}

void reply_error(Response& res, const synapse::error& e) {
    reply_detail(res, e.http_status.value_or(500), e.message);
}

/// "action_progress.items[2].progress" -> ["body", "action_progress", "items", 2, "progress"].
json location(std::string_view root, const std::string& path) {
    json loc = json::array({std::string(root)});
    std::string segment;
    auto flush = [&] {
        if (!segment.empty()) loc.push_back(segment);
        segment.clear();
    };
    for (std::size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '.') {
            flush();
        } else if (c == '[') {
            flush();
            auto close = path.find(']', i);
            if (close == std::string::npos) break;
            const auto digits = path.substr(i + 1, close - i - 1);
            long long n = 0;
            auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
            if (ec == std::errc() && p == digits.data() + digits.size())
                loc.push_back(n);
            else
                loc.push_back(digits);
            i = close;
        } else {
            segment += c;
        }
    }
    flush();
    return loc;
}

json validation_detail(const synapse::error& e, std::string_view root) {
    json detail = json::array();
    for (const auto& f : e.fields) {
        std::string type = "type_error";
        if (f.message == "missing required field")
            type = "missing";
        else if (f.expected == "constraint")
            type = "value_error";
        else if (f.expected.rfind("one of", 0) == 0)
            type = "enum";
        detail.push_back(
            json{{"type", type},
                 {"loc", location(root, f.path)},
                 {"msg", (f.path.empty() ? std::string("body") : f.path) + ": " + f.message}});
    }
    return detail;
}

/// Parses and validates a JSON body as T. On failure answers 422 and returns nullopt.
template <class T>
std::optional<std::pair<T, json>> read_body(const Request& req, Response& res) {
    auto unprocessable = [&](std::string type, json loc, std::string msg) {
        reply_detail(
            res, 422,
            json::array({json{
                {"type", std::move(type)}, {"loc", std::move(loc)}, {"msg", std::move(msg)}}}));
        return std::nullopt;
    };
    if (req.body.empty()) return unprocessable("missing", json::array({"body"}), "body: required");
    if (json_nesting_depth(req.body) > max_json_depth)
        return unprocessable(
            "json_invalid", json::array({"body"}),
            "body: JSON nested deeper than " + std::to_string(max_json_depth) + " levels");
    auto parsed = synapse::parse_json(req.body, "the request body");
    if (!parsed) {
        // where = "the request body:<line>:<column>"
        return unprocessable("json_invalid", json::array({"body"}),
                             "body: " + parsed.error().message);
    }
    auto value = synapse::from_json<T>(*parsed);
    if (!value) {
        reply_detail(res, 422, validation_detail(value.error(), "body"));
        return std::nullopt;
    }
    return std::pair<T, json>{std::move(*value), std::move(*parsed)};
}

/// An integer query parameter with bounds; answers 422 (naming it) when it is not one.
std::optional<std::int64_t> query_int(const Request& req, Response& res, const char* name,
                                      std::int64_t fallback, std::int64_t lo, std::int64_t hi,
                                      bool& ok) {
    if (!req.has_param(name)) return fallback;
    const auto text = req.get_param_value(name);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    std::string problem;
    if (ec != std::errc() || p != text.data() + text.size() || text.empty())
        problem = "expected integer, got \"" + text + "\"";
    else if (v < lo || v > hi)
        problem = "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                  ", got " + text;
    if (problem.empty()) return v;
    ok = false;
    reply_detail(res, 422,
                 json::array({json{{"type", "value_error"},
                                   {"loc", json::array({"query", name})},
                                   {"msg", std::string(name) + ": " + problem}}}));
    return std::nullopt;
}

std::optional<std::string> query_text(const Request& req, const char* name) {
    if (!req.has_param(name)) return std::nullopt;
    return req.get_param_value(name);
}

/// An enum-valued query parameter; answers 422 when the value is not one of E's names.
template <class E>
bool query_enum(const Request& req, Response& res, const char* name,
                std::optional<std::string>& out) {
    out = query_text(req, name);
    if (!out || out->empty()) {
        out.reset();
        return true;
    }
    auto v = synapse::from_json<E>(json(*out));
    if (v) return true;
    std::string allowed;
    for (const auto& [e, n] : synapse::enum_traits<E>::values)
        allowed += (allowed.empty() ? "\"" : ", \"") + std::string(n) + "\"";
    reply_detail(res, 422,
                 json::array({json{{"type", "enum"},
                                   {"loc", json::array({"query", name})},
                                   {"msg", std::string(name) + ": expected one of " + allowed +
                                               ", got \"" + *out + "\""}}}));
    return false;
}

template <class T>
void answer(Response& res, synapse::expected<T>&& r, int status = 200) {
    if (!r) return reply_error(res, r.error());
    if constexpr (std::is_void_v<T>) {
        res.status = status;
    } else {
        reply(res, status, *r);
    }
}

/// Whether `path` is a route of the API for `method` (for FastAPI's trailing-slash redirect).
bool is_route(const std::string& method, const std::string& path) {
    static const std::vector<std::pair<std::string, std::regex>> routes = [] {
        const std::string id = "[^/]+", p = "/api/v1/pipelines/", r = "/api/v1/runs/";
        std::vector<std::pair<std::string, std::regex>> out;
        auto add = [&](const char* m, const std::string& re) { out.emplace_back(m, re); };
        for (const auto& re : {p, p + id, p + id + "/runs/", r, r + id, r + id + "/progress",
                               r + id + "/progress/stream", r + id + "/checkpoints/",
                               r + id + "/checkpoints/" + id, r + id + "/logs/"})
            add("GET", re);
        for (const auto& re : {p, p + id + "/runs/", r + id + "/progress", r + id + "/checkpoints/",
                               r + id + "/logs/"})
            add("POST", re);
        add("PUT", p + id);
        add("DELETE", p + id);
        add("PATCH", r + id);
        add("DELETE", r + id);
        return out;
    }();
    for (const auto& [m, re] : routes)
        if (m == method && std::regex_match(path, re)) return true;
    return false;
}

bool origin_allowed(const service_options& o, const std::string& origin) {
    for (const auto& a : o.cors_origins)
        if (a == "*" || a == origin) return true;
    return false;
}

}  // namespace

void install_routes(httplib::Server& svr, store& db, stream_hub& hub,
                    const service_options& options) {
    const std::string api = "/api/v1";

    // Authentication and CORS, before routing.
    svr.set_pre_routing_handler([&options](const Request& req, Response& res) {
        using R = httplib::Server::HandlerResponse;
        const bool cors = !options.cors_origins.empty();
        if (cors && req.has_header("Origin")) {
            const auto origin = req.get_header_value("Origin");
            if (origin_allowed(options, origin)) {
                res.set_header("Access-Control-Allow-Origin", origin);
                res.set_header("Vary", "Origin");
                if (req.method == "OPTIONS") {
                    res.set_header("Access-Control-Allow-Methods",
                                   "GET, POST, PUT, PATCH, DELETE, OPTIONS");
                    res.set_header("Access-Control-Allow-Headers",
                                   "Authorization, Content-Type, Last-Event-ID");
                    res.set_header("Access-Control-Max-Age", "600");
                    res.status = 204;
                    return R::Handled;
                }
            }
        }
        if (options.token.empty() || req.path == "/health" || req.path == "/" ||
            req.path == "/index.html")
            return R::Unhandled;
        std::string presented;
        const auto auth = req.get_header_value("Authorization");
        if (auth.rfind("Bearer ", 0) == 0)
            presented = auth.substr(7);
        else if (req.method == "GET" && req.has_param("access_token"))
            presented = req.get_param_value("access_token");  // EventSource cannot set headers
        if (!presented.empty() && same_secret(presented, options.token)) return R::Unhandled;
        res.set_header("WWW-Authenticate", "Bearer");
        reply_detail(res, 401, presented.empty() ? "Not authenticated" : "Invalid token");
        return R::Handled;
    });

    // Errors httplib produces itself (404 of an unknown path, 413, 400) get a detail body too.
    svr.set_error_handler(httplib::Server::HandlerWithResponse([&options](const Request& req,
                                                                          Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        // As FastAPI does: a path that only lacks (or has an extra) trailing slash is redirected.
        if (res.status == 404 && req.path.size() > 1) {
            const std::string other =
                req.path.back() == '/' ? req.path.substr(0, req.path.size() - 1) : req.path + "/";
            if (is_route(req.method, other)) {
                const auto query = req.target.find('?');
                res.status = 307;
                res.set_header("Location",
                               other + (query == std::string::npos ? std::string()
                                                                   : req.target.substr(query)));
                return httplib::Server::HandlerResponse::Handled;
            }
        }
        std::string detail;
        switch (res.status) {
            case 404: detail = "Not Found"; break;
            case 413:
                detail =
                    "Request body too large (limit " + std::to_string(options.max_body) + " bytes)";
                // cpp-httplib caps form-encoded bodies at 8192 bytes whatever the limit.
                if (req.get_header_value("Content-Type").find("x-www-form-urlencoded") !=
                    std::string::npos)
                    detail +=
                        "; form-encoded bodies are limited to 8192 bytes: send JSON with "
                        "Content-Type: application/json";
                break;
            case 405: detail = "Method Not Allowed"; break;
            case 400: detail = "Bad Request"; break;
            default: detail = "HTTP error " + std::to_string(res.status); break;
        }
        reply_detail(res, res.status, detail);
        return httplib::Server::HandlerResponse::Handled;
    }));

    svr.set_exception_handler([](const Request&, Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = std::string("internal error: ") + e.what();
        } catch (...) {
        }
        reply_detail(res, 500, what);
    });

    svr.Get("/health", [](const Request&, Response& res) {
        reply(res, 200, json{{"status", "healthy"}, {"service", "Synapse Pipeline Service"}});
    });
    auto page = [](const Request&, Response& res) {
        res.set_content(web_page(), "text/html; charset=utf-8");
        res.set_header("Cache-Control", "no-cache");
    };
    svr.Get("/", page);
    svr.Get("/index.html", page);

    // Pipelines ---------------------------------------------------------------------------------
    svr.Post(api + "/pipelines/", [&db](const Request& req, Response& res) {
        if (auto body = read_body<pipeline_create>(req, res))
            answer(res, db.create_pipeline(body->first), 201);
    });
    svr.Get(api + "/pipelines/", [&db](const Request& req, Response& res) {
        bool ok = true;
        auto skip = query_int(req, res, "skip", 0, 0, INT64_MAX, ok);
        auto limit = ok ? query_int(req, res, "limit", 100, 0, INT64_MAX, ok) : std::nullopt;
        if (ok) answer(res, db.list_pipelines(*skip, *limit));
    });
    const std::string pipeline = api + "/pipelines/([^/]+)";
    svr.Get(pipeline, [&db](const Request& req, Response& res) {
        answer(res, db.get_pipeline(req.matches[1]));
    });
    svr.Put(pipeline, [&db](const Request& req, Response& res) {
        if (auto body = read_body<pipeline_update>(req, res)) {
            if (body->second.contains("name") && body->second["name"].is_null())
                return reply_detail(
                    res, 422,
                    json::array({json{{"type", "type_error"},
                                      {"loc", json::array({"body", "name"})},
                                      {"msg", "name: expected string, got null"}}}));
            if (body->second.contains("actions") && body->second["actions"].is_null())
                return reply_detail(
                    res, 422,
                    json::array({json{{"type", "type_error"},
                                      {"loc", json::array({"body", "actions"})},
                                      {"msg", "actions: expected array, got null"}}}));
            answer(res, db.update_pipeline(req.matches[1], body->first, body->second));
        }
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
        bool ok = true;
        auto skip = query_int(req, res, "skip", 0, 0, INT64_MAX, ok);
        auto limit = ok ? query_int(req, res, "limit", 100, 0, INT64_MAX, ok) : std::nullopt;
        if (ok) answer(res, db.list_runs(std::string(req.matches[1]), std::nullopt, *skip, *limit));
    });

    // Runs --------------------------------------------------------------------------------------
    svr.Get(api + "/runs/", [&db](const Request& req, Response& res) {
        bool ok = true;
        std::optional<std::string> status;
        if (!query_enum<run_status>(req, res, "status_filter", status)) return;
        auto skip = query_int(req, res, "skip", 0, 0, INT64_MAX, ok);
        auto limit = ok ? query_int(req, res, "limit", 100, 0, INT64_MAX, ok) : std::nullopt;
        if (ok) answer(res, db.list_runs(std::nullopt, status, *skip, *limit));
    });
    const std::string run = api + "/runs/([^/]+)";
    svr.Get(run,
            [&db](const Request& req, Response& res) { answer(res, db.get_run(req.matches[1])); });
    svr.Patch(run, [&db](const Request& req, Response& res) {
        if (auto body = read_body<run_update>(req, res)) {
            if (body->second.contains("status") && body->second["status"].is_null())
                return reply_detail(
                    res, 422,
                    json::array({json{{"type", "enum"},
                                      {"loc", json::array({"body", "status"})},
                                      {"msg", "status: expected a run status, got null"}}}));
            answer(res, db.update_run(req.matches[1], body->first, body->second));
        }
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
    });

    // Checkpoints -------------------------------------------------------------------------------
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

    // Logs --------------------------------------------------------------------------------------
    svr.Post(run + "/logs/", [&db](const Request& req, Response& res) {
        if (auto body = read_body<log_batch>(req, res))
            answer(res, db.append_logs(req.matches[1], body->first), 201);
    });
    svr.Get(run + "/logs/", [&db](const Request& req, Response& res) {
        bool ok = true;
        std::optional<std::string> level;
        if (!query_enum<log_level>(req, res, "level", level)) return;
        auto limit = query_int(req, res, "limit", 1000, 1, 10000, ok);
        if (!ok) return;
        std::optional<std::string> since;
        if (const auto text = req.get_param_value("since"); !text.empty()) {
            auto micros = parse_timestamp(text);
            if (!micros)
                return reply_detail(
                    res, 422,
                    json::array({json{
                        {"type", "datetime_parsing"},
                        {"loc", json::array({"query", "since"})},
                        {"msg", "since: expected an ISO-8601 date-time, got \"" + text + "\""}}}));
            since = format_timestamp(*micros);
        }
        auto action = query_text(req, "action_name");
        if (action && action->empty()) action.reset();
        answer(res, db.list_logs(req.matches[1], action, level, since, *limit));
    });
}

}  // namespace synapse_service
