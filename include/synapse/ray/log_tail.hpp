// Following a Ray job's driver log line by line while it runs, over the dashboard's log tail
// WebSocket (`GET /api/jobs/{id}/logs/tail`), the State API's streamed log
// (`GET /api/v0/logs/stream?submission_id={id}`), or the WebSocket falling back to the HTTP stream
// (`tail_protocol::automatic`); and the job's finished log (`GET /api/jobs/{id}/logs`, streamed)
// for whatever remains once it has ended, or all of it when it had ended before. Every line is
// delivered exactly once and in order, within `stream_limits`, and the follower returns as soon
// as the job has ended, without waiting for Ray to close a stream.
//
//     synapse::basic_jobs_api api(std::move(*transport));
//     synapse::beast_websocket ws(synapse::websocket_options_for(transport_options));
//     synapse::http_stream_connector<synapse::httplib_transport> http(transport_options);
//     auto job = synapse::tail_job_logs(api, ws, http, id, [](std::string_view line) {
//         std::cout << line << '\n';
//         return true;  // false stops following
//     });  // expected<job_details>: the job as it ended
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "synapse/core/clock.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/ray/dashboard.hpp"
#include "synapse/ray/detail/log_lines.hpp"
#include "synapse/ray/job_details.hpp"
#include "synapse/ray/stream_limits.hpp"
#include "synapse/transport/url.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse {

/// Receives one log line (without its newline); returning false stops following.
using line_handler = std::function<bool(std::string_view line)>;

struct log_tail_options {
    /// The stream read while the job runs (the overload without an HTTP stream connector reads
    /// the WebSocket for `websocket` and `automatic`).
    tail_protocol protocol = tail_protocol::automatic;
    /// What one follow accepts (synapse-sdk's defaults; stream_limits::none() for no bound).
    stream_limits limits{};
    /// When set, receives the counts of the follow, also when it fails.
    tail_stats* stats = nullptr;
    /// How long one read of the stream waits; when it waited in vain, the job's status is read.
    std::chrono::milliseconds poll{100};
    /// While lines keep coming, the job's status is still read this often, so a job that ended
    /// while its log was being replayed is finished from the log file instead.
    std::chrono::milliseconds status_interval{250};
    /// A stream that stays silent this long while the job runs is replaced by a new one (a
    /// half-dead connection never closes by itself). Silence never ends the follow: the job's
    /// status does.
    std::chrono::milliseconds idle_timeout{30000};
    /// Connection attempts in a row that may fail (or break without a new line) before the
    /// tail gives up.
    int max_retries = 3;
    std::shared_ptr<const synapse::clock> clock = system_clock_ptr();
};

namespace detail {

inline error stopped_following(std::string_view id) {
    error e(errc::cancelled, "stopped following the log of job " + std::string(id));
    e.job_id = std::string(id);
    return e;
}

/// True for an error after which `automatic` goes over to the HTTP stream: anything but refused
/// credentials (the HTTP stream would be refused too).
inline bool worth_falling_back(const error& e) noexcept {
    return e.code != errc::unauthorized && e.code != errc::cancelled;
}

/// True for a stream error worth another attempt: no connection, no answer, a server error.
inline bool worth_retrying(const error& e) noexcept {
    return e.code == errc::transport_error || e.code == errc::timeout ||
           (e.code == errc::http_error && e.http_status.value_or(0) >= 500);
}

/// One follow of one job's log: the passes over its streams and its finished log.
template <class JobsApi>
struct log_follower {
    log_follower(JobsApi& api, std::string_view id, const line_handler& on_line,
                 std::stop_token stop, const log_tail_options& options)
        : api_(api),
          id_(id),
          on_line_(on_line),
          stop_(std::move(stop)),
          options_(options),
          clk_(*options.clock),
          poll_(std::max(options.poll, std::chrono::milliseconds(1))),
          stats_(options.stats != nullptr ? *options.stats : own_stats_),
          budget_(id_, options.limits, stats_) {}

    /// How a pass over a stream ended.
    struct pass_end {
        enum kind_t { finished, retry, fall_back, failed } kind = retry;
        std::optional<job_details> job{};  ///< finished: the job as it ended
        bool from_log = true;              ///< finished: the rest comes from the finished log
        bool counts = false;               ///< retry: a failed attempt (nothing new came)
        std::optional<error> why{};        ///< failed, fall_back, counted retry
    };

    expected<job_details> failed(error e) {
        if (budget_.exceeded()) e = *budget_.exceeded();
        e = with_ray_token_hint(std::move(e));
        if (e.job_id.empty()) e.job_id = id_;
        return fail(std::move(e));
    }
    expected<job_details> stopped() {
        if (budget_.exceeded()) return failed(*budget_.exceeded());
        return fail(stopped_following(id_));
    }

    /// The job now, remembering the node its driver runs on (the HTTP stream needs it).
    expected<job_details> look() {
        auto job = api_.get_job(id_);
        if (job && job->driver_node_id && !job->driver_node_id->empty())
            driver_node_ = *job->driver_node_id;
        return job;
    }

