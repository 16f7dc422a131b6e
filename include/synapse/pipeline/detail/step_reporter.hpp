// What one running action of a pipeline reports, turned into the service's progress and log
// writes and into the runner's own output: the Logger of a C++ action run inside the runner, and
// the reader of a child's output lines (JSON lines as synapse-cpp's json_lines_logger and the
// Python host write them; any other line is a log message).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/json.hpp"
#include "synapse/pipeline/models.hpp"
#include "synapse/pipeline/timestamp.hpp"
#include "synapse/plugin/log_events.hpp"
#include "synapse/plugin/loggers/console.hpp"

namespace synapse::pipeline_service::detail {

/// The service's log level for an action's level (it knows debug, info, warning, error).
constexpr pipeline_service::log_level service_level(synapse::log_level level) noexcept {
    switch (level) {
        case synapse::log_level::debug: return pipeline_service::log_level::debug;
        case synapse::log_level::warning: return pipeline_service::log_level::warning;
        case synapse::log_level::danger:
        case synapse::log_level::error:
        case synapse::log_level::critical: return pipeline_service::log_level::error;
        default: return pipeline_service::log_level::info;
    }
}

/// `Writer` is a service_writer (or anything with its `progress` and `log`).
template <class Writer>
class step_reporter {
  public:
    step_reporter(Writer& writer, std::int64_t index, std::string name, std::string started_at,
                  std::function<void(std::string_view)> print)
        : writer_(writer),
          index_(index),
          name_(std::move(name)),
          started_at_(std::move(started_at)),
          print_(std::move(print)) {}

    // The Logger of a C++ action.
    void on_log(const log_record& r) { message(console_logger::format(r), service_level(r.level)); }
    void on_progress(const progress_record& r) {
        print_(console_logger::format(r));
        progress(r.percent / 100.0, r.step,
                 std::to_string(r.current) + "/" + std::to_string(r.total));
    }
    void on_metrics(const metrics_record& r) {
        print_(console_logger::format(r));
        metrics_[r.step.empty() ? std::string("__default__") : std::string(r.step)] = r.values;
        progress(last_fraction_, last_step_, last_message_);
    }

    /// One output line of a child that runs the action.
    void child_line(bool is_stderr, std::string_view line) {
        if (!is_stderr && line.starts_with("{\"type\":")) {
            auto j = parse_json(line, "an action's output line");
            if (j && j->is_object() && read_event(*j)) return;
        }
        message(std::string(line),
                line.starts_with("error: ") ? log_level::error : log_level::info);
    }

    /// An event of a worker that runs the action (a json_lines record); anything else is logged.
    void event(const json& record) {
        if (!record.is_object() || !read_event(record))
            message(synapse::dump(record), pipeline_service::log_level::info);
    }

    /// The action's running entry, as the service shows it.
    action_progress running() const {
        action_progress p;
        p.name = name_;
        p.status = action_status::running;
        p.progress = last_fraction_;
        if (!last_step_.empty()) p.progress_step = last_step_;
        if (!last_message_.empty()) p.message = last_message_;
        p.metrics = metrics_;
        p.started_at = started_at_;
        return p;
    }

  private:
    void message(std::string text, pipeline_service::log_level level) {
        print_(text);
        log_entry_create e;
        e.action_name = name_;
        e.level = level;
        e.message = std::move(text);
        e.timestamp = now_timestamp();
        writer_.log(std::move(e));
    }

    void progress(double fraction, std::string_view step, std::string message) {
        last_fraction_ = std::clamp(fraction, 0.0, 1.0);
        last_step_ = std::string(step);
        last_message_ = std::move(message);
        progress_update u;
        u.current_action_index = index_;
        u.action_progress = running();
        writer_.progress(std::move(u), true);
    }

    /// A json_lines event: {"type": "log"|"progress"|"metrics", ...}; false when it is not one.
    bool read_event(const json& j) {
        const auto text = [&](const char* key) {
            auto it = j.find(key);
            return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        const std::string type = text("type");
        if (type == "log") {
            synapse::log_level level = synapse::log_level::info;
            for (auto l : {synapse::log_level::debug, synapse::log_level::success,
                           synapse::log_level::warning, synapse::log_level::danger,
                           synapse::log_level::error, synapse::log_level::critical})
                if (text("level") == to_string(l)) level = l;
            const auto data = j.find("data");
            const json empty = json::object();
            message(console_logger::format(log_record{level, text("event"),
                                                      data != j.end() ? *data : empty,
                                                      std::chrono::system_clock::now()}),
                    service_level(level));
            return true;
        }
        if (type == "progress") {
            const auto percent = j.find("percent");
            if (percent == j.end() || !percent->is_number()) return false;
            std::string shown = "INFO: ";
            if (!text("step").empty()) shown += "[" + text("step") + "] ";
            shown += "Progress: " + synapse::dump(*percent) + "%";
            print_(shown);
            std::string counts;
            const auto current = j.find("current"), total = j.find("total");
            if (current != j.end() && total != j.end() && current->is_number_integer() &&
                total->is_number_integer())
                counts = synapse::dump(*current) + "/" + synapse::dump(*total);
            progress(percent->get<double>() / 100.0, text("step"), std::move(counts));
            return true;
        }
        if (type == "metrics") {
            const auto values = j.find("values");
            if (values == j.end() || !values->is_object()) return false;
            const std::string step = text("step");
            print_("INFO: " + (step.empty() ? std::string() : "[" + step + "] ") +
                   "Metrics: " + synapse::dump(*values));
            metrics_[step.empty() ? std::string("__default__") : step] = *values;
            progress(last_fraction_, last_step_, last_message_);
            return true;
        }
        return false;
    }

    Writer& writer_;
    std::int64_t index_;
    std::string name_;
    std::string started_at_;
    std::function<void(std::string_view)> print_;
    double last_fraction_ = 0.0;
    std::string last_step_;
    std::string last_message_;
    json metrics_ = json::object();
};

}  // namespace synapse::pipeline_service::detail
