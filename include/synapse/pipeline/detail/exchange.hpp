// Internals of the pipeline service client: one request and its answer, each call inside the
// exception boundary (service_http.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/pipeline/detail/service_http.hpp"
#include "synapse/pipeline/models/checkpoint.hpp"
#include "synapse/pipeline/models/wire_json.hpp"
#include "synapse/pipeline/service_errors.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse::pipeline_service::detail {

/// Sends `method target` with `body` (JSON when not empty) and reads the answer as an `R`.
template <class R, class T>
expected<R> send_request(T& transport, const char* method, std::string target, std::string body,
                         const std::string& what) {
    return boundary(what, [&]() -> expected<R> {
        http_request request{method, std::move(target), {}, std::move(body), {}};
        if (!request.body.empty()) request.content_type = "application/json";
        auto answer = checked(transport.send(request), what);
        if (!answer) return fail(std::move(answer).error());
        return read_body<R>(*answer, what);
    });
}

/// GET `target`, read as an `R`.
template <class R, class T>
expected<R> get_json(T& transport, std::string target, const std::string& what) {
    return send_request<R>(transport, "GET", std::move(target), {}, what);
}

/// Checks `body` against the rules of model `B`, sends it as the JSON body of `method target`,
/// and reads the answer as an `R`.
template <class R, class B, class T>
expected<R> send_checked(T& transport, const char* method, std::string target, const json& body,
                         const std::string& what) {
    auto text = boundary(what, [&] { return request_text<B>(body, what); });
    if (!text) return fail(std::move(text).error());
    return send_request<R>(transport, method, std::move(target), std::move(*text), what);
}

/// Sends `value` (its fields that are set) as the JSON body of `method target`, checked first,
/// and reads the answer as an `R`.
template <class R, class T, class B>
expected<R> send_json(T& transport, const char* method, std::string target, const B& value,
                      const std::string& what) {
    return send_checked<R, B>(transport, method, std::move(target), to_request_json(value), what);
}

/// DELETE `target`.
template <class T>
expected<void> delete_resource(T& transport, std::string target, const std::string& what) {
    return boundary(what, [&]() -> expected<void> {
        auto answer = checked(transport.send({"DELETE", std::move(target), {}, {}, {}}), what);
        if (!answer) return fail(std::move(answer).error());
        return {};
    });
}

/// GET `target`, a checkpoint; nullopt for the service's 404 "No checkpoints found" or
/// "Checkpoint not found" (any other 404, e.g. "Run not found", is not_found).
template <class T>
expected<std::optional<checkpoint>> maybe_checkpoint(T& transport, std::string target,
                                                     const std::string& what) {
    return boundary(what, [&]() -> expected<std::optional<checkpoint>> {
        auto sent = transport.send({"GET", std::move(target), {}, {}, {}});
        if (sent && sent->status == 404) {
            const auto text = detail_text(*sent);
            if (text == "No checkpoints found" || text == "Checkpoint not found")
                return std::optional<checkpoint>();
        }
        auto answer = checked(std::move(sent), what);
        if (!answer) return fail(std::move(answer).error());
        auto c = read_body<checkpoint>(*answer, what);
        if (!c) return fail(std::move(c).error());
        return std::optional(std::move(*c));
    });
}

}  // namespace synapse::pipeline_service::detail