    /// The rest of the log, from the finished log file.
    expected<job_details> finish_from_log(job_details job) {
        resuming_lines lines(delivered_, budget_, on_line_);
        auto read = api_.stream_logs(id_, [&](std::string_view text) {
            return !stop_.stop_requested() && lines.feed(text);
        });
        if (!read) return failed(std::move(read).error());
        if (lines.stopped() || stop_.stop_requested() || !lines.finish()) return stopped();
        return job;
    }

    /// Reads one stream of `connector` at `target` until the job ends, the stream ends or
    /// breaks, or it stays silent for idle_timeout. `may_fall_back`: a failure is a fall_back.
    /// `authoritative_close`: a normal close of a finished job's stream means every line came.
    template <WebSocketConnector C>
    pass_end pass(C& connector, const std::string& target, bool may_fall_back,
                  bool authoritative_close, bool count_messages) {
        auto ws = connector.connect(target);
        if (!ws) {
            error e = std::move(ws).error();
            if (may_fall_back && worth_falling_back(e))
                return {pass_end::fall_back, {}, true, false, std::move(e)};
            if (!worth_retrying(e)) return {pass_end::failed, {}, true, false, std::move(e)};
            return after_stream(false, true, std::move(e), nullptr);
        }
        resuming_lines lines(delivered_, budget_, on_line_);
        const std::uint64_t before = delivered_;
        bool closed_normally = false;
        std::optional<error> broke;
        auto last_data = clk_.now();
        auto last_status = clk_.now();
        for (;;) {
            if (stop_.stop_requested()) break;
            auto frame = ws->read(poll_);
            const bool data = frame && *frame;
            if (data) {
                last_data = clk_.now();
                if ((count_messages && !budget_.admit_message()) || !lines.feed(**frame)) break;
                if (clk_.now() - last_status < options_.status_interval) continue;
            } else if (frame) {
                closed_normally = true;
                break;
            } else if (frame.error().code != errc::timeout) {
                broke = std::move(frame).error();
                break;
            }
            // Silent for a slice, or lines for a while: has the job ended?
            auto job = look();
            if (!job) {
                ws->close();
                return {pass_end::failed, {}, true, false, std::move(job).error()};
            }
            last_status = clk_.now();
            if (is_terminal(job->status)) {
                ws->close();
                return {pass_end::finished, std::move(*job), true, false, {}};
            }
            if (!data && clk_.now() - last_data >= options_.idle_timeout) break;
        }
        ws->close();
        if (stop_.stop_requested() || lines.stopped() || budget_.exceeded())
            return {pass_end::failed, {}, true, false, stopped_following(id_)};
        if (broke && may_fall_back && worth_falling_back(*broke))
            return {pass_end::fall_back, {}, true, false, std::move(broke)};
        if (broke && !worth_retrying(*broke))
            return {pass_end::failed, {}, true, false, std::move(broke)};
        const bool counts = broke.has_value() && delivered_ == before;
        return after_stream(closed_normally && authoritative_close, counts,
                            broke.value_or(error{errc::transport_error, "the stream ended"}),
                            &lines);
    }

    /// After a stream: the job's status says whether to finish or to try again.
    pass_end after_stream(bool closed_in_full, bool counts, error why, resuming_lines* lines) {
        auto job = look();
        if (!job) return {pass_end::failed, {}, true, false, std::move(job).error()};
        if (is_terminal(job->status)) {
            if (!closed_in_full) return {pass_end::finished, std::move(*job), true, false, {}};
            // Ray's WebSocket closes normally only once the job ended and its log was sent.
            if (lines != nullptr && !lines->finish())
                return {pass_end::failed, {}, true, false, stopped_following(id_)};
            return {pass_end::finished, std::move(*job), false, false, {}};
        }
        // A job not started yet has no log to stream: waiting for it is no failure.
        if (job->status == job_status::pending) counts = false;
        return {pass_end::retry, {}, true, counts, std::move(why)};
    }

