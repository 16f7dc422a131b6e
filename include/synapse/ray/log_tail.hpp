// Following a Ray job's driver log line by line: the dashboard's log tail WebSocket
// (`GET /api/jobs/{id}/logs/tail`) while the job runs, and the job's finished log
// (`GET /api/jobs/{id}/logs`, streamed) for whatever remains once it has ended. Every line is
// delivered exactly once and in order, and the follower returns as soon as the job has ended,
// without waiting for Ray to close the stream (it does so seconds later).
//
//     synapse::basic_jobs_api api(std::move(*transport));
//     synapse::beast_websocket ws(synapse::websocket_options_for(transport_options));
//     auto job = synapse::tail_job_logs(api, ws, id, [](std::string_view line) {
//         std::cout << line << '\n';
//         return true;  // false stops following
//     });  // expected<job_details>: the job as it ended
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/clock.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/ray/dashboard.hpp"
#include "synapse/ray/job_details.hpp"
#include "synapse/ray/line_splitter.hpp"
#include "synapse/transport/url.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse {

/// Receives one log line (without its newline); returning false stops following.
using line_handler = std::function<bool(std::string_view line)>;

struct log_tail_options {
    /// How long one read of the stream waits; when it waited in vain, the job's status is read.
    std::chrono::milliseconds poll{100};
    /// While lines keep coming, the job's status is still read this often, so a job that ended
    /// while its log was being replayed is finished from the log file instead.
    std::chrono::milliseconds status_interval{250};
    /// A stream that stays silent this long while the job runs is replaced by a new one (a
    /// half-dead connection never closes by itself).
    std::chrono::milliseconds idle_timeout{30000};
    /// Connection attempts in a row that may fail (or break without a new line) before the
    /// tail gives up.
    int max_retries = 3;
    std::shared_ptr<const synapse::clock> clock = system_clock_ptr();
};

namespace detail {

/// Lines of one pass over a log, of which the first `skip` were delivered by an earlier pass.
class resuming_lines {
  public:
    resuming_lines(std::uint64_t& delivered, line_handler on_line)
        : delivered_(delivered),
          skip_(delivered),
          on_line_(std::move(on_line)),
          splitter_([this](std::string_view line) {
              if (seen_++ < skip_) return true;
              ++delivered_;
              if (!on_line_(line)) stopped_ = true;
              return !stopped_;
          }) {}
    resuming_lines(const resuming_lines&) = delete;
    resuming_lines& operator=(const resuming_lines&) = delete;

    bool feed(std::string_view text) { return splitter_.feed(text); }
    bool finish() { return splitter_.finish(); }
    bool stopped() const noexcept { return stopped_; }

  private:
    std::uint64_t& delivered_;
    std::uint64_t skip_;
    std::uint64_t seen_ = 0;
    bool stopped_ = false;
    line_handler on_line_;  // held: a handler made at the call would not outlive it
    line_splitter splitter_;
};

inline error stopped_following(std::string_view id) {
    error e(errc::cancelled, "stopped following the log of job " + std::string(id));
    e.job_id = std::string(id);
    return e;
}

}  // namespace detail

