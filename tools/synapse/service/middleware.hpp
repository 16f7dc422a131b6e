// What the pipeline service does around its routes: authentication and CORS before routing,
// FastAPI's 307 for a path that only lacks (or has an extra) trailing slash, `{"detail": ...}`
// bodies for the errors httplib answers itself, and 500 for an exception.
#pragma once

#include <exception>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

#include "replies.hpp"
#include "routes.hpp"
#include "service.hpp"
#include "util.hpp"

namespace synapse_service {

namespace middleware_detail {

using httplib::Request;
using httplib::Response;

/// Whether `path` is a route of the API for `method` (for FastAPI's trailing-slash redirect).
inline bool is_route(const std::string& method, const std::string& path) {
    static const std::vector<std::pair<std::string, std::regex>> routes = [] {
        const std::string id = "[^/]+", p = api_prefix + "/pipelines/", r = api_prefix + "/runs/";
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

inline bool origin_allowed(const service_options& o, const std::string& origin) {
    for (const auto& a : o.cors_origins)
        if (a == "*" || a == origin) return true;
    return false;
}

/// CORS headers for an allowed origin; true when the request was a preflight, now answered.
inline bool cors(const service_options& options, const Request& req, Response& res) {
    if (options.cors_origins.empty() || !req.has_header("Origin")) return false;
    const auto origin = req.get_header_value("Origin");
    if (!origin_allowed(options, origin)) return false;
    res.set_header("Access-Control-Allow-Origin", origin);
    res.set_header("Vary", "Origin");
    if (req.method != "OPTIONS") return false;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID");
    res.set_header("Access-Control-Max-Age", "600");
    res.status = 204;
    return true;
}

/// Whether the request carries the token (a bearer token, or ?access_token= on a GET, as
/// EventSource cannot set headers); answers 401 when it does not.
inline bool authenticated(const service_options& options, const Request& req, Response& res) {
    if (options.token.empty() || req.path == "/health" || req.path == "/" ||
        req.path == "/index.html")
        return true;
    std::string presented;
    const auto auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0)
        presented = auth.substr(7);
    else if (req.method == "GET" && req.has_param("access_token"))
        presented = req.get_param_value("access_token");
    if (!presented.empty() && same_secret(presented, options.token)) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    reply_detail(res, 401, presented.empty() ? "Not authenticated" : "Invalid token");
    return false;
}

/// The `detail` of an error status httplib answered without a body.
inline std::string error_detail(const service_options& options, const Request& req, int status) {
    switch (status) {
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 400: return "Bad Request";
        case 413: {
            std::string detail =
                "Request body too large (limit " + std::to_string(options.max_body) + " bytes)";
            // cpp-httplib caps form-encoded bodies at 8192 bytes whatever the limit.
            if (req.get_header_value("Content-Type").find("x-www-form-urlencoded") !=
                std::string::npos)
                detail +=
                    "; form-encoded bodies are limited to 8192 bytes: send JSON with "
                    "Content-Type: application/json";
            return detail;
        }
        default: return "HTTP error " + std::to_string(status);
    }
}

}  // namespace middleware_detail

/// Authentication and CORS before routing, FastAPI's trailing-slash redirects, `{"detail": ...}`
/// bodies for the errors httplib answers itself, and 500 for an exception.
inline void install_middleware(httplib::Server& svr, const service_options& options) {
    using namespace middleware_detail;
    using httplib::Request;
    using httplib::Response;
    using handled = httplib::Server::HandlerResponse;
    svr.set_pre_routing_handler([&options](const Request& req, Response& res) {
        if (cors(options, req, res)) return handled::Handled;
        return authenticated(options, req, res) ? handled::Unhandled : handled::Handled;
    });

    svr.set_error_handler(httplib::Server::HandlerWithResponse([&options](const Request& req,
                                                                          Response& res) {
        if (!res.body.empty()) return handled::Unhandled;
        // As FastAPI does: a path that only lacks (or has an extra) trailing slash is
        // redirected.
        if (res.status == 404 && req.path.size() > 1) {
            const std::string other =
                req.path.back() == '/' ? req.path.substr(0, req.path.size() - 1) : req.path + "/";
            if (is_route(req.method, other)) {
                const auto query = req.target.find('?');
                res.status = 307;
                res.set_header("Location",
                               other + (query == std::string::npos ? std::string()
                                                                   : req.target.substr(query)));
                return handled::Handled;
            }
        }
        reply_detail(res, res.status, error_detail(options, req, res.status));
        return handled::Handled;
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
}

}  // namespace synapse_service
