// warm_process_executor: keeps plugin workers alive and sends them action after action: no
// process start, no imports, no model reload between calls. A worker is a C++ plugin binary in
// its `worker` mode, or the Python host's worker for synapse-sdk actions (`module.Class`
// entrypoints); both speak the worker protocol (plugin/worker_protocol.hpp).
//
//     auto exec =
//     synapse::warm_process_executor::for_binary("build/plugins/regression/regression"); auto
//     result = exec.execute("train", params);   // expected<json>; the next call is warm
//
// `workers` processes (default 1) serve calls from any number of threads: a call takes an idle
// worker or waits for one. A worker that dies during a call (a crash, `abort`, a signal, a call
// past `timeout`) answers that call with an error naming how it ended and its last lines, and
// is started afresh for the next call. `shutdown()` (and the destructor) asks every worker to
// end, killing those still running after `grace`. What the actions report (log, progress,
// metrics) reaches the logger policy `L`, one record at a time; what they print reaches
// `on_output` (stderr by default).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/reflect.hpp"
#include "synapse/executors/protocol.hpp"
#include "synapse/executors/python_host.hpp"
#include "synapse/executors/worker_process.hpp"
#include "synapse/plugin/action.hpp"
#include "synapse/plugin/loggers/console.hpp"
#include "synapse/plugin/record_replay.hpp"

namespace synapse {

struct warm_process_options {
    std::size_t workers = 1;                 ///< processes kept alive (at least 1)
    std::filesystem::path working_dir;       ///< the workers' working directory (empty: ours)
    std::map<std::string, std::string> env;  ///< set in the workers' environment
    std::chrono::milliseconds timeout{0};    ///< per call; past it the worker is killed (0: none)
    std::chrono::milliseconds start_timeout = std::chrono::seconds(60);  ///< until `ready`
    std::chrono::milliseconds grace = std::chrono::seconds(2);  ///< at shutdown, before SIGKILL
    /// Each line a worker prints (its stderr, where the actions' own output goes).
    std::function<void(std::string_view line)> on_output;
};

template <Logger L = console_logger>
class basic_warm_process_executor {
  public:
    using executor_concept = sync_executor_tag;
    using logger_type = L;

    /// Workers of a C++ plugin binary (`<binary> worker`).
    [[nodiscard]] static basic_warm_process_executor for_binary(const std::filesystem::path& binary,
                                                                warm_process_options options = {},
                                                                L logger = L()) {
        std::error_code ec;
        auto absolute = std::filesystem::absolute(binary, ec);
        return basic_warm_process_executor({(ec ? binary : absolute).string(), "worker"},
                                           std::move(options), std::move(logger));
    }

    /// Workers of synapse-sdk actions run by `python` (e.g. a virtualenv's bin/python) with the
    /// Python host, which is written to `host_dir`; actions are `module.Class` entrypoints
    /// importable from `options.working_dir` (the plugin directory).
    [[nodiscard]] static expected<basic_warm_process_executor> for_python(
        const std::filesystem::path& python, const std::filesystem::path& host_dir,
        warm_process_options options = {}, L logger = L()) {
        auto host = write_python_host(host_dir);
        if (!host) return fail(std::move(host).error());
        return basic_warm_process_executor({python.string(), host->string(), "worker"},
                                           std::move(options), std::move(logger));
    }

    basic_warm_process_executor(std::vector<std::string> command, warm_process_options options,
                                L logger = L())
        : state_(
              std::make_unique<state>(std::move(command), std::move(options), std::move(logger))) {}

    basic_warm_process_executor(basic_warm_process_executor&&) noexcept = default;
    basic_warm_process_executor& operator=(basic_warm_process_executor&&) noexcept = default;
    ~basic_warm_process_executor() { shutdown(); }

    /// Starts every worker now (otherwise each starts at its first call): the first error.
    [[nodiscard]] expected<void> start() {
        std::vector<slot*> held;
        for (std::size_t i = 0; i < state_->slots.size(); ++i) {
            auto s = acquire();
            if (!s) break;
            held.push_back(*s);
        }
        expected<void> out;
        if (held.size() < state_->slots.size())
            out = fail(errc::cancelled, "the executor was shut down");
        for (auto* s : held) {
            if (auto started = ensure_started(*s); !started && out) out = std::move(started);
            release(s);
        }
        return out;
    }

