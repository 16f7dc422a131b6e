// The worker mode of a plugin binary (`<plugin> worker`): it stays up and runs request after
// request on the worker protocol (worker_protocol.hpp), keeping one object per action for its
// whole life, so an action may keep state between calls (a model loaded by its first call and
// kept in a member is there for the next). What an action prints goes to stderr; frames go on
// the stdout the worker started with.
#pragma once

#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "synapse/plugin/context.hpp"
#include "synapse/plugin/environment.hpp"
#include "synapse/plugin/loggers/json_lines.hpp"
#include "synapse/plugin/worker_protocol.hpp"

namespace synapse::detail {

/// The worker's frame channel: a file descriptor, written whole lines at a time.
class frame_channel {
  public:
    explicit frame_channel(int fd) noexcept : fd_(fd) {}

    /// Writes `frame` and a newline; false when the host is gone.
    bool write(std::string frame) {
        frame += '\n';
        std::size_t done = 0;
        while (done < frame.size()) {
            const ssize_t n = ::write(fd_, frame.data() + done, frame.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

  private:
    int fd_;
};

/// The Logger of a request: each record becomes an event frame of that request.
class frame_logger {
  public:
    frame_logger(frame_channel& channel, std::string id) : channel_(channel), id_(std::move(id)) {}
    void on_log(const log_record& r) { send(json_lines_logger::format(r)); }
    void on_progress(const progress_record& r) { send(json_lines_logger::format(r)); }
    void on_metrics(const metrics_record& r) { send(json_lines_logger::format(r)); }

  private:
    void send(const std::string& record) {
        (void)channel_.write(worker_protocol::event_frame(id_, record));
    }
    frame_channel& channel_;
    std::string id_;
};

/// Runs the worker loop of the plugin `P` until stdin ends, a shutdown request comes, or the host
/// is gone; the exit status.
template <class P>
int run_worker() {
    std::signal(SIGPIPE, SIG_IGN);  // a host that went away is a failed write, not a signal
    std::cout << std::flush;
    const int channel_fd = ::dup(STDOUT_FILENO);
    if (channel_fd < 0 || ::dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        std::cerr << "error: io_error: cannot set up the worker's frame channel" << std::endl;
        return 1;
    }
    frame_channel channel(channel_fd);
    json names = json::array();
    for (auto n : P::names) names.push_back(std::string(n));
    if (!channel.write(dump(json{{"type", "ready"}, {"pid", ::getpid()}, {"actions", names}})))
        return 1;
    auto objects = std::make_unique<typename P::objects_type>();
    const auto env = plugin_environment::from_process();
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        auto parsed = worker_protocol::parse_request(line);
        if (parsed.problem) {
            if (!channel.write(worker_protocol::error_frame(parsed.id, *parsed.problem))) return 1;
            continue;
        }
        const auto& r = *parsed.value;
        if (r.action.empty()) break;  // shutdown
        frame_logger logger(channel, r.id);
        context ctx(logger, env, r.id);
        auto result = P::run_on(*objects, r.action, r.params, ctx);
        std::cout << std::flush;
        const bool sent = result
                              ? channel.write(worker_protocol::result_frame(r.id, *result))
                              : channel.write(worker_protocol::error_frame(r.id, result.error()));
        if (!sent) return 1;
    }
    return 0;
}

}  // namespace synapse::detail