    JobsApi& api_;
    std::string id_;
    const line_handler& on_line_;
    std::stop_token stop_;
    const log_tail_options& options_;
    const clock& clk_;
    std::chrono::milliseconds poll_;
    tail_stats own_stats_;
    tail_stats& stats_;
    line_budget budget_;
    std::uint64_t delivered_ = 0;  // lines of the log handed over or skipped so far
    std::string driver_node_;      // the driver's node, once known
};

template <class JobsApi, class W, class H>
expected<job_details> follow_job_log(JobsApi& api, W* websocket, H* http, std::string_view job_id,
                                     const line_handler& on_line, std::stop_token stop,
                                     const log_tail_options& options) {
    log_follower<JobsApi> f(api, job_id, on_line, stop, options);
    const std::string id(job_id);
    if (options.protocol == tail_protocol::http && http == nullptr) {
        return f.failed({errc::invalid_argument, "following the log of job " + id +
                                                     " over HTTP needs an HTTP stream connector"});
    }
    auto first = f.look();
    if (!first) return f.failed(std::move(first).error());
    if (is_terminal(first->status)) return f.finish_from_log(std::move(*first));

    const std::string ws_target = "/api/jobs/" + url_segment(job_id) + "/logs/tail";
    // Ray reads a job's log on the node its driver runs on, known once the driver started.
    auto http_target = [&] {
        return "/api/v0/logs/stream?node_id=" + url_segment(f.driver_node_) +
               "&submission_id=" + url_segment(job_id) + "&lines=-1&interval=0.2";
    };
    bool on_http = options.protocol == tail_protocol::http;
    const bool may_fall_back = options.protocol == tail_protocol::automatic && http != nullptr;
    const int max_retries = std::max(options.max_retries, 0);
    int failed_attempts = 0;  // attempts in a row that gave nothing
    for (;;) {
        if (stop.stop_requested()) return f.stopped();
        f.stats_.protocol = on_http ? tail_protocol::http : tail_protocol::websocket;
        typename log_follower<JobsApi>::pass_end end;
        if (on_http && f.driver_node_.empty()) {
            end = f.after_stream(false, false, error{errc::transport_error, "not started"},
                                 nullptr);  // no stream before the driver has a node
        } else if (on_http) {
            if constexpr (!std::is_same_v<H, std::nullptr_t>)
                end = f.pass(*http, http_target(), false, false, false);
        } else {
            end = f.pass(*websocket, ws_target, may_fall_back, true, true);
        }
        using kind = typename log_follower<JobsApi>::pass_end::kind_t;
        switch (end.kind) {
            case kind::finished:
                if (end.from_log) return f.finish_from_log(std::move(*end.job));
                return std::move(*end.job);
            case kind::failed:
                if (end.why && end.why->code == errc::cancelled) return f.stopped();
                return f.failed(std::move(*end.why));
            case kind::fall_back:
                on_http = true;
                failed_attempts = 0;
                f.stats_.fell_back = end.why->message;
                continue;
            case kind::retry: break;
        }
        if (!end.counts) {
            failed_attempts = 0;
        } else if (++failed_attempts > max_retries) {
            error e = std::move(*end.why);
            e.prefix("following the log of job " + id + ": the log stream failed " +
                     std::to_string(failed_attempts) + " times in a row");
            return f.failed(std::move(e));
        }
        if (!f.clk_.sleep_for(options.poll, stop)) return f.stopped();
    }
}

}  // namespace detail

/// Follows the driver log of `job_id` and calls `on_line` for every line, exactly once and in
/// order, until the job has ended and every line was delivered; returns the job as it ended.
/// `api` is anything with `expected<job_details> get_job(std::string_view)` and
/// `expected<void> stream_logs(std::string_view, const chunk_handler&)` (e.g.
/// `basic_jobs_api<T>`); `websocket` and `http` open streams to the same dashboard (e.g.
/// beast_websocket and http_stream_connector).
///
/// - A job that has already ended is read from its log in one streamed request.
/// - While it runs, the stream of `options.protocol` is read in slices of `poll`; the job's
///   status is read after every silent slice and at least every `status_interval`. Once it is
///   terminal, the stream is dropped and the rest comes from the finished log: the lines already
///   delivered are skipped (Ray's streams and log all start at the top), the others delivered,
///   including a last line without a newline.
/// - `automatic` reads the WebSocket until it cannot be opened or breaks (a proxy that limits
///   WebSockets, a server error), then the HTTP stream, from the first line not yet delivered.
/// - A stream that broke, was closed while the job runs, or stayed silent for `idle_timeout`
///   is replaced by a new one, skipping the lines already delivered. Only a count and the
///   unfinished line are kept, never the log.
/// - `on_line` returning false, or `stop` being requested, ends it with errc::cancelled; a
///   count over `options.limits` with errc::too_large naming the limit.
/// - Errors (with `job_id` set): the not_found/unauthorized/http_error of a handshake or of a
///   request (e.g. an unknown job); the error of the connection when more than `max_retries`
///   attempts in a row failed to connect or broke without a new line.
template <class JobsApi, WebSocketConnector W, WebSocketConnector H>
[[nodiscard]] expected<job_details> tail_job_logs(JobsApi& api, W& websocket, H& http,
                                                  std::string_view job_id,
                                                  const line_handler& on_line,
                                                  std::stop_token stop = {},
                                                  const log_tail_options& options = {}) {
    return detail::follow_job_log(api, &websocket, &http, job_id, on_line, std::move(stop),
                                  options);
}

/// The same over the WebSocket alone (`options.protocol` http is refused).
template <class JobsApi, WebSocketConnector W>
[[nodiscard]] expected<job_details> tail_job_logs(JobsApi& api, W& websocket,
                                                  std::string_view job_id,
                                                  const line_handler& on_line,
                                                  std::stop_token stop = {},
                                                  const log_tail_options& options = {}) {
    return detail::follow_job_log(api, &websocket, static_cast<std::nullptr_t*>(nullptr), job_id,
                                  on_line, std::move(stop), options);
}

}  // namespace synapse