    /// Runs `action` on an idle worker (waiting for one) and returns its result, or its error:
    /// the action's own (validation_failed with the fields, action_failed, ...), process_failed
    /// for a worker that could not start or died during the call, timeout past `timeout`,
    /// cancelled after shutdown().
    [[nodiscard]] expected<json> execute(std::string_view action, const json& params) {
        auto slot = acquire();
        if (!slot) return fail(std::move(slot).error());
        auto result = call(**slot, action, params);
        release(*slot);
        return result;
    }

    /// Runs the C++ action `A` with typed params; the typed result.
    template <Action A>
    [[nodiscard]] expected<typename A::result_type> execute(const typename A::params_type& params) {
        auto j = execute(A::name, to_json(params));
        if (!j) return fail(std::move(j).error());
        return from_json<typename A::result_type>(*j);
    }

    /// Ends every worker: idle ones now, busy ones once their call returns; each gets `grace`
    /// to exit before SIGKILL. Calls waiting for a worker answer errc::cancelled. Idempotent.
    void shutdown() {
        if (!state_) return;
        std::unique_lock lock(state_->mutex);
        state_->closed = true;
        state_->idle_changed.notify_all();
        state_->idle_changed.wait(lock, [&] { return state_->busy == 0; });
        for (auto& s : state_->slots)
            if (s.worker) (void)s.worker->stop(state_->options.grace);
    }

    /// The pids of the running workers (for tests and diagnostics).
    [[nodiscard]] std::vector<pid_t> pids() const {
        std::lock_guard lock(state_->mutex);
        std::vector<pid_t> out;
        for (const auto& s : state_->slots)
            if (s.worker && s.worker->alive()) out.push_back(s.worker->pid());
        return out;
    }

    const std::vector<std::string>& command() const noexcept { return state_->command; }
    /// The logger (read it when no call is running).
    L& logger() noexcept { return state_->logger; }

  private:
    struct slot {
        std::optional<worker_process> worker;
        bool busy = false;
    };
    struct state {
        state(std::vector<std::string> c, warm_process_options o, L l)
            : command(std::move(c)),
              options(std::move(o)),
              logger(std::move(l)),
              slots(std::max<std::size_t>(1, options.workers)) {}
        std::vector<std::string> command;
        warm_process_options options;
        L logger;
        std::mutex mutex;  // slots, busy, closed
        std::condition_variable idle_changed;
        std::vector<slot> slots;
        std::size_t busy = 0;
        bool closed = false;
        std::mutex output_mutex;  // the logger and on_output, shared by every worker
        std::uint64_t next_id = 0;
    };

    expected<slot*> acquire() {
        std::unique_lock lock(state_->mutex);
        for (;;) {
            if (state_->closed) return fail(errc::cancelled, "the executor was shut down");
            for (auto& s : state_->slots)
                if (!s.busy) {
                    s.busy = true;
                    ++state_->busy;
                    return &s;
                }
            state_->idle_changed.wait(lock);
        }
    }

    void release(slot* s) {
        std::lock_guard lock(state_->mutex);
        s->busy = false;
        --state_->busy;
        state_->idle_changed.notify_all();
    }

    void show(std::string_view line) {
        std::lock_guard lock(state_->output_mutex);
        if (state_->options.on_output)
            state_->options.on_output(line);
        else
            std::cerr << line << '\n';
    }

    expected<void> ensure_started(slot& s) {
        if (s.worker && s.worker->alive()) return {};
        s.worker.reset();
        process_spec spec;
        spec.argv = state_->command;
        spec.working_dir = state_->options.working_dir;
        spec.set_env = state_->options.env;
        auto started = worker_process::start(
            spec, [&](std::string_view l) { show(l); }, state_->options.start_timeout);
        if (!started) return fail(std::move(started).error());
        s.worker.emplace(std::move(*started));
        return {};
    }

    expected<json> call(slot& s, std::string_view action, const json& params) {
        if (auto started = ensure_started(s); !started) return fail(std::move(started).error());
        std::string id;
        {
            std::lock_guard lock(state_->mutex);
            id = std::to_string(++state_->next_id);
        }
        return s.worker->call(
            {id, std::string(action), params},
            [&](const json& record) {
                std::lock_guard lock(state_->output_mutex);
                (void)replay_record(record, state_->logger);
            },
            [&](std::string_view l) { show(l); }, state_->options.timeout);
    }

    std::unique_ptr<state> state_;
};

/// Warm workers whose records are printed as console lines.
using warm_process_executor = basic_warm_process_executor<>;

static_assert(check_executor<warm_process_executor>());

}  // namespace synapse
