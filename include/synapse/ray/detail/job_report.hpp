// Reading a finished job's log with bounded memory: the result lines and the last few lines for
// a failure report, never the whole log.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "synapse/core/error.hpp"
#include "synapse/plugin/job_protocol.hpp"
#include "synapse/ray/jobs_api.hpp"
#include "synapse/ray/line_splitter.hpp"

namespace synapse::detail {

/// Takes a log in pieces; keeps the result triple (job_protocol::result_scanner) and the last
/// `keep` lines (each cut to 2,000 characters). Memory: those lines and the longest line.
class job_log_reader {
  public:
    explicit job_log_reader(std::size_t keep = 20) : keep_(keep) {}
    job_log_reader(const job_log_reader&) = delete;
    job_log_reader& operator=(const job_log_reader&) = delete;

    /// Takes a piece of the log (any number of lines, maybe ending mid-line).
    bool feed(std::string_view text) { return splitter_.feed(text); }
    /// Takes the unfinished last line, if any.
    void finish() { splitter_.finish(); }

    /// Takes one whole line (when the caller splits the log itself).
    bool add_line(std::string_view line) {
        scanner_.feed(line);
        if (keep_ == 0) return true;
        if (last_.size() == keep_) last_.pop_front();
        last_.emplace_back(line.substr(0, 2000));
        return true;
    }

    const job_protocol::result_scanner& scanner() const noexcept { return scanner_; }

    /// The last lines, joined with newlines.
    std::string tail() const {
        std::string out;
        for (const auto& line : last_) out.append(line).push_back('\n');
        return out;
    }

  private:
    std::size_t keep_;
    job_protocol::result_scanner scanner_;
    std::deque<std::string> last_;
    line_splitter splitter_{[this](std::string_view line) { return add_line(line); }};
};

/// The stage at which a job that did not succeed stopped: "runtime_env setup", "job start" (Ray
/// could not start the job's supervisor), "entrypoint start" (the command could not be run:
/// exit code 126 or 127), "stopped", or "action" (the entrypoint ran and failed).
inline std::string failure_stage(const job_details& job) {
    if (job.status == job_status::stopped) return "stopped";
    const std::string type = job.error_type.value_or("");
    if (type.starts_with("RUNTIME_ENV_SETUP")) return "runtime_env setup";
    if (type.starts_with("JOB_SUPERVISOR")) return "job start";
    if (job.driver_exit_code == 126 || job.driver_exit_code == 127) return "entrypoint start";
    return "action";
}

/// The error for a job that did not succeed: its status, the stage, Ray's error type
/// and message, the exit code, and the last log lines.
inline error failure_report(const job_details& job, const std::string& tail) {
    const std::string id = job.submission_id.value_or(job.job_id.value_or(""));
    const std::string stage = failure_stage(job);
    std::string message = "job " + id + " ended " + std::string(to_string(job.status)) +
                          " at the " + stage + " stage";
    if (job.error_type) message += " (" + *job.error_type + ")";
    if (!job.message.empty()) message += ": " + job.message.substr(0, 2000);
    if (!tail.empty()) message += "\nlast log lines:\n" + tail;
    error e(errc::job_failed, std::move(message));
    e.job_id = id;
    e.exit_code = job.driver_exit_code;
    return e;
}

/// The result of a terminal job read from its log by `serializer`, or its failure report; an
/// error names the job.
template <class Serializer>
expected<json> job_result(std::string_view id, const job_details& job, const job_log_reader& reader,
                          const Serializer& serializer) {
    if (job.status != job_status::succeeded) return fail(failure_report(job, reader.tail()));
    auto result = reader.scanner().result(serializer);
    if (!result) {
        error e = std::move(result).error();
        e.job_id = std::string(id);
        e.message = "job " + std::string(id) + ": " + e.message;
        return fail(std::move(e));
    }
    return result;
}

}  // namespace synapse::detail
