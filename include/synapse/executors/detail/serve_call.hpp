// One call to a synapse Serve application through Serve's HTTP proxy, and what its answer means
// (the answer's format is in serve_host.hpp).
#pragma once

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "synapse/core/detail/text.hpp"
#include "synapse/core/json.hpp"
#include "synapse/plugin/record_replay.hpp"
#include "synapse/plugin/worker_protocol.hpp"
#include "synapse/transport/transport.hpp"
#include "synapse/transport/transport_options.hpp"
#include "synapse/transport/url.hpp"

namespace synapse::detail {

/// The proxy's transport options: `proxy_url`, or the dashboard's scheme and host on port 8000;
/// no token (the proxy takes none), no retries (a call is not idempotent).
inline expected<transport_options> serve_proxy_options(const transport_options& dashboard,
                                                       const std::optional<std::string>& proxy_url,
                                                       std::chrono::milliseconds call_timeout) {
    transport_options o = dashboard;
    o.token.reset();
    o.max_retries = 0;
    o.read_timeout = call_timeout;
    if (proxy_url) {
        o.base_url = *proxy_url;
    } else {
        auto url = parse_base_url(dashboard.base_url);
        if (!url) return fail(std::move(url).error());
        const std::string host =
            url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host;
        o.base_url = url->scheme + "://" + host + ":8000";
    }
    return o;
}

/// Serve's proxy settings for a Serve this client starts: on loopback for a dashboard on
/// loopback, else on every interface; port 8000.
inline json serve_http_options(std::string_view dashboard_url) {
    auto url = parse_base_url(std::string(dashboard_url));
    const bool loopback =
        url && (url->host == "127.0.0.1" || url->host == "localhost" || url->host == "::1");
    return {{"host", loopback ? "127.0.0.1" : "0.0.0.0"}, {"port", 8000}};
}

/// Whether the application Serve runs was deployed with `ours` (the fields this client sets;
/// the token aside, which each deploy draws anew).
inline bool same_serve_app(const json& deployed, const json& ours) {
    if (!deployed.is_object()) return false;
    for (const char* key : {"import_path", "runtime_env", "deployments", "route_prefix"})
        if (deployed.value(key, json()) != ours.value(key, json())) return false;
    json a = deployed.value("args", json::object()), b = ours.value("args", json::object());
    if (a.is_object()) a.erase("token");
    if (b.is_object()) b.erase("token");
    return a == b;
}

/// A fresh request id.
inline std::string serve_request_id() {
    static std::atomic<std::uint64_t> next{0};
    return std::to_string(::getpid()) + "-" + std::to_string(++next);
}

/// POSTs one request to `route` (through Serve's proxy, or to a replica's direct port with the
/// application's `token`) and returns the answer's JSON. Errors: not_found when Serve has
/// no such route (the application is gone), process_failed for 500 (the replica died or failed
/// during the call), http_error for 503 (no replica can take it) and other statuses, timeout,
/// transport_error when the proxy cannot be reached, malformed_response.
template <class T>
expected<json> serve_call(T& proxy, const std::string& route, std::string_view action,
                          const std::string& params_text, const std::string& token = {}) {
    std::string body = "{\"id\":" + dump(json(serve_request_id())) +
                       ",\"action\":" + dump(json(action)) + ",\"params\":" + params_text + "}";
    const std::string what = "running '" + std::string(action) + "' on Serve";
    http_request request{"POST", route, {}, std::move(body), "application/json"};
    if (!token.empty()) request.headers.emplace_back("X-Synapse-Token", token);
    auto sent = proxy.send(request);
    if (!sent) {
        error e = std::move(sent).error();
        e.message = what + ": " + e.message;
        return fail(std::move(e));
    }
    // Our deployment answers every request it reads with 200 and a JSON answer, even for a
    // worker that died: a 500 means the replica itself died or failed during the call.
    if (sent->status == 500) {
        error e(errc::process_failed,
                what + ": the Serve replica died or failed during the call (" +
                    "HTTP 500: " + std::string(trim(sent->body)).substr(0, 500) + ")");
        e.http_status = 500;
        return fail(std::move(e));
    }
    if (sent->status == 404) {
        error e(errc::not_found,
                what + ": Serve has no route " + route + " (the application was removed)");
        e.http_status = 404;
        return fail(std::move(e));
    }
    auto checked = check_status(std::move(sent), what);
    if (!checked) return fail(std::move(checked).error());
    auto j = parse_json(checked->body, what + " (the answer)");
    if (!j || !j->is_object())
        return fail(errc::malformed_response,
                    what + ": the answer is not a JSON object: " + checked->body.substr(0, 200));
    return j;
}

/// Sends the answer's events to `logger` and its output lines to `on_output` (stderr without).
template <class L>
void replay_answer(const json& answer, L& logger,
                   const std::function<void(std::string_view)>& on_output) {
    if (auto events = answer.find("events"); events != answer.end() && events->is_array())
        for (const auto& e : *events) (void)replay_record(e, logger);
    if (auto output = answer.find("output"); output != answer.end() && output->is_array())
        for (const auto& line : *output) {
            if (!line.is_string()) continue;
            if (on_output)
                on_output(line.get_ref<const std::string&>());
            else
                std::cerr << line.get_ref<const std::string&>() << '\n';
        }
}

/// The result of an answer, read by the serializer `s`, or the error it carries.
template <class S>
expected<json> serve_result(const json& answer, std::string_view action, const S& s) {
    if (auto e = answer.find("error"); e != answer.end() && e->is_object())
        return fail(worker_protocol::error_from_json(*e));
    auto r = answer.find("result");
    if (r == answer.end())
        return fail(errc::malformed_response,
                    "running '" + std::string(action) + "' on Serve: the answer has no result");
    return s.read_result(dump(*r));
}

}  // namespace synapse::detail
