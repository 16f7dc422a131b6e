// The Spawner policy: runs a child process to its end and hands over its output line by line.
// `posix_spawner` does it with fork/exec and poll; the process executors take another one as a
// template argument, so their error paths (a program that cannot start, a signal, garbage on
// stdout) are tested without real children (synapse/testing/scripted_spawner.hpp).
//
//     synapse::posix_spawner spawner;
//     auto outcome = spawner.run({.argv = {"ls", "-l"}}, [](bool is_stderr, std::string_view line)
//     {
//         std::cout << line << '\n';
//     });  // expected<process_outcome>
#pragma once

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <concepts>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "synapse/core/expected.hpp"

extern "C" char** environ;

namespace synapse {

/// What to run.
struct process_spec {
    std::vector<std::string> argv;               ///< argv[0] is looked up in PATH
    std::filesystem::path working_dir;           ///< empty: inherit
    std::map<std::string, std::string> set_env;  ///< added or overridden
    std::vector<std::string> unset_env;          ///< removed from the inherited environment
    std::chrono::milliseconds timeout{0};        ///< 0: none
    /// Asks the child to end: SIGTERM, then SIGKILL two seconds later if it is still there.
    std::stop_token stop{};
};

/// How a child process ended.
struct process_outcome {
    int exit_code = -1;         ///< exit status, or 128 + signal
    std::optional<int> signal;  ///< the signal that ended it, if one did
    bool timed_out = false;     ///< killed because `timeout` ran out
    bool stopped = false;       ///< told to end because `stop` was requested
};

/// Receives each output line of a child: `is_stderr` tells the stream.
using output_handler = std::function<void(bool is_stderr, std::string_view line)>;

/// Declared by spawners: `using spawner_concept = synapse::spawner_tag;`
struct spawner_tag {};

/// Runs a process to its end: `run(spec, on_line) -> expected<process_outcome>`, calling
/// `on_line` for every output line (without the newline, a last unterminated line included).
/// Fails (errc::process_failed, `where` = the program or directory) only when the process could
/// not be started.
template <class S>
concept Spawner = requires { typename S::spawner_concept; } &&
                  std::derived_from<typename S::spawner_concept, spawner_tag> &&
                  requires(S& s, const process_spec& spec, const output_handler& on_line) {
                      { s.run(spec, on_line) } -> std::same_as<expected<process_outcome>>;
                  };

/// States why `S` is not a Spawner, one sentence per requirement.
template <class S>
constexpr bool check_spawner() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(
        requires { typename S::spawner_concept; },
        "not a Spawner: declare `using spawner_concept = synapse::spawner_tag;` in the "
        "spawner");
    static_assert(
        requires(S& s, const process_spec& spec, const output_handler& on_line) {
            { s.run(spec, on_line) } -> std::same_as<expected<process_outcome>>;
        },
        "not a Spawner: needs `expected<process_outcome> run(const process_spec& spec, const "
        "output_handler& on_line)`");
#endif
    return Spawner<S>;
}

