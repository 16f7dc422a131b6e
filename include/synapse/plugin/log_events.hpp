// What an action reports while it runs (log events, progress, metrics), and the `Logger`
// policy that receives them. A logger is any type with the three `on_*` members below; the
// runtime context holds it through a non-owning `logger_ref`.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>

#include "synapse/core/json.hpp"

namespace synapse {

/// Log levels, with synapse-sdk's names.
enum class log_level { debug, info, success, warning, danger, error, critical };

constexpr std::string_view to_string(log_level level) noexcept {
    switch (level) {
        case log_level::debug: return "debug";
        case log_level::info: return "info";
        case log_level::success: return "success";
        case log_level::warning: return "warning";
        case log_level::danger: return "danger";
        case log_level::error: return "error";
        case log_level::critical: return "critical";
    }
    return "info";
}

/// `ctx.log(event, data)`.
struct log_record {
    log_level level;
    std::string_view event;
    const json& data;
    std::chrono::system_clock::time_point time;
};

/// `ctx.set_progress(current, total, step)`, with what synapse-sdk derives from it.
struct progress_record {
    std::string_view step;  ///< empty when no step was given
    std::int64_t current;
    std::int64_t total;
    double percent;             ///< round(current / total * 100, 2)
    double elapsed;             ///< seconds since this step's progress started, rounded to 2
    std::optional<double> eta;  ///< seconds left, rounded to 2; empty while current == 0
    std::chrono::system_clock::time_point time;
};

/// `ctx.set_metrics(values, step)`: `values` is everything recorded for the step so far.
struct metrics_record {
    std::string_view step;
    const json& values;
    std::chrono::system_clock::time_point time;
};

/// A logger policy: receives every record an action emits.
template <class L>
concept Logger =
    requires(L& logger, const log_record& l, const progress_record& p, const metrics_record& m) {
        logger.on_log(l);
        logger.on_progress(p);
        logger.on_metrics(m);
    };

/// A non-owning, type-erased reference to any Logger (two pointers; cheap to copy).
class logger_ref {
  public:
    template <Logger L>
        requires(!std::same_as<std::remove_cvref_t<L>, logger_ref>)
    logger_ref(L& logger) noexcept  // NOLINT: implicit by design
        : self_(&logger),
          on_log_([](void* s, const log_record& r) { static_cast<L*>(s)->on_log(r); }),
          on_progress_(
              [](void* s, const progress_record& r) { static_cast<L*>(s)->on_progress(r); }),
          on_metrics_([](void* s, const metrics_record& r) { static_cast<L*>(s)->on_metrics(r); }) {
    }

    void on_log(const log_record& r) const { on_log_(self_, r); }
    void on_progress(const progress_record& r) const { on_progress_(self_, r); }
    void on_metrics(const metrics_record& r) const { on_metrics_(self_, r); }

  private:
    void* self_;
    void (*on_log_)(void*, const log_record&);
    void (*on_progress_)(void*, const progress_record&);
    void (*on_metrics_)(void*, const metrics_record&);
};

/// A logger that drops everything.
struct null_logger {
    void on_log(const log_record&) {}
    void on_progress(const progress_record&) {}
    void on_metrics(const metrics_record&) {}
};

}  // namespace synapse
