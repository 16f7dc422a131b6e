// local_executor: runs actions in this process, synchronously: the debugger-friendly way to
// run a plugin.
//
//     synapse::local_executor<download, convert, train> exec;
//     auto result = exec.execute<train>(train_params{...});   // expected<train_result>
//     auto json_result = exec.execute("train", params_json);  // expected<json>
//     auto same = exec.execute_json<train>(params_json);      // expected<json>
//
// `basic_local_executor<Plugin, Logger>` takes the logger policy: console_logger (the default),
// json_lines_logger, testing::recording_logger or your own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/executors/protocol.hpp"
#include "synapse/plugin/context.hpp"
#include "synapse/plugin/loggers/console.hpp"
#include "synapse/plugin/plugin.hpp"

namespace synapse {

struct local_executor_options {
    plugin_environment env;             ///< what `ctx.env()` returns
    std::optional<std::string> job_id;  ///< what `ctx.job_id()` returns
    parse_options parsing;              ///< e.g. strict params
};

template <class Plugin, Logger L = console_logger>
class basic_local_executor {
  public:
    using executor_concept = sync_executor_tag;
    using plugin_type = Plugin;
    using logger_type = L;

    basic_local_executor() = default;
    explicit basic_local_executor(local_executor_options options, L logger = L{})
        : options_(std::move(options)), logger_(std::move(logger)) {}

    /// Runs action `A` with typed params.
    template <Action A>
    [[nodiscard]] expected<typename A::result_type> execute(const typename A::params_type& params) {
        context ctx(logger_, options_.env, options_.job_id);
        A action{};
        return invoke_action(action, params, ctx);
    }

    /// Runs action `A` with JSON params (validated against `A::params_type`).
    template <Action A>
    [[nodiscard]] expected<json> execute_json(const json& params) {
        context ctx(logger_, options_.env, options_.job_id);
        return run_action_json<A>(params, ctx, options_.parsing);
    }

    /// Runs the plugin's action called `name` with JSON params.
    [[nodiscard]] expected<json> execute(std::string_view name, const json& params) {
        context ctx(logger_, options_.env, options_.job_id);
        return Plugin::run(name, params, ctx, options_.parsing);
    }

    L& logger() noexcept { return logger_; }
    const local_executor_options& options() const noexcept { return options_; }

  private:
    local_executor_options options_;
    L logger_{};
};

/// The local executor of a set of actions, logging to the console.
template <class... As>
using local_executor = basic_local_executor<plugin<As...>, console_logger>;

static_assert(check_executor<local_executor<>>());

}  // namespace synapse
