// The pipeline mode of a plugin binary: started with a pipeline spec in its environment
// (run_spec.hpp), the binary runs the pipeline: its own C++ actions in-process, Python actions as
// child processes, every step reported to the pipeline service. A binary opts in by passing the
// mode to plugin_main:
//
//     int main(int argc, char** argv) {
//         return synapse::plugin_main<download, convert, train, evaluate>(argc, argv,
//                                                                           synapse::pipeline_mode{});
//     }
//
// SIGTERM (a stopped Ray job, a cancelled run) stops the current action and marks it and the
// run cancelled before the process exits. Exit status: 0 when the run completed, 1 when it
// failed (one `error: <kind>: <message>` line on stderr), 143 when it was cancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>
#include <stop_token>
#include <thread>

#include "synapse/pipeline/runner.hpp"
#include "synapse/transport/httplib_transport.hpp"

namespace synapse {

namespace detail {

inline std::atomic<bool>& pipeline_terminate_flag() {
    static std::atomic<bool> flag{false};
    return flag;
}

extern "C" inline void pipeline_on_sigterm(int) {
    pipeline_terminate_flag() = true;
}

}  // namespace detail

struct pipeline_mode {
    /// The HTTP options of the runner's service client: short timeouts, a token when the
    /// service needs one (SYNAPSE_PIPELINE_SERVICE_TOKEN).
    transport_options service_transport{.base_url = {},
                                        .connect_timeout = std::chrono::seconds(3),
                                        .read_timeout = std::chrono::seconds(15)};

    /// Runs the pipeline when this process was started as a runner; nothing otherwise.
    template <class Plugin>
    std::optional<int> run(int, char**) const {
        if (!pipeline_spec_given()) return std::nullopt;
        return run_pipeline_mode<Plugin>();
    }

  private:
    template <class Plugin>
    int run_pipeline_mode() const {
        auto spec = read_pipeline_spec();
        if (!spec) return report(spec.error());
        transport_options t = service_transport;
        t.base_url = spec->service_url;
        t.token = job_protocol::process_env(pipeline_env::token_var);
        t.max_retries = 0;  // the runner's writer retries, with its own patience
        auto client = pipeline_service_client::create(t);
        if (!client) return report(client.error());

        pipeline_runner_options options;
        options.env = plugin_environment::from_process();
        std::error_code ec;
        options.working_dir = std::filesystem::current_path(ec);
        options.writer.warn = [](std::string_view text) {
            std::cerr << "warning: " << text << std::endl;
        };
        pipeline_runner runner(
            std::move(*spec), std::move(*client),
            [](std::string_view name, const json& params, context& ctx) {
                return Plugin::run(name, params, ctx);
            },
            std::move(options));

        std::signal(SIGTERM, detail::pipeline_on_sigterm);
        std::jthread watcher([&runner](std::stop_token done) {
            while (!done.stop_requested()) {
                if (detail::pipeline_terminate_flag()) {
                    runner.cancel();
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
        });
        auto result = runner.run();
        watcher.request_stop();
        watcher.join();
        if (result) return 0;
        if (result.error().code == errc::cancelled) {
            std::cerr << "error: cancelled: the run was cancelled" << std::endl;
            return 143;
        }
        return report(result.error());
    }

    static int report(const error& e) {
        std::cout << std::flush;
        std::cerr << "error: " << e << std::endl;
        return 1;
    }
};

}  // namespace synapse
