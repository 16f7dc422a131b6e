// Following a Ray job's driver log line by line over the log tail WebSocket
// (`GET /api/jobs/{id}/logs/tail`), with reconnects that neither lose nor repeat a line.
// Includes synapse/transport/websocket.hpp (Boost.Beast): link with -pthread and cpp-httplib.
//
//     synapse::basic_jobs_api api(std::move(*transport));
//     auto done = synapse::tail_job_logs(api, options, id, [](std::string_view line) {
//         std::cout << line << '\n';
//         return true;  // false stops the tail
//     });
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/ray/jobs_api.hpp"
#include "synapse/ray/line_splitter.hpp"
#include "synapse/transport/httplib_transport.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse {

namespace detail {

/// Sleeps for `d`, waking early when `stop` is requested.
inline void sleep_unless_stopped(std::chrono::milliseconds d, const std::stop_token& stop) {
    const auto deadline = std::chrono::steady_clock::now() + d;
    while (!stop.stop_requested()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) return;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            deadline - now, std::chrono::milliseconds(20)));
    }
}

}  // namespace detail

/// Follows the driver log of `job_id` and calls `on_line` for every line, exactly once and in
/// order, until the job has ended and its log is drained. `api` is anything with
/// `expected<job_details> get_job(std::string_view)` (e.g. `basic_jobs_api<T>`); `options`
/// says where the dashboard is (the same as for the HTTP transport).
///
/// - The end is decided by the job's status, never by the stream alone: after the server
///   closes the stream (code 1000), `api.get_job` must say the job is terminal; otherwise the
///   tail reconnects. Ray closes with 1000 only after the job ended and the file was drained,
///   so a normal close plus a terminal status means every line was sent.
/// - Ray restarts the tail at the top of the log on every connection, so after a reconnect the
///   first N complete lines (N = lines delivered so far) are skipped. Only that count and the
///   unfinished line are kept, never the log.
/// - The stream is read in slices of `poll`; between them the stop token is checked and, when
///   the stream is idle, the job status is polled (one GET per `poll` while idle). A connection
///   that failed, closed with another code, or stayed idle for `options.read_timeout` is
///   replaced by a new one; once the job is terminal this drains the remaining lines.
/// - A final line without a newline is delivered after the last, normally closed, stream.
/// - `on_line` returning false, or `stop` being requested, returns early without an error.
/// - Errors (with `job_id` set): the not_found/unauthorized/http_error of the handshake or of
///   `api.get_job` (e.g. an unknown job); the transport_error/timeout of the connection when
///   more than `options.max_retries` attempts in a row failed to connect or broke without a new
///   line (waiting `poll` between them); errc::timeout when, after the job ended, more than
///   `options.max_retries + 1` streams in a row did not close normally.
template <class JobsApi>
expected<void> tail_job_logs(JobsApi& api, const transport_options& options,
                             std::string_view job_id,
                             const std::function<bool(std::string_view line)>& on_line,
                             std::stop_token stop = {},
                             std::chrono::milliseconds poll = std::chrono::milliseconds(500)) {
    if (poll <= std::chrono::milliseconds(0)) poll = std::chrono::milliseconds(1);
    const std::string id(job_id);
    const std::string target = "/api/jobs/" + detail::url_segment(job_id) + "/logs/tail";
    auto with_job = [&](error e) {
        if (e.job_id.empty()) e.job_id = id;
        return fail(std::move(e));
    };

    std::uint64_t delivered = 0;  // lines handed to on_line so far
    bool stopped_by_caller = false;
    int failed_attempts = 0;  // connection attempts in a row that gave nothing
    int drain_attempts = 0;   // connections opened after the job was seen terminal

    for (;;) {
        if (stop.stop_requested()) return {};
        auto ws = websocket_client::connect(options, target);
        if (!ws) {
            error e = std::move(ws).error();
            if (e.code != errc::transport_error && e.code != errc::timeout) {
                return with_job(std::move(e));
            }
            if (++failed_attempts > std::max(options.max_retries, 0)) {
                e.prefix("following the log of job " + id);
                return with_job(std::move(e));
            }
            auto job = api.get_job(job_id);
            if (!job) return with_job(std::move(job).error());
            detail::sleep_unless_stopped(poll, stop);
            continue;
        }

        // Lines of this connection: the first `delivered` ones were seen on an earlier one.
        std::uint64_t seen = 0;
        line_splitter splitter([&](std::string_view line) {
            if (seen++ < delivered) return true;
            ++delivered;
            if (!on_line(line)) stopped_by_caller = true;
            return !stopped_by_caller;
        });

        bool closed_normally = false;
        bool failed = false;  // the stream broke (not: replaced after an idle read_timeout)
        const std::uint64_t delivered_before = delivered;
        auto last_data = std::chrono::steady_clock::now();
        for (;;) {
            if (stop.stop_requested()) return {};
            auto frame = ws->read(poll);
            if (frame && *frame) {
                last_data = std::chrono::steady_clock::now();
                if (!splitter.feed(**frame)) return {};
                continue;
            }
            if (frame) {
                closed_normally = true;
                break;
            }
            if (frame.error().code != errc::timeout) {  // broken: reconnect
                failed = true;
                break;
            }
            // Idle: a quiet job is normal; poll its status, and replace a stream that stayed
            // idle for too long (a half-dead connection would never close).
            auto job = api.get_job(job_id);
            if (!job) return with_job(std::move(job).error());
            if (std::chrono::steady_clock::now() - last_data >= options.read_timeout) break;
        }
        ws->close();
        if (stopped_by_caller) return {};

        auto job = api.get_job(job_id);
        if (!job) return with_job(std::move(job).error());
        const bool terminal = is_terminal(job->status);
        if (terminal && closed_normally) {
            splitter.finish();
            return {};
        }
        const int limit = std::max(options.max_retries, 0);
        if (!failed || delivered > delivered_before) {
            failed_attempts = 0;
        } else if (++failed_attempts > limit) {
            error e{errc::transport_error, "following the log of job " + id +
                                               ": the log stream failed " +
                                               std::to_string(failed_attempts) + " times in a row"};
            return with_job(std::move(e));
        }
        if (terminal && ++drain_attempts > limit + 1) {
            error e{errc::timeout, "following the log of job " + id +
                                       ": the job has ended but its log stream does not close"};
            return with_job(std::move(e));
        }
        // Not terminal yet (or terminal but not drained): reconnect. Right away when the job
        // has ended (the new stream drains it), after `poll` otherwise.
        if (!terminal) detail::sleep_unless_stopped(poll, stop);
    }
}

}  // namespace synapse
