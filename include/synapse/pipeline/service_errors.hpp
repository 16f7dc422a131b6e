// The pipeline service's error bodies, written by `synapse service` and read by the client:
// `{"detail": "Run not found"}`, and FastAPI's 422 for a request that does not validate,
// `{"detail": [{"type": "value_error", "loc": ["body", "action_progress", "progress"],
// "msg": "..."}]}`, where `loc` starts with where the value was ("body", "query", "path",
// "header") and continues with the JSON path of the field (keys, and indexes as integers).
//
//     // service: a validation error of a request body as FastAPI's detail list
//     json detail = synapse::pipeline_service::validation_detail(err, "body");
//     // client: an answer with an error status as a synapse::error
//     synapse::error e = synapse::pipeline_service::service_error(response, "reading run r1");
//
// Reading never throws: any body (not JSON, not an object, a detail of any type, items of any
// shape) gives an error whose message quotes the service as valid UTF-8.
#pragma once

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "synapse/core/error.hpp"
#include "synapse/core/json.hpp"
#include "synapse/pipeline/detail/text.hpp"
#include "synapse/pipeline/models/wire_json.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse::pipeline_service {

/// FastAPI's `loc` of a field: "action_progress.items[2].progress" under `root` "body" ->
/// ["body", "action_progress", "items", 2, "progress"]. The inverse of `fastapi_path`.
inline json fastapi_loc(std::string_view root, std::string_view path) {
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
            const auto close = path.find(']', i);
            if (close == std::string_view::npos) break;
            const auto digits = path.substr(i + 1, close - i - 1);
            long long n = 0;
            auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
            if (ec == std::errc() && p == digits.data() + digits.size())
                loc.push_back(n);
            else
                loc.push_back(std::string(digits));
            i = close;
        } else {
            segment += c;
        }
    }
    flush();
    return loc;
}

/// The JSON path of a FastAPI `loc`: ["body", "entries", 0, "message"] -> "entries[0].message"
/// (a leading "body", "query", "path" or "header" is dropped; "" when `loc` is not an array).
inline std::string fastapi_path(const json& loc) {
    std::string out;
    if (!loc.is_array()) return out;
    std::size_t i = 0;
    if (!loc.empty() && loc[0].is_string()) {
        const auto& first = loc[0].get_ref<const std::string&>();
        if (first == "body" || first == "query" || first == "path" || first == "header") i = 1;
    }
    for (; i < loc.size(); ++i) {
        if (loc[i].is_number_integer()) {
            out += '[' + synapse::dump(loc[i]) + ']';
        } else {
            if (!out.empty()) out += '.';
            out +=
                loc[i].is_string() ? loc[i].get_ref<const std::string&>() : synapse::dump(loc[i]);
        }
    }
    return out;
}

/// The detail list of a 422 answer for a `validation_failed` error (from `from_json`), one item
/// per failing field under `root` ("body", "query"): `type` is "missing", "value_error" (a
/// constraint), "enum" or "type_error"; `msg` is "<path>: <message>" ("body: ..." at the root).
inline json validation_detail(const error& e, std::string_view root) {
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
                 {"loc", fastapi_loc(root, f.path)},
                 {"msg", (f.path.empty() ? std::string(root) : f.path) + ": " + f.message}});
    }
    return detail;
}

namespace detail {

/// Answers nested deeper than this are not parsed: reading, copying and writing a JSON value
/// recurse once per level.
inline constexpr std::size_t max_answer_depth = 512;

/// `text` parsed as JSON; discarded when it is not JSON or is nested deeper than
/// `max_answer_depth`.
inline json parse_answer(std::string_view text) {
    if (json_nesting_depth(text) > max_answer_depth) return json(json::value_t::discarded);
    return json::parse(text, nullptr, false);
}

}  // namespace detail

/// The service's `detail` text of an error answer ("" when the body is not `{"detail": "..."}`).
inline std::string detail_text(const http_response& r) {
    const json body = detail::parse_answer(r.body);
    if (!body.is_object()) return {};
    const auto it = body.find("detail");
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

namespace detail {

/// One item of a 422 detail list as a field error (any JSON value is accepted).
inline field_error fastapi_field(const json& item) {
    field_error f;
    if (!item.is_object()) {
        f.message = trimmed(synapse::dump(item), 200);
        return f;
    }
    const auto text = [&](const char* key) -> const std::string* {
        const auto it = item.find(key);
        return it != item.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
    };
    if (const auto loc = item.find("loc"); loc != item.end()) f.path = fastapi_path(*loc);
    f.message = text("msg") ? *text("msg") : trimmed(synapse::dump(item), 200);
    if (text("type")) f.expected = *text("type");
    if (const auto input = item.find("input"); input != item.end())
        f.actual = trimmed(synapse::dump(*input), 80);
    return f;
}

}  // namespace detail

/// The error for an answer with status >= 400 (or below 100). The message reads
/// "<what>: HTTP <status>: <detail>"; the detail is the service's `detail` text, or the fields
/// of a 422 validation error ("<path>: <msg>; ..."), or the body itself when it is not a
/// `{"detail": ...}` object. 401/403 -> unauthorized, 404 -> not_found, 413 -> too_large,
/// 422 -> validation_failed (with `fields`, and `where` when there is one), anything else ->
/// http_error; a status below 100 is malformed_response.
inline error service_error(const http_response& r, std::string_view what) {
    std::string message(what);
    if (!message.empty()) message += ": ";
    if (r.status < 100) {
        message +=
            "the service's answer has no valid HTTP status (" + std::to_string(r.status) + ")";
        return error{errc::malformed_response, std::move(message)};
    }
    message += "HTTP " + std::to_string(r.status);
    std::vector<field_error> fields;
    std::string text;
    const json body = detail::parse_answer(r.body);
    const auto d = body.is_object() ? body.find("detail") : body.end();
    if (body.is_object() && d != body.end()) {
        if (d->is_string()) {
            text = d->get<std::string>();
        } else if (d->is_array()) {
            for (const auto& item : *d) {
                field_error f = detail::fastapi_field(item);
                if (!text.empty()) text += "; ";
                text += (f.path.empty() ? std::string("(body)") : f.path) + ": " + f.message;
                fields.push_back(std::move(f));
            }
        } else {
            text = synapse::dump(*d);
        }
    } else {
        text = detail::trimmed(r.body);
    }
    if (const auto quoted = detail::trimmed(text, 1000); !quoted.empty()) message += ": " + quoted;
    // FastAPI's 422 is a request body that failed validation; the rest as for any server.
    const errc code = r.status == 422 ? errc::validation_failed : errc_for_http_status(r.status);
    error e{code, std::move(message)};
    e.http_status = r.status;
    e.fields = std::move(fields);
    if (e.fields.size() == 1) e.where = e.fields.front().path;
    return e;
}

}  // namespace synapse::pipeline_service
