// A clock for tests that moves only when told to, or when something sleeps on it: a sleep
// returns at once and advances the clock by its duration. Waits, deadlines and backoff then run
// in no wall time, and the sleeps they made can be checked.
//
//     auto clock = std::make_shared<synapse::testing::manual_clock>();
//     options.clock = clock;
//     ...
//     CHECK(clock->sleeps() == std::vector<std::chrono::milliseconds>{20ms, 30ms, 45ms});
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <vector>

#include "synapse/core/clock.hpp"

namespace synapse::testing {

class manual_clock final : public synapse::clock {
  public:
    /// Starts at `unix_ms` on the wall clock (and at the steady clock's epoch).
    explicit manual_clock(std::int64_t unix_ms = 1'700'000'000'000) : unix_start_(unix_ms) {}

    std::chrono::steady_clock::time_point now() const noexcept override {
        std::lock_guard lock(mutex_);
        return std::chrono::steady_clock::time_point(elapsed_);
    }

    std::int64_t unix_ms() const noexcept override {
        std::lock_guard lock(mutex_);
        return unix_start_ + elapsed_.count();
    }

    /// Records the sleep and advances the clock by `d`; false (without advancing) when `stop`
    /// was requested.
    bool sleep_for(std::chrono::milliseconds d, const std::stop_token& stop) const override {
        if (stop.stop_requested()) return false;
        std::lock_guard lock(mutex_);
        sleeps_.push_back(d);
        elapsed_ += d;
        return true;
    }

    /// Moves the clock forward without a sleep.
    void advance(std::chrono::milliseconds d) {
        std::lock_guard lock(mutex_);
        elapsed_ += d;
    }

    /// Every sleep made so far, in order.
    std::vector<std::chrono::milliseconds> sleeps() const {
        std::lock_guard lock(mutex_);
        return sleeps_;
    }

    /// The time slept in all.
    std::chrono::milliseconds slept() const {
        std::lock_guard lock(mutex_);
        std::chrono::milliseconds total{0};
        for (auto d : sleeps_) total += d;
        return total;
    }

  private:
    mutable std::mutex mutex_;
    std::int64_t unix_start_;
    mutable std::chrono::milliseconds elapsed_{0};
    mutable std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace synapse::testing
