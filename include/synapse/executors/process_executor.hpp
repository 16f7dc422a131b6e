// process_executor: runs an action in a child process through the job protocol: a C++ plugin
// binary, or a Python synapse-sdk action (`python -m synapse_sdk.plugins.entrypoint` with a
// `module.Class` entrypoint). Returns the parsed result.
//
//     auto exec = synapse::process_executor::for_binary("build/plugins/regression/regression");
//     auto result = exec.execute("train", params);   // expected<json>
//
// `basic_process_executor<Spawner, Serializer>` takes the policies: how the child is started
// (posix_spawner; testing::scripted_spawner in tests) and how params and results are written
// (json_serializer). Params of 32,000 characters or more go through a temporary params file,
// removed afterwards. The child's output lines (other than the result) go to `on_output`,
// stderr by default.
#pragma once

#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unistd.h>

#include "synapse/core/detail/text.hpp"
#include "synapse/executors/protocol.hpp"
#include "synapse/executors/spawner.hpp"
#include "synapse/plugin/job_protocol.hpp"
#include "synapse/plugin/serializer.hpp"

namespace synapse {

struct process_options {
    std::filesystem::path working_dir;       ///< the child's working directory (empty: ours)
    std::map<std::string, std::string> env;  ///< set in the child's environment
    std::optional<std::string> job_id;       ///< passed as SYNAPSE_JOB_ID
    std::chrono::milliseconds timeout{0};    ///< kill the child after this long (0: never)
    std::stop_token stop{};                  ///< ends the child (SIGTERM): errc::cancelled
    /// Each output line that is not part of the result; `is_stderr` tells the stream.
    output_handler on_output;
};

namespace detail {

/// Writes `text` to a new temporary file (mode 0600); its path.
inline expected<std::filesystem::path> write_temporary_params(const std::string& text) {
    std::error_code ec;
    auto dir = std::filesystem::temp_directory_path(ec);
    if (ec) return fail(errc::io_error, "no temporary directory for the params file");
    std::string pattern = (dir / "synapse-params-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    if (fd < 0)
        return fail(errc::io_error, "cannot create a temporary params file in " + dir.string());
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    const bool ok = (::close(fd) == 0) && written == text.size();
    if (!ok) {
        std::filesystem::remove(pattern, ec);
        return fail(errc::io_error, "cannot write the temporary params file " + pattern);
    }
    return std::filesystem::path(pattern);
}

/// The error of a child that did not end well: the error it reported itself on its last
/// stderr line (`error: <kind>: <message>`, with its own kind), else process_failed naming the
/// exit status or signal and the last line it printed.
inline error child_failure(std::string_view action, const process_outcome& outcome,
                           const std::deque<std::string>& stderr_tail,
                           const std::optional<std::string>& job_id) {
    std::string last;
    for (auto it = stderr_tail.rbegin(); it != stderr_tail.rend() && last.empty(); ++it)
        if (!detail::trim(*it).empty()) last = *it;
    error e(errc::process_failed, "");
    if (auto reported = job_protocol::read_error_line(last); reported && !outcome.signal) {
        e = std::move(*reported);
    } else if (outcome.signal) {
        const char* name = strsignal(*outcome.signal);
        e.message = "action '" + std::string(action) + "' was killed by signal " +
                    std::to_string(*outcome.signal) + (name ? " (" + std::string(name) + ")" : "") +
                    (last.empty() ? "" : "; its last line: " + last);
    } else {
        e.message = "action '" + std::string(action) + "' exited with status " +
                    std::to_string(outcome.exit_code) + (last.empty() ? "" : ": " + last);
    }
    e.exit_code = outcome.exit_code;
    if (job_id) e.job_id = *job_id;
    return e;
}

}  // namespace detail

/// Chosen only when a policy does not fit: says which, in a sentence.
template <class S = posix_spawner, class Z = json_serializer>
class basic_process_executor {
    static_assert(check_spawner<S>());
    static_assert(check_serializer<Z>());
};

template <Spawner S, Serializer Z>
class basic_process_executor<S, Z> {
  public:
    using executor_concept = sync_executor_tag;
    using spawner_type = S;
    using serializer_type = Z;

    /// Runs actions of a plugin binary (the action name is the entrypoint).
    [[nodiscard]] static basic_process_executor for_binary(std::filesystem::path binary,
                                                           process_options options = {},
                                                           S spawner = {}) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(binary, ec);
        return basic_process_executor({(ec ? binary : absolute).string()}, std::move(options),
                                      std::move(spawner));
    }