namespace detail {

/// A started child: its pid and the parent's ends of its pipes (-1 where not piped).
struct launched_process {
    pid_t pid = -1;
    int in_fd = -1;   ///< the child's stdin (with `pipe_stdin`)
    int out_fd = -1;  ///< the child's stdout
    int err_fd = -1;  ///< the child's stderr
};

/// Starts `spec.argv` with fork/exec: the environment, minus `unset_env`, plus `set_env`, in
/// `working_dir`; stdout and stderr piped, stdin piped too with `pipe_stdin` (else inherited).
/// Errors name the program or the directory when the child could not be started.
inline expected<launched_process> launch(const process_spec& spec, bool pipe_stdin = false) {
    if (spec.argv.empty()) return fail(errc::invalid_argument, "no program to run");

    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string_view::npos)
            env[std::string(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
    }
    for (const auto& name : spec.unset_env) env.erase(name);
    for (const auto& [k, v] : spec.set_env) env[k] = v;
    std::vector<std::string> env_strings;
    env_strings.reserve(env.size());
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int in_pipe[2] = {-1, -1}, out_pipe[2], err_pipe[2], exec_pipe[2];
    if ((pipe_stdin && pipe2(in_pipe, O_CLOEXEC) != 0) || pipe2(out_pipe, O_CLOEXEC) != 0 ||
        pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(exec_pipe, O_CLOEXEC) != 0)
        return fail(errc::process_failed,
                    std::string("cannot create pipes: ") + std::strerror(errno));

    pid_t pid = fork();
    if (pid < 0)
        return fail(errc::process_failed, std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        if (pipe_stdin) dup2(in_pipe[0], STDIN_FILENO);
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        int code = 0;
        if (!spec.working_dir.empty() && chdir(spec.working_dir.c_str()) != 0) {
            code = errno;
        } else {
            execvpe(argv[0], argv.data(), envp.data());
            code = errno;
        }
        // Tell the parent why the child could not start, through the close-on-exec pipe.
        (void)!write(exec_pipe[1], &code, sizeof code);
        _exit(127);
    }
    if (pipe_stdin) close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    close(exec_pipe[1]);

    // The exec pipe closes when exec succeeds; otherwise it carries the child's errno.
    int exec_errno = 0;
    ssize_t got;
    while ((got = read(exec_pipe[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
    }
    close(exec_pipe[0]);
    if (got == sizeof exec_errno) {
        const bool chdir_failed =
            !spec.working_dir.empty() && !std::filesystem::is_directory(spec.working_dir);
        for (int fd : {in_pipe[1], out_pipe[0], err_pipe[0]})
            if (fd >= 0) close(fd);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        std::string what =
            chdir_failed ? "cannot enter working directory '" + spec.working_dir.string() + "'"
                         : "cannot start '" + spec.argv[0] + "'";
        error e(errc::process_failed, what + ": " + std::strerror(exec_errno));
        e.where = chdir_failed ? spec.working_dir.string() : spec.argv[0];
        return fail(std::move(e));
    }
    return launched_process{pid, pipe_stdin ? in_pipe[1] : -1, out_pipe[0], err_pipe[0]};
}

/// The exit status of a status from waitpid: exit code, or 128 + signal with the signal.
inline process_outcome outcome_of(int status) {
    process_outcome outcome;
    if (WIFSIGNALED(status)) {
        outcome.signal = WTERMSIG(status);
        outcome.exit_code = 128 + WTERMSIG(status);
    } else {
        outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return outcome;
}

/// Runs the child to completion with fork/exec, reading stdout and stderr with poll.
inline expected<process_outcome> run_posix_process(const process_spec& spec,
                                                   const output_handler& on_line) {
    auto child = launch(spec);
    if (!child) return fail(std::move(child).error());
    const pid_t pid = child->pid;
    std::string buffers[2];
    pollfd fds[2] = {{child->out_fd, POLLIN, 0}, {child->err_fd, POLLIN, 0}};
    int open_count = 2;
    auto deadline = std::chrono::steady_clock::now() + spec.timeout;
    bool timed_out = false, stopped = false;
    auto kill_at = std::chrono::steady_clock::time_point::max();  // max: no SIGKILL due
    char chunk[65536];
    while (open_count > 0) {
        int wait_ms = spec.stop.stop_possible() ? 50 : -1;
        const auto now = std::chrono::steady_clock::now();
        if (!stopped && spec.stop.stop_requested()) {
            stopped = true;
            kill(pid, SIGTERM);
            kill_at = now + std::chrono::seconds(2);
        }
        if (now >= kill_at) {
            kill(pid, SIGKILL);
            kill_at = std::chrono::steady_clock::time_point::max();
        }
        if (spec.timeout.count() > 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
            if (left.count() <= 0) {
                timed_out = true;
                kill(pid, SIGKILL);
                break;
            }
            wait_ms = wait_ms < 0 ? static_cast<int>(left.count())
                                  : std::min(wait_ms, static_cast<int>(left.count()));
        }
        int ready = poll(fds, 2, wait_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, chunk, sizeof chunk);
            if (n <= 0) {
                if (n < 0 && errno == EINTR) continue;
                if (!buffers[i].empty()) on_line(i == 1, buffers[i]);
                buffers[i].clear();
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
                continue;
            }
            buffers[i].append(chunk, static_cast<std::size_t>(n));
            std::size_t start = 0;
            for (auto nl = buffers[i].find('\n'); nl != std::string::npos;
                 nl = buffers[i].find('\n', start)) {
                on_line(i == 1, std::string_view(buffers[i]).substr(start, nl - start));
                start = nl + 1;
            }
            buffers[i].erase(0, start);
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    process_outcome outcome = outcome_of(status);
    outcome.timed_out = timed_out;
    outcome.stopped = stopped;
    return outcome;
}

}  // namespace detail

/// The Spawner over POSIX fork/exec: the child inherits this process's environment minus
/// `unset_env`, plus `set_env`; `argv[0]` is looked up in PATH; the child is killed (SIGKILL)
/// when `timeout` runs out.
struct posix_spawner {
    using spawner_concept = spawner_tag;

    [[nodiscard]] expected<process_outcome> run(const process_spec& spec,
                                                const output_handler& on_line) const {
        return detail::run_posix_process(spec, on_line);
    }
};

static_assert(check_spawner<posix_spawner>());

}  // namespace synapse
