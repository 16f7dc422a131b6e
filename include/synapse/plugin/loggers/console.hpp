// The console logger: human lines, as synapse-sdk's ConsoleLogger prints them.
//
//     INFO: dataset_ready {'rows': 200}
//     INFO: [train] Progress: 40.0% | ETA: 1.52s
//     INFO: [epoch] Metrics: {'loss': 0.031}
#pragma once

#include <cctype>
#include <iostream>
#include <ostream>
#include <string>

#include "synapse/plugin/detail/text.hpp"
#include "synapse/plugin/log_events.hpp"

namespace synapse {

class console_logger {
  public:
    explicit console_logger(std::ostream& out = std::cout) : out_(&out) {}

    void on_log(const log_record& r) { write(format(r)); }
    void on_progress(const progress_record& r) { write(format(r)); }
    void on_metrics(const metrics_record& r) { write(format(r)); }

    /// The line a record is printed as.
    static std::string format(const log_record& r) {
        std::string line = upper(to_string(r.level)) + ": " + std::string(r.event);
        if (!r.data.is_object() || !r.data.empty()) line += " " + detail::python_repr(r.data);
        return line;
    }
    static std::string format(const progress_record& r) {
        return "INFO: " + step_prefix(r.step) + "Progress: " + detail::python_float(r.percent) +
               "% | ETA: " + (r.eta ? detail::python_float(*r.eta) : std::string("None")) + "s";
    }
    static std::string format(const metrics_record& r) {
        return "INFO: " + step_prefix(r.step) + "Metrics: " + detail::python_repr(r.values);
    }

  private:
    static std::string upper(std::string_view s) {
        std::string out(s);
        for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return out;
    }
    static std::string step_prefix(std::string_view step) {
        return step.empty() ? std::string() : "[" + std::string(step) + "] ";
    }
    void write(const std::string& line) { *out_ << line << '\n' << std::flush; }

    std::ostream* out_;
};

}  // namespace synapse
