// A logger that keeps every record, for tests of actions and executors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synapse/plugin/log_events.hpp"

namespace synapse::testing {

class recording_logger {
  public:
    struct log_entry {
        log_level level;
        std::string event;
        json data;
    };
    struct progress_entry {
        std::string step;
        std::int64_t current, total;
        double percent, elapsed;
        std::optional<double> eta;
    };
    struct metrics_entry {
        std::string step;
        json values;
    };

    void on_log(const log_record& r) { logs.push_back({r.level, std::string(r.event), r.data}); }
    void on_progress(const progress_record& r) {
        progress.push_back({std::string(r.step), r.current, r.total, r.percent, r.elapsed, r.eta});
    }
    void on_metrics(const metrics_record& r) { metrics.push_back({std::string(r.step), r.values}); }

    std::vector<log_entry> logs;
    std::vector<progress_entry> progress;
    std::vector<metrics_entry> metrics;
};

}  // namespace synapse::testing
