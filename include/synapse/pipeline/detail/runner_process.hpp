// A pipeline runner in a process of its own: the plugin binary started in its pipeline mode, on a
// thread that waits for it and reports a runner that died before its run ended.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "synapse/executors/process_executor.hpp"
#include "synapse/executors/spawner.hpp"
#include "synapse/pipeline/pipeline_runs.hpp"
#include "synapse/pipeline/run_spec.hpp"
#include "synapse/plugin/environment.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse::detail {

/// A started runner process: the thread that waits for it, and how to ask it to stop.
struct runner_process {
    std::jthread thread;
    std::function<void()> stop;
};

/// Starts `config`'s binary with `spec` (in SYNAPSE_PIPELINE_SPEC, or a temporary file named by
/// SYNAPSE_PIPELINE_SPEC_FILE when long) and the service's token; its output goes to `print`.
/// When it ends before its run did (a signal, a crash), the run is marked failed saying how.
template <class Client>
expected<runner_process> start_runner_process(const plugin_config& config,
                                              const pipeline_run_spec& spec,
                                              const transport_options& service,
                                              std::function<void(std::string_view)> print) {
    if (config.runtime != "cpp" || !config.binary)
        return fail(errc::invalid_argument,
                    "C++ actions need the plugin's binary (runtime: cpp, binary: in " +
                        config.file.string() + ")");
    process_spec ps;
    std::error_code ec;
    ps.argv = {std::filesystem::absolute(config.binary_path(), ec).string()};
    ps.working_dir = config.directory;
    ps.set_env = plugin_environment(config.env).to_strings();
    std::string text = synapse::dump(to_json(spec));
    std::filesystem::path spec_file;  // a long spec travels in a file, as long params do
    if (text.size() < job_protocol::params_inline_limit) {
        ps.set_env[std::string(pipeline_env::spec_var)] = std::move(text);
    } else {
        auto written = write_temporary_params(text);
        if (!written) return fail(std::move(written).error());
        spec_file = *written;
        ps.set_env[std::string(pipeline_env::spec_file_var)] = spec_file.string();
    }
    if (service.token) ps.set_env[std::string(pipeline_env::token_var)] = *service.token;
    auto stop = std::make_shared<std::stop_source>();
    ps.stop = stop->get_token();
    runner_process out;
    out.stop = [stop] { stop->request_stop(); };
    out.thread = std::jthread([ps = std::move(ps), spec_file, print = std::move(print), service,
                               run_id = spec.run_id] {
        // The runner's own last word (`error: ...` on stderr) is held back: the run's state
        // carries it, and the caller reports that. It is printed when more output follows it,
        // or when the run's state cannot be read or written.
        std::optional<std::string> held;
        auto ended = posix_spawner().run(ps, [&](bool is_stderr, std::string_view line) {
            if (held) print(*std::exchange(held, std::nullopt));
            if (is_stderr && line.starts_with("error: "))
                held = std::string(line);
            else
                print(line);
        });
        std::error_code removed;
        if (!spec_file.empty()) std::filesystem::remove(spec_file, removed);
        const std::string how = !ended ? ended.error().message
                                : ended->signal
                                    ? "was killed by signal " + std::to_string(*ended->signal)
                                    : "exited with status " + std::to_string(ended->exit_code);
        std::string reason = "process_failed: the pipeline runner " + how + " before the run ended";
        if (held) reason += " (" + held->substr(7) + ")";
        auto client = Client::create(service);
        const bool recorded =
            client && pipeline_runs<Client>(std::move(*client)).mark_failed(run_id, reason);
        if (held && !recorded) print(*held);
    });
    return out;
}

}  // namespace synapse::detail
