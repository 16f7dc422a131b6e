// worker_process: a plugin process that stays up (a C++ plugin binary's `worker` mode, or the
// Python host's for synapse-sdk actions) and answers request after request on the worker protocol
// (plugin/worker_protocol.hpp). A worker that dies while it runs a request (a crash, `abort`, a
// signal) answers that request with an error naming how it ended and its last lines; it is not
// reused.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/executors/spawner.hpp"
#include "synapse/plugin/worker_protocol.hpp"

namespace synapse {

class worker_process {
  public:
    /// Receives an event of the running request: a json_lines record (log, progress, metrics).
    using event_handler = std::function<void(const json& record)>;
    /// Receives a line the worker printed (its stderr, where the actions' output goes).
    using line_handler = std::function<void(std::string_view line)>;

    /// Starts `spec` (e.g. {"plugin", "worker"}) and waits up to `ready_timeout` for its ready
    /// frame. Errors: process_failed when it cannot start or ends first (with its last lines),
    /// timeout, protocol_error when its first frame is not `ready`.
    [[nodiscard]] static expected<worker_process> start(
        const process_spec& spec, const line_handler& on_line = {},
        std::chrono::milliseconds ready_timeout = std::chrono::seconds(60)) {
        auto launched = detail::launch(spec, true);
        if (!launched) return fail(std::move(launched).error());
        worker_process w(*launched, spec.argv.front());
        auto ready = w.next_frame(ready_timeout, on_line);
        if (!ready && ready.error().code == errc::process_failed)
            return fail(w.ended("before it was ready", on_line));
        if (!ready || !ready->is_object() || ready->value("type", "") != "ready") {
            (void)w.stop(std::chrono::milliseconds(0));
            if (!ready)
                return fail(errc::timeout, "the worker (" + w.program_ + ") was not ready within " +
                                               std::to_string(ready_timeout.count()) + " ms");
            return fail(errc::protocol_error,
                        "the worker's first frame is not `ready`: " + dump(*ready).substr(0, 200));
        }
        w.ready_ = std::move(*ready);
        return w;
    }

    worker_process(worker_process&& other) noexcept { *this = std::move(other); }
    worker_process& operator=(worker_process&& other) noexcept {
        if (this != &other) {
            (void)stop(std::chrono::milliseconds(0));
            p_ = std::exchange(other.p_, detail::launched_process{});
            program_ = std::move(other.program_);
            out_ = std::move(other.out_);
            err_ = std::move(other.err_);
            last_ = std::move(other.last_);
            ready_ = std::move(other.ready_);
            ended_ = std::exchange(other.ended_, std::nullopt);
        }
        return *this;
    }
    worker_process(const worker_process&) = delete;
    worker_process& operator=(const worker_process&) = delete;
    ~worker_process() { (void)stop(std::chrono::milliseconds(2000)); }

    pid_t pid() const noexcept { return p_.pid; }
    bool alive() const noexcept { return p_.pid > 0 && !ended_; }
    /// The ready frame: {"type": "ready", "pid": ..., "actions": [...]}.
    const json& ready() const noexcept { return ready_; }

