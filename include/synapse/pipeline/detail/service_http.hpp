// Internals of the pipeline service client: paths and queries, the service's `{"detail": ...}`
// error bodies, reading typed answers and progress stream events.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/core/reflect.hpp"
#include "synapse/pipeline/models.hpp"
#include "synapse/pipeline/sse.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse::pipeline_service::detail {

/// Appends "?key=value" or "&key=value" to `target`.
inline void add_query(std::string& target, std::string_view key, std::string_view value) {
    target += target.find('?') == std::string::npos ? '?' : '&';
    target += key;
    target += '=';
    target += synapse::detail::url_segment(value);
}

inline std::string trimmed(std::string_view s, std::size_t limit = 500) {
    constexpr std::string_view space = " \t\r\n\v\f";
    const auto first = s.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    s = s.substr(first, s.find_last_not_of(space) - first + 1);
    if (s.size() <= limit) return std::string(s);
    return std::string(s.substr(0, limit)) + "...";
}

/// FastAPI's location of a validation error, e.g. ["body", "action_progress", "progress"] ->
/// "action_progress.progress" (the leading "body"/"query"/"path"/"header" is dropped).
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
            out += '[' + std::to_string(loc[i].get<long long>()) + ']';
        } else {
            if (!out.empty()) out += '.';
            out += loc[i].is_string() ? loc[i].get<std::string>() : loc[i].dump();
        }
    }
    return out;
}

/// The error for an answer with status >= 400 (or below 100). The message reads
/// "<what>: HTTP <status>: <detail>"; the detail is the service's `detail` text, or the
/// fields of a 422 validation error ("<path>: <msg>; ..."), or the body itself when it is not
/// a `{"detail": ...}` object. 401/403 -> unauthorized, 404 -> not_found, 413 -> too_large,
/// 422 -> validation_failed (with `fields`), anything else -> http_error.
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
    std::string detail;
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_discarded() && body.is_object() && body.contains("detail")) {
        const json& d = body["detail"];
        if (d.is_string()) {
            detail = d.get<std::string>();
        } else if (d.is_array()) {
            for (const auto& item : d) {
                field_error f;
                f.path = fastapi_path(item.value("loc", json::array()));
                f.message = item.contains("msg") && item["msg"].is_string()
                                ? item["msg"].get<std::string>()
                                : item.dump();
                f.expected = item.contains("type") && item["type"].is_string()
                                 ? item["type"].get<std::string>()
                                 : std::string();
                if (item.contains("input")) f.actual = trimmed(item["input"].dump(), 80);
                if (!detail.empty()) detail += "; ";
                detail += (f.path.empty() ? std::string("(body)") : f.path) + ": " + f.message;
                fields.push_back(std::move(f));
            }
        } else {
            detail = d.dump();
        }
    } else {
        detail = trimmed(r.body);
    }
    if (!detail.empty()) message += ": " + trimmed(detail, 1000);
    errc code = errc::http_error;
    if (r.status == 401 || r.status == 403)
        code = errc::unauthorized;
    else if (r.status == 404)
        code = errc::not_found;
    else if (r.status == 413)
        code = errc::too_large;
    else if (r.status == 422)
        code = errc::validation_failed;
    error e{code, std::move(message)};
    e.http_status = r.status;
    e.fields = std::move(fields);
    if (e.fields.size() == 1) e.where = e.fields.front().path;
    return e;
}

/// The service's `detail` text of an error answer ("" when there is none).
inline std::string detail_text(const http_response& r) {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return {};
    auto it = body.find("detail");
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// Passes answers with status 100..399 through; turns the others into `service_error`s.
inline expected<http_response> checked(expected<http_response> result, std::string_view what) {
    if (!result) {
        error e = std::move(result).error();
        e.prefix(what);
        return fail(std::move(e));
    }
    if (result->status >= 100 && result->status < 400) return result;
    return fail(service_error(*result, what));
}

/// Older services call an action's step `progress_category`: read it as `progress_step`.
inline void normalize_action_progress(json& entry) {
    if (!entry.is_object() || entry.contains("progress_step")) return;
    auto it = entry.find("progress_category");
    if (it == entry.end()) return;
    json value = std::move(*it);
    entry.erase(it);
    entry["progress_step"] = std::move(value);
}

/// Applies `normalize_action_progress` to the `progress` list of a run or progress object
/// (or of each one in an array) and to a progress update's `action_progress`.
inline void normalize_progress_lists(json& j) {
    if (j.is_array()) {
        for (auto& item : j) normalize_progress_lists(item);
        return;
    }
    if (!j.is_object()) return;
    if (auto it = j.find("progress"); it != j.end() && it->is_array())
        for (auto& entry : *it) normalize_action_progress(entry);
    if (auto it = j.find("action_progress"); it != j.end()) normalize_action_progress(*it);
}

/// Reads a `T` from the JSON body of `r`; errc::malformed_response naming `what` (with every
/// failing field) when the body is not JSON or does not match `T`.
template <class T>
expected<T> read_body(const http_response& r, std::string_view what) {
    json j = json::parse(r.body, nullptr, false);
    if (j.is_discarded()) {
        auto parsed = parse_json(r.body, "the answer");
        error e{errc::malformed_response,
                std::string(what) + ": " +
                    (parsed ? std::string("invalid JSON") : parsed.error().message)};
        e.http_status = r.status;
        return fail(std::move(e));
    }
    normalize_progress_lists(j);
    auto value = from_json<T>(j);
    if (!value) {
        error e = std::move(value).error();
        e.code = errc::malformed_response;
        e.message = std::string(what) + ": unexpected answer: " + e.message;
        e.http_status = r.status;
        return fail(std::move(e));
    }
    return value;
}

/// `completed`, `failed` or `cancelled`: the events after which a progress stream ends.
inline bool is_terminal_event(std::string_view name) noexcept {
    return name == "completed" || name == "failed" || name == "cancelled";
}

/// What one event of a progress stream says: a progress state; nullopt for an event to ignore
/// (a name this client does not know, whose data is not a progress state); or the error that
/// ends the stream: an `error` event (not_found for "Run not found", else http_error) or a
/// `progress`/`message`/terminal event whose data is not a progress state (malformed_response).
inline expected<std::optional<pipeline_progress>> read_progress_event(const sse_event& e,
                                                                      std::string_view what) {
    if (e.event == "error") {
        json j = json::parse(e.data, nullptr, false);
        std::string text =
            !j.is_discarded() && j.is_object() && j.contains("error") && j["error"].is_string()
                ? j["error"].get<std::string>()
                : trimmed(e.data);
        return fail(text == "Run not found" ? errc::not_found : errc::http_error,
                    std::string(what) + ": the service reported: " + text);
    }
    http_response as_body;
    as_body.status = 200;
    as_body.body = e.data;
    auto state =
        read_body<pipeline_progress>(as_body, std::string(what) + ": event \"" + e.event + "\"");
    if (state) return std::optional(std::move(*state));
    const bool known = e.event == "progress" || e.event == "message" || is_terminal_event(e.event);
    if (!known) return std::optional<pipeline_progress>();
    error err = std::move(state).error();
    err.http_status.reset();
    return fail(std::move(err));
}

/// Checks a request body against its own rules (e.g. progress within 0..1) before it is sent,
/// so that a bad value is reported with its field path instead of a 422 round trip.
template <class T>
expected<json> request_body(json body, std::string_view what) {
    auto check = from_json<T>(body);
    if (!check) {
        error e = std::move(check).error();
        e.message = std::string(what) + ": " + e.message;
        return fail(std::move(e));
    }
    return body;
}

}  // namespace synapse::pipeline_service::detail
