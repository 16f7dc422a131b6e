// sync_adapter: gives any AsyncExecutor the synchronous `execute` (submit, then the result), so
// a Ray executor can be passed wherever an ExecutorProtocol is expected.
//
//     synapse::sync_adapter exec(std::move(*ray_executor), {.on_line = print});
//     run_everything(exec);  // template <synapse::ExecutorProtocol E> ...
//
// When the executor can follow a job's log (`follow(id, on_line, stop)`, as the Ray executors
// do) and `on_line` is set, the log is followed live while waiting, read once.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/executors/protocol.hpp"

namespace synapse {

struct sync_adapter_options {
    /// Called with the id right after a successful submission.
    std::function<void(std::string_view id)> on_submitted{};
    /// Each log line of the job while it runs (when the executor can follow logs).
    std::function<bool(std::string_view line)> on_line{};
    /// Stops waiting (the work goes on): execute answers errc::cancelled.
    std::stop_token stop{};
    /// The longest wait for a result.
    std::chrono::milliseconds timeout = std::chrono::hours(24);
};

/// Chosen only when `E` is not an AsyncExecutor: says why.
template <class E>
class sync_adapter {
    static_assert(check_async_executor<E>());
};

template <AsyncExecutor E>
class sync_adapter<E> {
  public:
    using executor_concept = sync_executor_tag;

    explicit sync_adapter(E executor, sync_adapter_options options = {})
        : executor_(std::move(executor)), options_(std::move(options)) {}

    /// Submits `action` and waits for its result (following its log when asked to).
    [[nodiscard]] expected<json> execute(std::string_view action, const json& params) {
        auto id = executor_.submit(action, params);
        if (!id) return fail(std::move(id).error());
        if (options_.on_submitted) options_.on_submitted(*id);
        if constexpr (requires { executor_.follow(*id, options_.on_line, options_.stop); }) {
            if (options_.on_line) return executor_.follow(*id, options_.on_line, options_.stop);
        }
        if constexpr (requires { executor_.get_result(*id, options_.timeout, options_.stop); })
            return executor_.get_result(*id, options_.timeout, options_.stop);
        else
            return executor_.get_result(*id);
    }

    E& executor() noexcept { return executor_; }

  private:
    E executor_;
    sync_adapter_options options_;
};

template <class E>
sync_adapter(E, sync_adapter_options) -> sync_adapter<E>;
template <class E>
sync_adapter(E) -> sync_adapter<E>;

}  // namespace synapse
