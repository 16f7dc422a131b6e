// Where the library's waits read the time and sleep. Executors take a `clock` in their options,
// so tests can substitute synapse::testing::manual_clock: deadlines, timeouts and backoff are
// then exercised without wall time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <thread>

namespace synapse {

/// A source of time for waits: a monotonic clock for timeouts, the wall clock for times that
/// servers report (Ray's job start times are unix milliseconds), and a sleep that a stop token
/// interrupts.
class clock {
  public:
    virtual ~clock() = default;

    /// Monotonic time, for timeouts and intervals.
    virtual std::chrono::steady_clock::time_point now() const noexcept = 0;

    /// The wall clock, in unix milliseconds.
    virtual std::int64_t unix_ms() const noexcept = 0;

    /// Waits `d`, or less when `stop` is requested first; false when it was (the wait is over
    /// early and the caller should give up).
    virtual bool sleep_for(std::chrono::milliseconds d, const std::stop_token& stop) const = 0;
};

/// The machine's clocks; sleeps in slices of at most 20 ms so a stop request is seen promptly.
class system_clock final : public clock {
  public:
    std::chrono::steady_clock::time_point now() const noexcept override {
        return std::chrono::steady_clock::now();
    }

    std::int64_t unix_ms() const noexcept override {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }

    bool sleep_for(std::chrono::milliseconds d, const std::stop_token& stop) const override {
        const auto deadline = std::chrono::steady_clock::now() + d;
        while (!stop.stop_requested()) {
            const auto left = deadline - std::chrono::steady_clock::now();
            if (left <= std::chrono::steady_clock::duration::zero()) return true;
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
        }
        return false;
    }
};

/// The shared system clock, as the default of every `clock` option.
inline std::shared_ptr<const clock> system_clock_ptr() {
    static const system_clock instance;
    // Aliasing constructor: shares nothing, never deletes the static instance.
    return std::shared_ptr<const clock>(std::shared_ptr<const clock>(), &instance);
}

}  // namespace synapse
