// Following a pipeline run's progress over the service's SSE stream (GET
// /api/v1/runs/{id}/progress/stream), across dropped connections, over any Transport:
//
//     auto done = synapse::pipeline_service::stream_progress(transport, run_id,
//         [](const synapse::pipeline_service::pipeline_progress& p) {
//             std::cout << p.overall_progress() * 100 << "%\n";
//             return true;  // false stops
//         });
//
// `basic_pipeline_service_client::stream_progress` is the same call on the client's transport.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/clock.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/pipeline/detail/service_http.hpp"
#include "synapse/pipeline/detail/text.hpp"
#include "synapse/pipeline/models/progress.hpp"
#include "synapse/pipeline/service_errors.hpp"
#include "synapse/pipeline/sse.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse {

/// How `stream_progress` follows the stream.
struct progress_stream_options {
    /// Reconnections in a row that may fail (or end) without an event.
    int max_reconnects = 5;
    /// The wait before reconnecting, unless the server sent a `retry:` field.
    std::chrono::milliseconds reconnect_delay{1000};
    sse_limits limits{};
    /// Where the waits between reconnections sleep (testing::manual_clock in tests).
    std::shared_ptr<const synapse::clock> clock = system_clock_ptr();
};

}  // namespace synapse

namespace synapse::pipeline_service {

/// Follows GET /api/v1/runs/{run_id}/progress/stream on `transport` and hands each state to
/// `on_progress` until a terminal event (`completed`, `failed`, `cancelled`, or a state with a
/// terminal status): that state is handed out too, then the call succeeds. The run's own failure
/// is a state, not an error. `basic_pipeline_service_client::stream_progress` calls this.
///
/// - When the stream ends or breaks before that, it is reopened (after the server's `retry:` or
///   `options.reconnect_delay`) with `Last-Event-ID` when the server sent ids; a server without
///   ids (dev-api) starts again from the current state, which is not handed out again when it
///   is the state handed out last. More than `options.max_reconnects` attempts in a row without
///   an event give the last transport error (or errc::transport_error). A success answer that
///   is not `text/event-stream` is malformed_response.
/// - An `error` event (dev-api: the run was deleted) ends with not_found for "Run not found",
///   http_error otherwise. A `progress` or terminal event whose data is not a progress state is
///   malformed_response. Events with other names are ignored unless their data is a progress
///   state; comments (heartbeats) are ignored.
/// - Error statuses: 404 (unknown run) and other 4xx end the call at once; 5xx answers count as
///   failed attempts.
/// - `on_progress` returning false, or `stop` being requested, ends the call without an error;
///   `on_progress` throwing ends it with errc::invalid_argument. `stop` is seen when data
///   arrives or the transport's read timeout runs out.
template <class T>
[[nodiscard]] expected<void> stream_progress(
    T& transport, std::string_view run_id,
    const std::function<bool(const pipeline_progress&)>& on_progress, std::stop_token stop = {},
    const progress_stream_options& options = {}) {
    static_assert(check_transport<T>());
    const std::string what = "streaming the progress of run " + std::string(run_id);
    return detail::boundary(what, [&]() -> expected<void> {
        const std::string target =
            "/api/v1/runs/" + synapse::detail::url_segment(run_id) + "/progress/stream";
        sse_parser parser(options.limits);
        std::optional<error> outcome;
        bool done = false;
        int failures = 0;
        std::optional<error> last_failure;
        std::size_t events = 0;  // dispatched on the current connection

        std::string last_data;  // the data of the last state handed out
        bool reconnected = false;
        auto hand_out = [&](const pipeline_progress& state) {
            try {
                return on_progress(state);
            } catch (const std::exception& e) {
                outcome =
                    error{errc::invalid_argument,
                          what + ": the progress callback threw: " + detail::utf8_safe(e.what())};
            } catch (...) {
                outcome = error{errc::invalid_argument, what + ": the progress callback threw"};
            }
            return false;
        };
        auto on_event = [&](const sse_event& e) -> bool {
            // A server without ids starts a new connection with the current state: skip it when
            // it is the one handed out last.
            if (++events == 1 && reconnected && e.data == last_data) return true;
            auto state = detail::read_progress_event(e, what);
            if (!state) {
                outcome = std::move(state).error();
                done = true;
                return false;
            }
            if (!*state) return true;  // not a progress state: ignored
            last_data = e.data;
            const bool terminal = detail::is_terminal_event(e.event) || (*state)->is_terminal();
            if (!hand_out(**state) || terminal) {
                done = true;
                return false;
            }
            return true;
        };

        for (;;) {
            if (stop.stop_requested()) return {};
            http_request request{"GET",
                                 target,
                                 {{"Accept", "text/event-stream"}, {"Cache-Control", "no-cache"}},
                                 {},
                                 {}};
            if (!parser.last_event_id().empty())
                request.headers.emplace_back("Last-Event-ID", parser.last_event_id());
            parser.reset();
            events = 0;
            auto result = transport.stream(request, [&](std::string_view chunk) {
                if (stop.stop_requested()) {
                    done = true;
                    return false;
                }
                auto fed = parser.feed(chunk, on_event);
                if (!fed) {
                    outcome = std::move(fed).error();
                    outcome->prefix(what);
                    done = true;
                    return false;
                }
                return *fed && !done;
            });
            if (done) {
                if (outcome) return fail(std::move(*outcome));
                return {};
            }
            if (!result) {
                error e = std::move(result).error();
                if (e.code != errc::transport_error && e.code != errc::timeout)
                    return fail(std::move(e.prefix(what)));
                last_failure = std::move(e);
            } else if (result->status >= 400 || result->status < 100) {
                error e = service_error(*result, what);
                if (result->status < 500) return fail(std::move(e));
                last_failure = std::move(e);
            } else if (const auto type = result->header("Content-Type");
                       events == 0 && !type.empty() && !type.starts_with("text/event-stream")) {
                return fail(errc::malformed_response, what + ": the answer is " +
                                                          detail::trimmed(type, 200) +
                                                          ", not an event stream");
            } else {
                last_failure =
                    error{errc::transport_error, what + ": the stream ended before the run did"};
            }
            if (events > 0) {
                failures = 0;
            } else if (++failures > std::max(options.max_reconnects, 0)) {
                error e = std::move(*last_failure);
                e.message +=
                    " (" + std::to_string(failures) + " attempts in a row without an event)";
                return fail(std::move(e));
            }
            if (!options.clock->sleep_for(parser.retry().value_or(options.reconnect_delay), stop))
                return {};
            reconnected = true;
        }
    });
}

}  // namespace synapse::pipeline_service
