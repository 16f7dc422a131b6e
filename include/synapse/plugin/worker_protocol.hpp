// The worker protocol: a plugin process that stays up and runs request after request. The host
// writes one request per line on the worker's stdin; the worker answers with frames, one JSON
// object per line, on its own channel: the stdout it started with, which it keeps for frames
// while the actions' own stdout goes to stderr, so nothing an action prints can corrupt the
// stream.
//
//   request:  {"id": "7", "action": "train", "params": {...}}      (or {"type": "shutdown"})
//             (params missing or null: {})
//   frames:   {"type": "ready", "pid": 4242, "actions": ["train", ...]}  once, at start
//             {"type": "event", "id": "7", "event": {<a json_lines record: log, progress,
//             metrics>}}
//             {"type": "result", "id": "7", "result": {...}}
//             {"type": "error", "id": "7", "error": {"code": "validation_failed", "message": ...,
//                                                   "where": ..., "fields": [...]}}
//
// Each request ends with exactly one result or error frame, after its events. A line that is
// not a request gets an error frame (with its id when one could be read) and the worker goes on.
// The same protocol is spoken by C++ plugin binaries (`<plugin> worker`) and by the Python host
// (`python synapse_host.py worker`) for synapse-sdk actions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/error.hpp"
#include "synapse/core/json.hpp"

namespace synapse::worker_protocol {

/// One request to a worker.
struct request {
    std::string id;
    std::string action;
    json params = json::object();
};

/// A request line as JSON (one line, no newline).
[[nodiscard]] inline std::string format_request(const request& r) {
    return dump(json{{"id", r.id}, {"action", r.action}, {"params", r.params}});
}

/// The error's fields as a frame carries them.
[[nodiscard]] inline json error_json(const error& e) {
    json fields = json::array();
    for (const auto& f : e.fields)
        fields.push_back({{"path", f.path},
                          {"message", f.message},
                          {"expected", f.expected},
                          {"actual", f.actual}});
    json out = {{"code", to_string(e.code)}, {"message", e.message}};
    if (!e.where.empty()) out["where"] = e.where;
    if (!fields.empty()) out["fields"] = std::move(fields);
    if (e.exit_code) out["exit_code"] = *e.exit_code;
    return out;
}

/// The error a frame carries; an unknown or missing code reads as action_failed.
[[nodiscard]] inline error error_from_json(const json& j) {
    const auto text = [&](const char* key) {
        auto it = j.is_object() ? j.find(key) : j.end();
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    errc code = errc::action_failed;
    const std::string name = text("code");
    for (int c = 1; c <= static_cast<int>(errc::cancelled); ++c)
        if (to_string(static_cast<errc>(c)) == name) code = static_cast<errc>(c);
    error e(code, text("message"));
    e.where = text("where");
    if (auto fields = j.is_object() ? j.find("fields") : j.end();
        fields != j.end() && fields->is_array()) {
        for (const auto& f : *fields) {
            if (!f.is_object()) continue;
            auto get = [&](const char* key) {
                auto it = f.find(key);
                return it != f.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            e.fields.push_back({get("path"), get("message"), get("expected"), get("actual")});
        }
    }
    return e;
}

/// A result or error frame, as one line.
[[nodiscard]] inline std::string result_frame(std::string_view id, const json& result) {
    return "{\"type\":\"result\",\"id\":" + dump(json(id)) + ",\"result\":" + dump(result) + "}";
}
[[nodiscard]] inline std::string error_frame(std::string_view id, const error& e) {
    return "{\"type\":\"error\",\"id\":" + dump(json(id)) + ",\"error\":" + dump(error_json(e)) +
           "}";
}
/// An event frame around a json_lines record (already JSON text).
[[nodiscard]] inline std::string event_frame(std::string_view id, std::string_view record) {
    return "{\"type\":\"event\",\"id\":" + dump(json(id)) + ",\"event\":" + std::string(record) +
           "}";
}

/// Reads a request line: the request, or the error to answer it with (and the id, when one could
/// be read). A `{"type": "shutdown"}` line gives an empty action.
struct parsed_request {
    std::optional<request> value;
    std::string id;  ///< for the error frame
    std::optional<error> problem;
};

[[nodiscard]] inline parsed_request parse_request(std::string_view line) {
    parsed_request out;
    auto j = parse_json(line, "the request line");
    if (!j) {
        out.problem = std::move(j).error();
        return out;
    }
    if (!j->is_object()) {
        out.problem = error(errc::invalid_argument, "a request must be a JSON object, got " +
                                                        std::string(json_type_name(*j)));
        return out;
    }
    if (auto id = j->find("id"); id != j->end() && id->is_string()) out.id = id->get<std::string>();
    if (auto type = j->find("type"); type != j->end() && *type == "shutdown") {
        out.value = request{};
        return out;
    }
    auto action = j->find("action");
    if (action == j->end() || !action->is_string() ||
        action->get_ref<const std::string&>().empty()) {
        out.problem = error(errc::invalid_argument, "a request needs an \"action\" string");
        return out;
    }
    auto params = j->find("params");
    const bool given = params != j->end() && !params->is_null();
    if (given && !params->is_object()) {
        out.problem = error(errc::invalid_argument, "a request's \"params\" must be an object");
        return out;
    }
    out.value = request{out.id, action->get<std::string>(), given ? *params : json::object()};
    return out;
}

}  // namespace synapse::worker_protocol
