// The JSON-lines logger: one JSON object per line, for programs that render progress bars and
// dashboards from a plugin's output. The format is stable (README, "Log line format"):
//
//   {"type":"log","time":"...Z","level":"info","event":"dataset_ready","data":{"rows":200}}
//   {"type":"progress","time":"...Z","step":"train","current":4,"total":10,"percent":40.0,
//    "elapsed":1.01,"eta":1.52}                       ("step" is "" and "eta" null when absent)
//   {"type":"metrics","time":"...Z","step":"epoch","values":{"loss":0.031}}
//
// Every line starts with {"type": and ends with a newline; `time` is UTC with milliseconds.
// `values` holds every metric recorded for the step so far.
#pragma once

#include <iostream>
#include <ostream>
#include <string>

#include "synapse/plugin/detail/text.hpp"
#include "synapse/plugin/log_events.hpp"

namespace synapse {

class json_lines_logger {
  public:
    explicit json_lines_logger(std::ostream& out = std::cout) : out_(&out) {}

    void on_log(const log_record& r) { *out_ << format(r) << '\n' << std::flush; }
    void on_progress(const progress_record& r) { *out_ << format(r) << '\n' << std::flush; }
    void on_metrics(const metrics_record& r) { *out_ << format(r) << '\n' << std::flush; }

    /// The line a record is written as (without its newline).
    static std::string format(const log_record& r) {
        json line = json::object();
        line["level"] = to_string(r.level);
        line["event"] = r.event;
        line["data"] = r.data;
        return compose("log", r.time, line);
    }
    static std::string format(const progress_record& r) {
        json line = {{"step", r.step},       {"current", r.current},
                     {"total", r.total},     {"percent", r.percent},
                     {"elapsed", r.elapsed}, {"eta", r.eta ? json(*r.eta) : json(nullptr)}};
        return compose("progress", r.time, line);
    }
    static std::string format(const metrics_record& r) {
        return compose("metrics", r.time, json{{"step", r.step}, {"values", r.values}});
    }

  private:
    static std::string compose(std::string_view type, std::chrono::system_clock::time_point time,
                               const json& fields) {
        // Fixed key order: type and time first, so a reader can dispatch on a prefix.
        // Data comes from the action: invalid UTF-8 in it is written as U+FFFD, never thrown.
        std::string line =
            "{\"type\":" + dump(json(type)) + ",\"time\":\"" + detail::utc_timestamp(time) + "\"";
        for (auto it = fields.begin(); it != fields.end(); ++it)
            line.append(",").append(dump(json(it.key()))).append(":").append(dump(it.value()));
        line += "}";
        return line;
    }

    std::ostream* out_;
};

}  // namespace synapse