    /// Runs synapse-sdk actions with `python` (e.g. a virtualenv's bin/python); the action is a
    /// `module.Class` entrypoint importable from the working directory.
    [[nodiscard]] static basic_process_executor for_python(std::filesystem::path python,
                                                           process_options options = {},
                                                           S spawner = {}) {
        return basic_process_executor({python.string(), "-m", "synapse_sdk.plugins.entrypoint"},
                                      std::move(options), std::move(spawner));
    }

    basic_process_executor(std::vector<std::string> command, process_options options,
                           S spawner = {})
        : command_(std::move(command)),
          options_(std::move(options)),
          spawner_(std::move(spawner)) {}

    /// Runs `action` in a child and returns the result it printed. Errors: the child's own
    /// error (its kind and message, from its last stderr line), process_failed for a child that
    /// could not start, exited non-zero or was killed by a signal (named), timeout, and
    /// protocol_error when it exited 0 without a result.
    [[nodiscard]] expected<json> execute(std::string_view action, const json& params) {
        process_spec spec;
        spec.argv = command_;
        spec.working_dir = options_.working_dir;
        spec.timeout = options_.timeout;
        spec.stop = options_.stop;
        spec.set_env = options_.env;
        spec.set_env[std::string(job_protocol::entrypoint_var)] = std::string(action);
        if (options_.job_id) spec.set_env[std::string(job_protocol::job_id_var)] = *options_.job_id;

        auto text = serializer_.write_params(params);
        if (!text) return fail(std::move(text).error());
        std::filesystem::path params_file;
        if (text->size() < job_protocol::params_inline_limit) {
            spec.set_env[std::string(job_protocol::params_var)] = std::move(*text);
            spec.unset_env.push_back(std::string(job_protocol::params_file_var));
        } else {
            auto written = detail::write_temporary_params(*text);
            if (!written) return fail(std::move(written).error());
            params_file = *written;
            spec.set_env[std::string(job_protocol::params_file_var)] = params_file.string();
            spec.unset_env.push_back(std::string(job_protocol::params_var));
        }

        job_protocol::result_scanner scanner;
        std::deque<std::string> tail;  // last stderr lines, for the error report
        job_protocol::output_filter filter;
        // A stderr line that reads like the child's own error is held back: when it turns out
        // to be the last line of a failed child, it becomes the error instead of being shown
        // and then reported again.
        std::optional<std::string> held;
        auto show = [&](bool is_stderr, std::string_view line) {
            if (options_.on_output)
                options_.on_output(is_stderr, line);
            else
                std::cerr << line << '\n';
        };
        auto release = [&] {
            if (held) show(true, *held);
            held.reset();
        };
        auto outcome = spawner_.run(spec, [&](bool is_stderr, std::string_view line) {
            release();
            if (!is_stderr) {
                scanner.feed(line);
                if (filter.visible(line)) show(false, line);
                return;
            }
            tail.emplace_back(line);
            if (tail.size() > 20) tail.pop_front();
            if (job_protocol::read_error_line(line))
                held = std::string(line);
            else
                show(true, line);
        });
        if (!outcome || outcome->exit_code == 0 || outcome->timed_out || outcome->stopped ||
            outcome->signal)
            release();
        if (!params_file.empty()) {
            std::error_code ec;
            std::filesystem::remove(params_file, ec);
        }
        if (!outcome) return fail(std::move(outcome).error());
        if (outcome->stopped) {
            error e(errc::cancelled, "action '" + std::string(action) + "' was stopped");
            if (options_.job_id) e.job_id = *options_.job_id;
            return fail(std::move(e));
        }
        if (outcome->timed_out) {
            error e(errc::timeout, "action '" + std::string(action) + "' did not finish within " +
                                       std::to_string(options_.timeout.count()) + " ms");
            if (options_.job_id) e.job_id = *options_.job_id;
            return fail(std::move(e));
        }
        if (outcome->exit_code != 0)
            return fail(detail::child_failure(action, *outcome, tail, options_.job_id));
        auto result = scanner.result(serializer_);
        if (!result) {
            error e = std::move(result).error();
            e.message = "action '" + std::string(action) + "': " + e.message;
            return fail(std::move(e));
        }
        return result;
    }

    const std::vector<std::string>& command() const noexcept { return command_; }
    const process_options& options() const noexcept { return options_; }
    S& spawner() noexcept { return spawner_; }

  private:
    std::vector<std::string> command_;
    process_options options_;
    [[no_unique_address]] S spawner_;
    [[no_unique_address]] Z serializer_;
};

/// Child processes started with fork/exec, params and results as JSON.
using process_executor = basic_process_executor<>;

static_assert(check_executor<process_executor>());

}  // namespace synapse
