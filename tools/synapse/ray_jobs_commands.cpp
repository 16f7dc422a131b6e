// `synapse ray jobs|job|logs|stop`.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <deque>
#include <iostream>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include <synapse/ray/line_splitter.hpp>
#include <synapse/ray/stream_limits.hpp>

#include "plugin_commands.hpp"
#include "ray_support.hpp"

namespace synapse_cli::ray_cli {
namespace {

using synapse::json;

std::string local_time(const std::optional<std::int64_t>& ms) {
    if (!ms) return "";
    const std::time_t t = static_cast<std::time_t>(*ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string duration(const synapse::job_details& j) {
    if (!j.start_time) return "";
    const auto end = j.end_time.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    const auto s = (end - *j.start_time) / 1000;
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
    return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

int jobs(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    std::optional<synapse::job_status> status;
    if (!o.state.empty()) {
        std::string upper;
        for (char ch : o.state)
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        status = synapse::parse_job_status(upper);
        if (!status)
            return report(synapse::error(synapse::errc::invalid_argument,
                                         "unknown job status '" + o.state +
                                             "' (PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED)"));
    }
    auto list = c->list_jobs(status);
    if (!list) return report(list.error());
    if (o.json_only) {
        json out = json::array();
        for (const auto& j : *list) out.push_back(j.raw);
        std::cout << synapse::dump(out, 2) << std::endl;
        return 0;
    }
    std::sort(list->begin(), list->end(), [](const auto& a, const auto& b) {
        return a.start_time.value_or(0) > b.start_time.value_or(0);
    });
    text_table t({{"SUBMISSION_ID", true},
                  {"STATUS", false, true},
                  {"START"},
                  {"DURATION"},
                  {"ENTRYPOINT"}});
    for (const auto& j : *list) {
        std::string entry =
            j.entrypoint.size() > 60 ? j.entrypoint.substr(0, 57) + "..." : j.entrypoint;
        t.add({j.submission_id.value_or(j.job_id.value_or("")),
               std::string(synapse::to_string(j.status)), local_time(j.start_time), duration(j),
               entry});
    }
    print(t);
    return 0;
}

int job(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto j = c->get_job(o.id);
    if (!j) return report(j.error());
    if (o.json_only) {
        std::cout << synapse::dump(j->raw, 2) << std::endl;
        return 0;
    }
    std::cout << "submission_id: " << j->submission_id.value_or("") << "\n"
              << "job_id:        " << j->job_id.value_or("") << "\n"
              << "status:        " << synapse::to_string(j->status) << "\n"
              << "entrypoint:    " << j->entrypoint << "\n"
              << "start:         " << local_time(j->start_time) << "\n"
              << "end:           " << local_time(j->end_time) << "\n"
              << "duration:      " << duration(*j) << "\n";
    if (!j->message.empty()) std::cout << "message:       " << j->message << "\n";
    if (j->driver_exit_code) std::cout << "exit code:     " << *j->driver_exit_code << "\n";
    return 0;
}

/// Lines to stdout in large writes; while following, flushed every 50 ms as well, so a line
/// that comes alone shows at once.
class line_printer {
  public:
    explicit line_printer(bool live) {
        static char buffer[1 << 16];
        std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
        if (!live) return;
        flusher_ = std::jthread([this](std::stop_token stop) {
            std::unique_lock lock(mutex_);
            while (!stop.stop_requested()) {
                wake_.wait_for(lock, stop, std::chrono::milliseconds(50), [] { return false; });
                std::fflush(stdout);
            }
        });
    }
    line_printer(const line_printer&) = delete;
    line_printer& operator=(const line_printer&) = delete;
    ~line_printer() {
        if (flusher_.joinable()) {
            flusher_.request_stop();
            flusher_.join();
        }
        std::fflush(stdout);
    }
    void text(std::string_view t) const { std::fwrite(t.data(), 1, t.size(), stdout); }
    void line(std::string_view l) const {
        text(l);
        std::fputc('\n', stdout);
    }

  private:
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread flusher_;
};

/// The last `n` lines of what `feed` is given, and how many whole lines it held.
struct last_lines {
    explicit last_lines(std::size_t n) : n(n) {}
    std::size_t n;
    std::uint64_t count = 0;
    std::deque<std::string> kept;
    synapse::line_splitter splitter{[this](std::string_view line) {
        ++count;
        if (n == 0) return true;
        if (kept.size() == n) kept.pop_front();
        kept.emplace_back(line);
        return true;
    }};
};

int logs(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    const auto protocol =
        synapse::parse_tail_protocol(o.protocol).value_or(synapse::tail_protocol::automatic);
    line_printer out(o.follow);
    std::uint64_t skip = 0;  // lines already printed before following
    if (o.tail_lines) {
        last_lines last(*o.tail_lines);
        auto read =
            c->stream_job_logs(o.id, [&](std::string_view t) { return last.splitter.feed(t); });
        if (!read) return report(read.error());
        if (!o.follow) last.splitter.finish();  // a last line without a newline is a line too
        for (const auto& line : last.kept) out.line(line);
        if (!o.follow) return 0;
        skip = last.count;
    } else if (!o.follow) {
        auto read = c->stream_job_logs(o.id, [&](std::string_view t) {
            out.text(t);
            return true;
        });
        if (!read) return report(read.error());
        return 0;
    }
    synapse::tail_stats stats;
    synapse::log_tail_options options;
    options.protocol = protocol;
    options.limits = synapse::stream_limits::none();  // printed as they come, nothing kept
    options.stats = &stats;
    std::uint64_t seen = 0;
    auto ended = c->tail_job_logs(
        o.id,
        [&](std::string_view line) {
            if (seen++ >= skip) out.line(line);
            return true;
        },
        options);
    if (stats.fell_back)
        std::cerr << "note: followed over HTTP after the WebSocket failed (" << *stats.fell_back
                  << ")" << std::endl;
    if (!ended) return report(ended.error());
    return 0;
}

int stop(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto stopped = c->stop_job(o.id);
    if (!stopped) return report(stopped.error());
    std::cout << (*stopped ? "stopping job " + o.id : "job " + o.id + " was not running")
              << std::endl;
    return 0;
}

}  // namespace synapse_cli::ray_cli
