// Waiting for a condition by looking again and again: the one polling loop of the library, with
// growing intervals, a timeout and a stop token, on an injectable clock.
#pragma once

#include <algorithm>
#include <chrono>
#include <stop_token>

#include "synapse/core/clock.hpp"

namespace synapse::detail {

/// Intervals that start short and grow by half each time up to a ceiling: with 20 ms and 200 ms,
/// 20, 30, 45, 67, 100, 150, 200, 200, ... ms. A short job's end is seen within milliseconds and
/// a long one costs a request per ceiling.
class backoff {
  public:
    constexpr backoff(std::chrono::milliseconds first, std::chrono::milliseconds ceiling) noexcept
        : next_(std::max(std::min(first, ceiling), std::chrono::milliseconds(1))),
          ceiling_(std::max(ceiling, std::chrono::milliseconds(1))) {}

    /// The next interval.
    constexpr std::chrono::milliseconds next() noexcept {
        const auto d = next_;
        next_ = std::min(ceiling_, std::max(next_ + std::chrono::milliseconds(1), next_ * 3 / 2));
        return d;
    }

  private:
    std::chrono::milliseconds next_;
    std::chrono::milliseconds ceiling_;
};

/// How a poll ended.
enum class poll_end { done, timed_out, stopped };

/// Calls `done()` until it returns true: at once, then after each interval of `intervals`, until
/// `timeout` has passed on `clock` (the last look is at the deadline) or `stop` is requested.
template <class F>
poll_end poll_until(const clock& clock, const std::stop_token& stop,
                    std::chrono::milliseconds timeout, backoff intervals, F&& done) {
    const auto deadline = clock.now() + timeout;
    for (;;) {
        if (done()) return poll_end::done;
        if (stop.stop_requested()) return poll_end::stopped;
        const auto now = clock.now();
        if (now >= deadline) return poll_end::timed_out;
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
        if (!clock.sleep_for(std::min(intervals.next(), left), stop)) return poll_end::stopped;
    }
}

}  // namespace synapse::detail
