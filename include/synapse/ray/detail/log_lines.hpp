// The lines of one pass over a job's log, counted against stream_limits: what tail_job_logs
// (log_tail.hpp) hands its handler.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/ray/line_splitter.hpp"
#include "synapse/ray/stream_limits.hpp"

namespace synapse::detail {

/// The counts of a whole follow (every pass), checked against the limits.
class line_budget {
  public:
    line_budget(std::string job_id, const stream_limits& limits, tail_stats& stats)
        : job_id_(std::move(job_id)), limits_(limits), stats_(stats) {}

    enum class verdict { deliver, skip, exceeded };

    /// Counts `line`: deliver it, skip it (too long), or stop (a count went over its limit).
    verdict admit(std::string_view line) {
        if (stats_.lines + 1 > limits_.max_lines) return exceed("lines", limits_.max_lines);
        if (stats_.bytes + line.size() + 1 > limits_.max_bytes)
            return exceed("bytes", limits_.max_bytes);
        ++stats_.lines;
        stats_.bytes += line.size() + 1;
        if (line.size() <= limits_.max_message_size) return verdict::deliver;
        ++stats_.skipped_lines;
        return verdict::skip;
    }

    /// Counts one WebSocket message with data; false when that is one too many.
    bool admit_message() {
        if (stats_.messages + 1 > limits_.max_messages) {
            exceed("messages", limits_.max_messages);
            return false;
        }
        ++stats_.messages;
        return true;
    }

    /// The error of the limit that was exceeded, if one was.
    const std::optional<error>& exceeded() const noexcept { return exceeded_; }

  private:
    verdict exceed(std::string_view what, std::uint64_t limit) {
        error e{errc::too_large, "following the log of job " + job_id_ + ": more than " +
                                     std::to_string(limit) + " " + std::string(what) +
                                     " (stream_limits.max_" + std::string(what) + "); " +
                                     std::to_string(stats_.lines) + " lines were read"};
        e.job_id = job_id_;
        exceeded_ = std::move(e);
        return verdict::exceeded;
    }

    std::string job_id_;
    stream_limits limits_;
    tail_stats& stats_;
    std::optional<error> exceeded_;
};

/// Lines of one pass over a log, of which the first `delivered` (at construction) were handed
/// over by an earlier pass: Ray's streams all start at the top of the log.
class resuming_lines {
  public:
    resuming_lines(std::uint64_t& delivered, line_budget& budget,
                   std::function<bool(std::string_view)> on_line)
        : delivered_(delivered),
          skip_(delivered),
          budget_(budget),
          on_line_(std::move(on_line)),
          splitter_([this](std::string_view line) { return take(line); }) {}
    resuming_lines(const resuming_lines&) = delete;
    resuming_lines& operator=(const resuming_lines&) = delete;

    bool feed(std::string_view text) { return splitter_.feed(text); }
    bool finish() { return splitter_.finish(); }
    /// The handler asked to stop, or a limit was exceeded (see line_budget::exceeded).
    bool stopped() const noexcept { return stopped_; }

  private:
    bool take(std::string_view line) {
        if (seen_++ < skip_) return true;
        switch (budget_.admit(line)) {
            case line_budget::verdict::exceeded: stopped_ = true; return false;
            case line_budget::verdict::skip: ++delivered_; return true;
            case line_budget::verdict::deliver: break;
        }
        ++delivered_;
        if (!on_line_(line)) stopped_ = true;
        return !stopped_;
    }

    std::uint64_t& delivered_;
    std::uint64_t skip_;
    std::uint64_t seen_ = 0;
    bool stopped_ = false;
    line_budget& budget_;
    std::function<bool(std::string_view)> on_line_;  // held: one made at the call would dangle
    line_splitter splitter_;
};

}  // namespace synapse::detail
