// process_executor: runs an action in a child process through the job protocol: a C++ plugin
// binary, or a Python synapse-sdk action (`python -m synapse_sdk.plugins.entrypoint` with a
// `module.Class` entrypoint). Returns the parsed result.
//
//     auto exec = synapse::process_executor::for_binary("build/plugins/regression/regression");
//     auto result = exec.execute("train", params);   // expected<json>
//
// Params of 32,000 characters or more go through a temporary params file, removed afterwards.
// The child's output lines (other than the result) go to `on_output`, stderr by default.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "synapse/executors/detail/subprocess.hpp"
#include "synapse/executors/protocol.hpp"
#include "synapse/plugin/job_protocol.hpp"

namespace synapse {

struct process_options {
    std::filesystem::path working_dir;       ///< the child's working directory (empty: ours)
    std::map<std::string, std::string> env;  ///< set in the child's environment
    std::optional<std::string> job_id;       ///< passed as SYNAPSE_JOB_ID
    std::chrono::milliseconds timeout{0};    ///< kill the child after this long (0: never)
    /// Each output line that is not part of the result; `is_stderr` tells the stream.
    std::function<void(bool is_stderr, std::string_view line)> on_output;
};

class process_executor {
  public:
    using executor_concept = sync_executor_tag;

    /// Runs actions of a plugin binary (the action name is the entrypoint).
    static process_executor for_binary(std::filesystem::path binary, process_options options = {}) {
        return process_executor({std::filesystem::absolute(binary).string()}, std::move(options));
    }

    /// Runs synapse-sdk actions with `python` (e.g. a virtualenv's bin/python); the action is a
    /// `module.Class` entrypoint importable from the working directory.
    static process_executor for_python(std::filesystem::path python, process_options options = {}) {
        return process_executor({python.string(), "-m", "synapse_sdk.plugins.entrypoint"},
                                std::move(options));
    }

    process_executor(std::vector<std::string> command, process_options options)
        : command_(std::move(command)), options_(std::move(options)) {}

    expected<json> execute(std::string_view action, const json& params) {
        detail::subprocess_spec spec;
        spec.argv = command_;
        spec.working_dir = options_.working_dir;
        spec.timeout = options_.timeout;
        spec.set_env = options_.env;
        spec.set_env[std::string(job_protocol::entrypoint_var)] = std::string(action);
        if (options_.job_id) spec.set_env[std::string(job_protocol::job_id_var)] = *options_.job_id;

        std::string text = params.dump(-1, ' ', false, json::error_handler_t::replace);
        std::filesystem::path params_file;
        if (text.size() < job_protocol::params_inline_limit) {
            spec.set_env[std::string(job_protocol::params_var)] = text;
            spec.unset_env.push_back(std::string(job_protocol::params_file_var));
        } else {
            auto written = write_params_file(text);
            if (!written) return fail(std::move(written).error());
            params_file = *written;
            spec.set_env[std::string(job_protocol::params_file_var)] = params_file.string();
            spec.unset_env.push_back(std::string(job_protocol::params_var));
        }

        job_protocol::result_scanner scanner;
        std::deque<std::string> tail;  // last stderr lines, for the error report
        job_protocol::output_filter filter;
        auto outcome = detail::run_subprocess(spec, [&](bool is_stderr, std::string_view line) {
            if (!is_stderr) {
                scanner.feed(line);
                if (!filter.visible(line)) return;
            } else {
                tail.emplace_back(line);
                if (tail.size() > 20) tail.pop_front();
            }
            if (options_.on_output)
                options_.on_output(is_stderr, line);
            else
                std::cerr << line << '\n';
        });
        if (!params_file.empty()) {
            std::error_code ec;
            std::filesystem::remove(params_file, ec);
        }
        if (!outcome) return fail(std::move(outcome).error());
        if (outcome->timed_out) {
            error e(errc::timeout, "action '" + std::string(action) + "' did not finish within " +
                                       std::to_string(options_.timeout.count()) + " ms");
            return fail(std::move(e));
        }
        if (outcome->exit_code != 0) {
            std::string last;
            for (auto it = tail.rbegin(); it != tail.rend() && last.empty(); ++it)
                if (it->find_first_not_of(" \t\r") != std::string::npos) last = *it;
            error e(errc::process_failed,
                    "action '" + std::string(action) + "' exited with status " +
                        std::to_string(outcome->exit_code) + (last.empty() ? "" : ": " + last));
            e.exit_code = outcome->exit_code;
            if (options_.job_id) e.job_id = *options_.job_id;
            return fail(std::move(e));
        }
        return scanner.result();
    }

  private:
    static expected<std::filesystem::path> write_params_file(const std::string& text) {
        std::error_code ec;
        auto dir = std::filesystem::temp_directory_path(ec);
        if (ec) return fail(errc::io_error, "no temporary directory for the params file");
        std::string pattern = (dir / "synapse-params-XXXXXX").string();
        int fd = mkstemp(pattern.data());
        if (fd < 0) return fail(errc::io_error, "cannot create a temporary params file");
        bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ok = (::close(fd) == 0) && ok;
        if (!ok) {
            std::filesystem::remove(pattern, ec);
            return fail(errc::io_error, "cannot write the temporary params file " + pattern);
        }
        return std::filesystem::path(pattern);
    }

    std::vector<std::string> command_;
    process_options options_;
};

}  // namespace synapse