    /// Sends `request` and reads its frames: events go to `on_event`, lines the worker prints to
    /// `on_line`, until its result (returned) or error (returned as the action's own error).
    /// A worker that ends first: process_failed naming its exit status or signal and its last
    /// lines (it is then not alive). `timeout` (0: none) kills a worker that does not answer.
    [[nodiscard]] expected<json> call(
        const worker_protocol::request& request, const event_handler& on_event = {},
        const line_handler& on_line = {},
        std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
        if (!alive()) return fail(errc::process_failed, "the worker is not running");
        const std::string during = "while running '" + request.action + "'";
        if (!write_all(worker_protocol::format_request(request) + "\n"))
            return fail(ended(during, on_line));
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            auto left = std::chrono::milliseconds(-1);
            if (timeout.count() > 0)
                left = std::max(std::chrono::milliseconds(0),
                                std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now()));
            auto frame = next_frame(left, on_line);
            if (!frame) {
                if (frame.error().code == errc::timeout) {
                    (void)stop(std::chrono::milliseconds(0));
                    return fail(errc::timeout, "action '" + request.action +
                                                   "' did not answer within " +
                                                   std::to_string(timeout.count()) + " ms");
                }
                if (frame.error().code == errc::process_failed) return fail(ended(during, on_line));
                return fail(std::move(frame).error());
            }
            const json& f = *frame;
            if (!f.is_object() || f.value("id", "") != request.id) continue;
            const std::string type = f.value("type", "");
            if (type == "event") {
                if (on_event && f.contains("event")) on_event(f["event"]);
            } else if (type == "result") {
                return f.contains("result") ? f["result"] : json::object();
            } else if (type == "error") {
                return fail(worker_protocol::error_from_json(f.value("error", json::object())));
            }
        }
    }

    /// Ends the worker: a shutdown request and its stdin closed, up to `grace` to exit, then
    /// SIGKILL. How it ended (idempotent).
    process_outcome stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000)) {
        if (p_.pid <= 0) return ended_.value_or(process_outcome{});
        if (!ended_) {
            if (grace.count() > 0) (void)write_all("{\"type\":\"shutdown\"}\n");
            close_fd(p_.in_fd);
            const auto until = std::chrono::steady_clock::now() + grace;
            int status = 0;
            pid_t done = 0;
            while ((done = waitpid(p_.pid, &status, WNOHANG)) == 0 &&
                   std::chrono::steady_clock::now() < until)
                ::usleep(5000);
            if (done == 0) {
                ::kill(p_.pid, SIGKILL);
                while (waitpid(p_.pid, &status, 0) < 0 && errno == EINTR) {
                }
            }
            ended_ = detail::outcome_of(status);
        }
        close_fd(p_.in_fd);
        close_fd(p_.out_fd);
        close_fd(p_.err_fd);
        p_.pid = -1;
        return *ended_;
    }

  private:
    worker_process(detail::launched_process p, std::string program)
        : p_(p), program_(std::move(program)) {}

    static void close_fd(int& fd) noexcept {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }

    bool write_all(std::string_view text) {
        std::size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = ::write(p_.in_fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

    /// The next frame of the worker; stderr lines meanwhile go to `on_line`. process_failed when
    /// the worker ended (its stdout closed), timeout after `wait` (negative: no limit).
    expected<json> next_frame(std::chrono::milliseconds wait, const line_handler& on_line) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        for (;;) {
            if (auto nl = out_.find('\n'); nl != std::string::npos) {
                std::string line = out_.substr(0, nl);
                out_.erase(0, nl + 1);
                if (line.empty()) continue;
                auto parsed = parse_json(line, "a frame of the worker");
                if (parsed && parsed->is_object()) return parsed;
                note(line, on_line);  // not a frame: shown as output
                continue;
            }
            if (p_.out_fd < 0) return fail(errc::process_failed, "the worker ended");
            int ms = -1;
            if (wait.count() >= 0)
                ms = static_cast<int>(
                    std::max<long long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               deadline - std::chrono::steady_clock::now())
                                               .count()));
            pollfd fds[2] = {{p_.out_fd, POLLIN, 0}, {p_.err_fd, POLLIN, 0}};
            const int ready = ::poll(fds, p_.err_fd >= 0 ? 2 : 1, ms);
            if (ready < 0 && errno == EINTR) continue;
            if (ready == 0)
                return fail(errc::timeout,
                            "no frame within " + std::to_string(wait.count()) + " ms");
            char chunk[65536];
            if (p_.err_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
                const ssize_t n = ::read(p_.err_fd, chunk, sizeof chunk);
                if (n <= 0) {
                    if (!err_.empty()) note(std::exchange(err_, {}), on_line);
                    close_fd(p_.err_fd);
                } else {
                    err_.append(chunk, static_cast<std::size_t>(n));
                    for (auto nl = err_.find('\n'); nl != std::string::npos; nl = err_.find('\n')) {
                        note(err_.substr(0, nl), on_line);
                        err_.erase(0, nl + 1);
                    }
                }
            }
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                const ssize_t n = ::read(p_.out_fd, chunk, sizeof chunk);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0)
                    close_fd(p_.out_fd);
                else
                    out_.append(chunk, static_cast<std::size_t>(n));
            }
        }
    }

    void note(std::string line, const line_handler& on_line) {
        if (on_line) on_line(line);
        last_.push_back(std::move(line));
        if (last_.size() > 20) last_.pop_front();
    }

    /// The error of a worker that ended `during` something: how it ended, and its last lines.
    error ended(std::string_view during, const line_handler& on_line) {
        // Drain what it printed last, then reap it.
        while (p_.err_fd >= 0) {
            char chunk[65536];
            const ssize_t n = ::read(p_.err_fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                if (!err_.empty()) note(std::exchange(err_, {}), on_line);
                close_fd(p_.err_fd);
                break;
            }
            err_.append(chunk, static_cast<std::size_t>(n));
            for (auto nl = err_.find('\n'); nl != std::string::npos; nl = err_.find('\n')) {
                note(err_.substr(0, nl), on_line);
                err_.erase(0, nl + 1);
            }
        }
        const pid_t pid = p_.pid;
        const auto how = stop(std::chrono::milliseconds(0));
        std::string text = "the worker (" + program_ + ", pid " + std::to_string(pid) + ") ";
        if (how.signal) {
            const char* name = strsignal(*how.signal);
            text += "was killed by signal " + std::to_string(*how.signal) +
                    (name ? " (" + std::string(name) + ")" : std::string());
        } else {
            text += "exited with status " + std::to_string(how.exit_code);
        }
        text += " " + std::string(during);
        if (!last_.empty()) {
            text += "; its last lines:";
            for (const auto& l : last_) text += "\n  " + l;
        }
        error e(errc::process_failed, std::move(text));
        e.exit_code = how.exit_code;
        return e;
    }

    detail::launched_process p_;
    std::string program_;
    std::string out_, err_;
    std::deque<std::string> last_;
    json ready_;
    std::optional<process_outcome> ended_;
};

}  // namespace synapse
