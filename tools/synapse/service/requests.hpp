// Reading requests of the pipeline service: JSON bodies validated against the library's models
// (the models' rules answer 422 in FastAPI's shape, naming each failing field), and query
// parameters. A reader that finds a problem has answered and returns nullopt (or false).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <httplib.h>
#include <synapse/core/json.hpp>
#include <synapse/core/reflect.hpp>
#include <synapse/pipeline/service_errors.hpp>

#include "replies.hpp"
#include "util.hpp"

namespace synapse_service {

/// JSON bodies nested deeper than this are refused (422) before they are parsed.
inline constexpr std::size_t max_json_depth = 64;

/// Parses and validates a JSON body as T (older synapse-sdk's `progress_category` read as
/// `progress_step`). Returns the value and the parsed body, which says which fields were sent;
/// on failure answers 422 and returns nullopt.
template <class T>
std::optional<std::pair<T, json>> read_body(const httplib::Request& req, httplib::Response& res) {
    const json body_loc = json::array({"body"});
    if (req.body.empty()) {
        reply_unprocessable(res, "missing", body_loc, "body: required");
        return std::nullopt;
    }
    if (synapse::pipeline_service::json_nesting_depth(req.body) > max_json_depth) {
        reply_unprocessable(
            res, "json_invalid", body_loc,
            "body: JSON nested deeper than " + std::to_string(max_json_depth) + " levels");
        return std::nullopt;
    }
    auto parsed = synapse::parse_json(req.body, "the request body");
    if (!parsed) {
        reply_unprocessable(res, "json_invalid", body_loc, "body: " + parsed.error().message);
        return std::nullopt;
    }
    synapse::pipeline_service::normalize_legacy_fields(*parsed);
    auto value = synapse::from_json<T>(*parsed);
    if (!value) {
        reply_detail(res, 422, synapse::pipeline_service::validation_detail(value.error(), "body"));
        return std::nullopt;
    }
    return std::pair<T, json>{std::move(*value), std::move(*parsed)};
}

/// Whether the body sent `key` as null (a field the model reads as "not sent").
inline bool sent_null(const json& body, const char* key) {
    const auto it = body.find(key);
    return it != body.end() && it->is_null();
}

/// An integer query parameter with bounds; answers 422 (naming it) when it is not one.
inline std::optional<std::int64_t> query_int(const httplib::Request& req, httplib::Response& res,
                                             const char* name, std::int64_t fallback,
                                             std::int64_t lo, std::int64_t hi) {
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
    reply_unprocessable(res, "value_error", json::array({"query", name}),
                        std::string(name) + ": " + problem);
    return std::nullopt;
}

/// `skip` and `limit` of the list endpoints (defaults 0 and 100).
struct paging {
    std::int64_t skip = 0;
    std::int64_t limit = 100;
};
inline std::optional<paging> query_paging(const httplib::Request& req, httplib::Response& res) {
    auto skip = query_int(req, res, "skip", 0, 0, INT64_MAX);
    if (!skip) return std::nullopt;
    auto limit = query_int(req, res, "limit", 100, 0, INT64_MAX);
    if (!limit) return std::nullopt;
    return paging{*skip, *limit};
}

inline std::optional<std::string> query_text(const httplib::Request& req, const char* name) {
    if (!req.has_param(name)) return std::nullopt;
    return req.get_param_value(name);
}

/// An enum-valued query parameter (empty means absent); answers 422 when the value is not one
/// of E's names.
template <class E>
bool query_enum(const httplib::Request& req, httplib::Response& res, const char* name,
                std::optional<std::string>& out) {
    out = query_text(req, name);
    if (!out || out->empty()) {
        out.reset();
        return true;
    }
    std::string allowed;
    for (const auto& [e, n] : synapse::enum_traits<E>::values) {
        if (n == *out) return true;
        allowed += (allowed.empty() ? "\"" : ", \"") + std::string(n) + "\"";
    }
    reply_unprocessable(
        res, "enum", json::array({"query", name}),
        std::string(name) + ": expected one of " + allowed + ", got \"" + *out + "\"");
    return false;
}

}  // namespace synapse_service
