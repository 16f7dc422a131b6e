// plugin_main: the whole `main` of a plugin binary.
//
//     int main(int argc, char** argv) {
//         return synapse::plugin_main<download, convert, train, evaluate>(argc, argv);
//     }
//
// The binary then speaks the job protocol (job_protocol.hpp) when SYNAPSE_ACTION_ENTRYPOINT is
// set, and otherwise has its own command line:
//
//     <plugin> list [--json]                 the action names (--json: names with schemas)
//     <plugin> schema ACTION                 params and result JSON Schema of one action
//     <plugin> run ACTION [--params JSON|@FILE] [--log-format console|json] [--job-id ID]
//     <plugin> worker                        stay up and run requests (worker_protocol.hpp)
//
// Exit status: 0 on success, 1 when the action or its params fail, 2 on a usage error.
//
// More modes are opt-in, passed after argv: a mode is any object with
// `template <class Plugin> std::optional<int> run(int argc, char** argv) const` that answers an
// exit status when the process was started for it (its environment says so), nothing otherwise.
// `synapse::pipeline_mode` (synapse/pipeline/pipeline_mode.hpp) runs pipelines:
//
//     return synapse::plugin_main<download, train>(argc, argv, synapse::pipeline_mode{});
#pragma once

#include <concepts>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/plugin/context.hpp"
#include "synapse/plugin/detail/worker.hpp"
#include "synapse/plugin/job_protocol.hpp"
#include "synapse/plugin/loggers/console.hpp"
#include "synapse/plugin/loggers/json_lines.hpp"
#include "synapse/plugin/params_argument.hpp"
#include "synapse/plugin/plugin.hpp"

namespace synapse {

namespace detail {

/// Runs `name` with a logger chosen by `format` ("console" or "json") writing to `log_out`.
template <class P>
expected<json> run_with_log_format(std::string_view name, const json& params,
                                   std::string_view format, std::ostream& log_out,
                                   std::optional<std::string> job_id) {
    auto env = plugin_environment::from_process();
    if (format == "json") {
        json_lines_logger logger(log_out);
        context ctx(logger, std::move(env), std::move(job_id));
        return P::run(name, params, ctx);
    }
    console_logger logger(log_out);
    context ctx(logger, std::move(env), std::move(job_id));
    return P::run(name, params, ctx);
}

/// Job mode: the action named by SYNAPSE_ACTION_ENTRYPOINT, params from the environment, the
/// result between markers on stdout.
template <class P>
int run_job(const std::string& action) {
    auto params = job_protocol::read_params();
    if (!params) {
        std::cerr << "error: " << params.error() << std::endl;
        return 1;
    }
    auto format = job_protocol::process_env("SYNAPSE_LOG_FORMAT").value_or("console");
    auto result =
        run_with_log_format<P>(action, *params, format, std::cout, job_protocol::job_id());
    if (!result) {
        std::cout << std::flush;
        std::cerr << "error: " << result.error() << std::endl;
        return 1;
    }
    std::cout << job_protocol::format_result(*result) << std::flush;
    return 0;
}

inline void print_usage(std::ostream& out, std::string_view program) {
    out << "usage: " << program << " list [--json]\n"
        << "       " << program << " schema ACTION\n"
        << "       " << program
        << " run ACTION [--params JSON|@FILE] [--log-format console|json] [--job-id ID]\n"
        << "       " << program << " worker\n"
        << "With SYNAPSE_ACTION_ENTRYPOINT set, runs that action with the job protocol.\n";
}

template <class P>
int run_cli(const std::vector<std::string_view>& args, std::string_view program) {
    auto usage_error = [&](std::string_view why) {
        std::cerr << "error: " << why << "\n";
        print_usage(std::cerr, program);
        return 2;
    };
    if (args.empty()) return usage_error("missing command");
    const auto command = args[0];
    if (command == "--help" || command == "-h" || command == "help") {
        print_usage(std::cout, program);
        return 0;
    }
    if (command == "list") {
        bool as_json = args.size() > 1 && args[1] == "--json";
        if (args.size() > (as_json ? 2u : 1u)) return usage_error("list takes only --json");
        if (as_json) {
            json out = json::array();
            for (auto name : P::names) out.push_back(*P::schema(name));
            std::cout << synapse::dump(out) << "\n";
        } else {
            for (auto name : P::names) std::cout << name << "\n";
        }
        return 0;
    }
    if (command == "worker") {
        if (args.size() != 1) return usage_error("worker takes no arguments");
        return detail::run_worker<P>();
    }
    if (command == "schema") {
        if (args.size() != 2) return usage_error("schema takes one ACTION");
        auto schema = P::schema(args[1]);
        if (!schema) {
            std::cerr << "error: " << schema.error() << "\n";
            return 1;
        }
        std::cout << synapse::dump(*schema, 2) << "\n";
        return 0;
    }
    if (command == "run") {
        if (args.size() < 2 || args[1].starts_with("-")) return usage_error("run needs an ACTION");
        std::string_view params_text = "{}", log_format = "console";
        std::optional<std::string> job_id;
        for (std::size_t i = 2; i < args.size(); ++i) {
            auto flag = args[i];
            if (i + 1 >= args.size()) return usage_error(std::string(flag) + " needs a value");
            auto value = args[++i];
            if (flag == "--params")
                params_text = value;
            else if (flag == "--log-format" && (value == "console" || value == "json"))
                log_format = value;
            else if (flag == "--job-id")
                job_id = std::string(value);
            else
                return usage_error("unknown option " + std::string(flag) + " " +
                                   std::string(value));
        }
        auto params = read_params_argument(params_text);
        if (!params) {
            std::cerr << "error: " << params.error() << "\n";
            return 1;
        }
        auto result = run_with_log_format<P>(args[1], *params, log_format, std::cerr, job_id);
        if (!result) {
            std::cerr << "error: " << result.error() << "\n";
            return 1;
        }
        std::cout << synapse::dump(*result) << "\n";
        return 0;
    }
    return usage_error("unknown command '" + std::string(command) + "'");
}

}  // namespace detail

/// A mode of a plugin binary beyond the job protocol and its command line (see the top).
template <class M, class P>
concept PluginMode = requires(const M& mode, int argc, char** argv) {
    { mode.template run<P>(argc, argv) } -> std::same_as<std::optional<int>>;
};

/// The `main` of a plugin binary made of actions `As...`, speaking `modes` too (see the top of
/// this header).
template <class... As, class... Modes>
    requires(PluginMode<Modes, plugin<As...>> && ...)
int plugin_main(int argc, char** argv, const Modes&... modes) {
    using P = plugin<As...>;
    std::optional<int> code;
    if (((code = modes.template run<P>(argc, argv)).has_value() || ...)) return *code;
    std::string_view program = argc > 0 ? argv[0] : "plugin";
    if (auto action = job_protocol::process_env(job_protocol::entrypoint_var))
        return detail::run_job<P>(*action);
    std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    return detail::run_cli<P>(args, program);
}

}  // namespace synapse