/// Follows the driver log of `job_id` and calls `on_line` for every line, exactly once and in
/// order, until the job has ended and every line was delivered; returns the job as it ended.
/// `api` is anything with `expected<job_details> get_job(std::string_view)` and
/// `expected<void> stream_logs(std::string_view, const chunk_handler&)` (e.g.
/// `basic_jobs_api<T>`); `websocket` opens streams to the same dashboard.
///
/// - A job that has already ended is read from its log in one streamed request.
/// - While it runs, the WebSocket tail is read in slices of `poll`; the job's status is read
///   after every silent slice and at least every `status_interval`. Once it is terminal, the
///   stream is dropped and the rest comes from the finished log: the lines already delivered
///   are skipped (Ray's tail and log both start at the top), the others delivered, including a
///   last line without a newline.
/// - A stream that broke, was closed while the job runs, or stayed silent for `idle_timeout`
///   is replaced by a new one, skipping the lines already delivered. Only a count and the
///   unfinished line are kept, never the log.
/// - `on_line` returning false, or `stop` being requested, ends it with errc::cancelled.
/// - Errors (with `job_id` set): the not_found/unauthorized/http_error of a handshake or of a
///   request (e.g. an unknown job); the transport_error/timeout of the connection when more
///   than `max_retries` attempts in a row failed to connect or broke without a new line.
template <class JobsApi, WebSocketConnector W>
[[nodiscard]] expected<job_details> tail_job_logs(JobsApi& api, W& websocket,
                                                  std::string_view job_id,
                                                  const line_handler& on_line,
                                                  std::stop_token stop = {},
                                                  const log_tail_options& options = {}) {
    const clock& clk = *options.clock;
    const auto poll = std::max(options.poll, std::chrono::milliseconds(1));
    const int max_retries = std::max(options.max_retries, 0);
    const std::string id(job_id);
    const std::string target = "/api/jobs/" + detail::url_segment(job_id) + "/logs/tail";
    auto failed = [&](error e) -> expected<job_details> {
        e = detail::with_ray_token_hint(std::move(e));
        if (e.job_id.empty()) e.job_id = id;
        return fail(std::move(e));
    };

    std::uint64_t delivered = 0;  // lines handed to on_line so far
    // The rest of the log, from the finished log file.
    auto finish_from_log = [&](job_details job) -> expected<job_details> {
        detail::resuming_lines lines(delivered, on_line);
        auto read = api.stream_logs(job_id, [&](std::string_view text) {
            return !stop.stop_requested() && lines.feed(text);
        });
        if (!read) return failed(std::move(read).error());
        if (lines.stopped() || stop.stop_requested() || !lines.finish())
            return fail(detail::stopped_following(id));
        return job;
    };

    auto first = api.get_job(job_id);
    if (!first) return failed(std::move(first).error());
    if (is_terminal(first->status)) return finish_from_log(std::move(*first));

    int failed_attempts = 0;  // connection attempts in a row that gave nothing
    for (;;) {
        if (stop.stop_requested()) return fail(detail::stopped_following(id));
        auto ws = websocket.connect(target);
        if (!ws) {
            error e = std::move(ws).error();
            if (e.code != errc::transport_error && e.code != errc::timeout)
                return failed(std::move(e));
            if (++failed_attempts > max_retries) {
                e.prefix("following the log of job " + id);
                return failed(std::move(e));
            }
            auto job = api.get_job(job_id);
            if (!job) return failed(std::move(job).error());
            if (is_terminal(job->status)) return finish_from_log(std::move(*job));
            if (!clk.sleep_for(poll, stop)) return fail(detail::stopped_following(id));
            continue;
        }

        detail::resuming_lines lines(delivered, on_line);
        const std::uint64_t delivered_before = delivered;
        bool closed_normally = false;
        bool broke = false;
        auto last_data = clk.now();
        auto last_status = clk.now();
        std::optional<job_details> ended;  // set when the job was seen terminal
        for (;;) {
            if (stop.stop_requested()) {
                ws->close();
                return fail(detail::stopped_following(id));
            }
            auto frame = ws->read(poll);
            const bool data = frame && *frame;
            if (data) {
                last_data = clk.now();
                if (!lines.feed(**frame)) {
                    ws->close();
                    return fail(detail::stopped_following(id));
                }
                if (clk.now() - last_status < options.status_interval) continue;
            } else if (frame) {
                closed_normally = true;
                break;
            } else if (frame.error().code != errc::timeout) {
                broke = true;
                break;
            }
            // Silent for a slice, or lines for a while: has the job ended?
            auto job = api.get_job(job_id);
            if (!job) {
                ws->close();
                return failed(std::move(job).error());
            }
            last_status = clk.now();
            if (is_terminal(job->status)) {
                ended = std::move(*job);
                break;
            }
            if (!data && clk.now() - last_data >= options.idle_timeout) break;
        }
        ws->close();
        if (ended) return finish_from_log(std::move(*ended));

        auto job = api.get_job(job_id);
        if (!job) return failed(std::move(job).error());
        if (is_terminal(job->status)) {
            if (!closed_normally) return finish_from_log(std::move(*job));
            // Ray closes normally only once the job ended and its log was sent in full.
            if (!lines.finish()) return fail(detail::stopped_following(id));
            return job;
        }
        if (!broke || delivered > delivered_before) {
            failed_attempts = 0;
        } else if (++failed_attempts > max_retries) {
            error e{errc::transport_error, "following the log of job " + id +
                                               ": the log stream failed " +
                                               std::to_string(failed_attempts) + " times in a row"};
            return failed(std::move(e));
        }
        if (!clk.sleep_for(poll, stop)) return fail(detail::stopped_following(id));
    }
}

}  // namespace synapse
