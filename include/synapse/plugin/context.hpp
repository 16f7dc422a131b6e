// synapse::context: what an action's `execute` gets besides its params: logging, progress with
// percent/elapsed/ETA per step, metrics merged per step, the plugin environment and the job id.
#pragma once

#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/plugin/environment.hpp"
#include "synapse/plugin/log_events.hpp"

namespace synapse {

/// A context serves one action run, from one thread at a time.
class context {
  public:
    using clock_function = std::function<std::chrono::steady_clock::time_point()>;

    /// A context with an empty environment and no job id.
    explicit context(logger_ref logger) : logger_(logger), env_(&empty_environment()) {}

    /// A context that owns its environment.
    context(logger_ref logger, plugin_environment&& env,
            std::optional<std::string> job_id = std::nullopt)
        : logger_(logger),
          owned_env_(std::move(env)),
          env_(&*owned_env_),
          job_id_(std::move(job_id)) {}

    /// A context that refers to `env`, which must outlive it (no copy per run).
    context(logger_ref logger, const plugin_environment& env,
            std::optional<std::string> job_id = std::nullopt)
        : logger_(logger), env_(&env), job_id_(std::move(job_id)) {}

    context(const context&) = delete;
    context& operator=(const context&) = delete;

    /// Lets the action be asked to stop (a pipeline run cancelled, a runner told to end): after
    /// `stop` is requested, `stop_requested()` is true and `set_progress` answers
    /// errc::cancelled, so an action that reports progress ends at its next report.
    void set_stop_token(std::stop_token stop) noexcept { stop_ = std::move(stop); }

    /// True once the action was asked to stop; a long action checks it between steps.
    bool stop_requested() const noexcept { return stop_.stop_requested(); }
    const std::stop_token& stop_token() const noexcept { return stop_; }

    /// Reports an event with its data (usually a JSON object).
    void log(std::string_view event, const json& data = json::object(),
             log_level level = log_level::info) {
        logger_.on_log({level, event, data, std::chrono::system_clock::now()});
    }

    /// Reports progress of `step` (or of the whole action when `step` is empty). Needs
    /// total > 0 and 0 <= current <= total. Elapsed time counts from the first report of the
    /// step, or from the last report with current == 0.
    [[nodiscard]] expected<void> set_progress(std::int64_t current, std::int64_t total,
                                              std::string_view step = {}) {
        if (stop_.stop_requested()) return fail(errc::cancelled, "the action was asked to stop");
        if (total <= 0)
            return fail(errc::invalid_argument, "total must be > 0, got " + std::to_string(total));
        if (current < 0 || current > total)
            return fail(errc::invalid_argument, "current must be between 0 and " +
                                                    std::to_string(total) + ", got " +
                                                    std::to_string(current));
        auto now = now_();
        auto [it, inserted] = progress_start_.try_emplace(std::string(step), now);
        if (!inserted && current == 0) it->second = now;
        double elapsed = std::chrono::duration<double>(now - it->second).count();
        std::optional<double> eta;
        if (current > 0)
            eta = round2(elapsed / static_cast<double>(current) *
                         static_cast<double>(total - current));
        progress_record record{
            step,
            current,
            total,
            round2(static_cast<double>(current) / static_cast<double>(total) * 100.0),
            round2(elapsed),
            eta,
            std::chrono::system_clock::now()};
        logger_.on_progress(record);
        return {};
    }

    /// Records metrics for `step`, merged with those already recorded for it (later keys win).
    [[nodiscard]] expected<void> set_metrics(const json& values, std::string_view step) {
        if (!values.is_object())
            return fail(errc::invalid_argument, std::string("metrics must be a JSON object, got ") +
                                                    std::string(json_type_name(values)));
        if (step.empty()) return fail(errc::invalid_argument, "metrics need a step name");
        auto& merged = metrics_[std::string(step)];
        if (!merged.is_object()) merged = json::object();
        merged.update(values);
        logger_.on_metrics({step, merged, std::chrono::system_clock::now()});
        return {};
    }

    /// Everything recorded for `step` so far (an empty object when nothing was).
    json metrics(std::string_view step) const {
        auto it = metrics_.find(std::string(step));
        return it == metrics_.end() ? json::object() : it->second;
    }

    const plugin_environment& env() const noexcept { return *env_; }
    const std::optional<std::string>& job_id() const noexcept { return job_id_; }
    logger_ref logger() const noexcept { return logger_; }

    /// Replaces the clock used for elapsed time and ETA (tests use a manual clock); an empty
    /// function restores the steady clock.
    void set_clock(clock_function clock) {
        now_ = clock ? std::move(clock) : clock_function(steady_now);
    }

  private:
    static std::chrono::steady_clock::time_point steady_now() {
        return std::chrono::steady_clock::now();
    }
    static double round2(double v) { return std::round(v * 100.0) / 100.0; }

    logger_ref logger_;
    static const plugin_environment& empty_environment() {
        static const plugin_environment empty;
        return empty;
    }

    std::optional<plugin_environment> owned_env_;
    std::stop_token stop_;
    const plugin_environment* env_;
    std::optional<std::string> job_id_;
    std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> progress_start_;
    std::map<std::string, json, std::less<>> metrics_;
    clock_function now_ = steady_now;
};

}  // namespace synapse
