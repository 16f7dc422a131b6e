// Internals of the pipeline service client: queries, request bodies checked before they are
// sent, answers read into models, progress stream events, and the boundary that keeps every
// exception (from nlohmann, the allocator, a transport) inside the public calls.
#pragma once

#include <cstddef>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/core/reflect.hpp"
#include "synapse/pipeline/detail/text.hpp"
#include "synapse/pipeline/models.hpp"
#include "synapse/pipeline/service_errors.hpp"
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

/// `e` with every text made valid UTF-8 (it may quote a server's bytes or a user's strings).
inline error sanitized(error e) {
    e.message = utf8_safe(e.message);
    e.where = utf8_safe(e.where);
    for (auto& f : e.fields) {
        f.path = utf8_safe(f.path);
        f.message = utf8_safe(f.message);
        f.actual = utf8_safe(f.actual);
    }
    return e;
}

/// Runs `f` (which returns an `expected`) so that nothing it throws leaves: an exception from
/// nlohmann is malformed_response (only answers are parsed), std::bad_alloc is too_large, any
/// other (from a transport) is transport_error; each names `what`. The error's texts are made
/// valid UTF-8.
template <class F>
auto boundary(std::string_view what, F&& f) -> std::invoke_result_t<F&> {
    auto failure = [&](errc code, std::string_view problem) {
        return fail(error{code, std::string(what) + ": " + utf8_safe(problem)});
    };
    try {
        auto result = f();
        if (!result) return fail(sanitized(std::move(result).error()));
        return result;
    } catch (const json::exception& e) {
        return failure(errc::malformed_response, e.what());
    } catch (const std::bad_alloc&) {
        return failure(errc::too_large, "out of memory");
    } catch (const std::exception& e) {
        return failure(errc::transport_error, e.what());
    } catch (...) {
        return failure(errc::transport_error, "unknown exception");
    }
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

/// Reads a `T` from the JSON body of `r`; errc::malformed_response naming `what` (with every
/// failing field) when the body is not JSON, is nested deeper than `max_answer_depth`, or does
/// not match `T`.
template <class T>
expected<T> read_body(const http_response& r, std::string_view what) {
    if (json_nesting_depth(r.body) > max_answer_depth) {
        error e{errc::malformed_response, std::string(what) +
                                              ": the answer is nested deeper than " +
                                              std::to_string(max_answer_depth) + " levels"};
        e.http_status = r.status;
        return fail(std::move(e));
    }
    json j = parse_answer(r.body);
    if (j.is_discarded()) {
        auto parsed = parse_json(r.body, "the answer");
        error e{errc::malformed_response,
                std::string(what) + ": " +
                    (parsed ? std::string("invalid JSON") : parsed.error().message)};
        e.http_status = r.status;
        return fail(std::move(e));
    }
    normalize_legacy_fields(j);
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

/// Checks a request body against the rules of its model `T` (e.g. progress within 0..1) before
/// it is sent, so that a bad value is reported with its field path instead of a 422 round trip;
/// returns the body's text (a string that is not UTF-8 has its bad bytes replaced).
template <class T>
expected<std::string> request_text(const json& body, std::string_view what) {
    auto check = from_json<T>(body);
    if (!check) {
        error e = std::move(check).error();
        e.message = std::string(what) + ": " + e.message;
        return fail(std::move(e));
    }
    return synapse::dump(body);
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
        const json j = parse_answer(e.data);
        const auto it = j.is_object() ? j.find("error") : j.end();
        const std::string text = j.is_object() && it != j.end() && it->is_string()
                                     ? it->get<std::string>()
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

}  // namespace synapse::pipeline_service::detail
