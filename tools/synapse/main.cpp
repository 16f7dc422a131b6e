// The `synapse` command-line tool.
//
//   synapse plugin run ACTION [--path DIR] [--params JSON|@FILE] [--mode local] [--json]
//   synapse plugin list [--path DIR] [--json]
//   synapse plugin schema ACTION [--path DIR]
//   synapse service [--host H] [--port P] [--db PATH] [--token T] ...
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <synapse/core/config.hpp>

#include "plugin_commands.hpp"
#include "service/service.hpp"

int main(int argc, char** argv) {
    CLI::App app{"synapse: run plugin actions locally, as Ray jobs, or as pipelines"};
    app.set_version_flag("--version", std::string(synapse::version_string));
    app.require_subcommand(1);

    auto* plugin = app.add_subcommand("plugin", "Run, list and describe a plugin's actions");
    plugin->require_subcommand(1);

    synapse_cli::run_options run;
    auto* run_cmd = plugin->add_subcommand("run", "Run one action and print its result");
    run_cmd->add_option("action", run.action, "The action to run")->required();
    run_cmd->add_option("--path,-p", run.path, "The plugin directory (holding config.yaml)")
        ->capture_default_str();
    run_cmd->add_option("--params", run.params, "Params as JSON, or @FILE")->capture_default_str();
    run_cmd->add_option("--mode,-m", run.mode, "Where to run: local, or job (a Ray job)")
        ->check(CLI::IsMember({"local", "job"}))
        ->capture_default_str();
    run_cmd->add_flag("--json", run.json_only,
                      "Print only the result JSON on stdout; logs on stderr");
    run_cmd->add_option("--python", run.python, "Python interpreter for Python plugins");
    run_cmd->add_option("--dashboard", run.dashboard, "Ray dashboard URL (--mode job)")
        ->capture_default_str();
    run_cmd->add_option("--cpus", run.cpus, "CPUs for the job's entrypoint (--mode job)");
    run_cmd->add_option("--gpus", run.gpus, "GPUs for the job's entrypoint (--mode job)");
    run_cmd->add_option("--memory", run.memory, "Memory in bytes for the entrypoint (--mode job)");
    run_cmd->add_flag("--detach", run.detach, "Submit, print the job id and return (--mode job)");

    synapse_cli::list_options list;
    auto* list_cmd = plugin->add_subcommand("list", "List the plugin's actions");
    list_cmd->add_option("--path,-p", list.path, "The plugin directory")->capture_default_str();
    list_cmd->add_flag("--json", list.json_only, "Print JSON");

    synapse_cli::schema_options schema;
    auto* schema_cmd =
        plugin->add_subcommand("schema", "Print an action's params and result JSON Schema");
    schema_cmd->add_option("action", schema.action, "The action")->required();
    schema_cmd->add_option("--path,-p", schema.path, "The plugin directory")->capture_default_str();
    schema_cmd->add_option("--python", schema.python, "Python interpreter for Python plugins");

    synapse_service::service_options service;
    auto* service_cmd = app.add_subcommand(
        "service",
        "Run the pipeline service (synapse-sdk's pipeline API on SQLite, live web page)");
    service_cmd->add_option("--host", service.host, "Address to listen on")->capture_default_str();
    service_cmd->add_option("--port", service.port, "Port (0: any free port, printed)")
        ->capture_default_str();
    service_cmd->add_option("--db", service.db, "SQLite database file (created)")
        ->capture_default_str();
    service_cmd->add_option("--token", service.token,
                            "Require `Authorization: Bearer TOKEN` (all but /health and /)");
    service_cmd->add_option("--cors-origin", service.cors_origins,
                            "Allow this browser origin (repeatable; * for any); none by default");
    service_cmd->add_option("--max-body", service.max_body, "Largest request body, in bytes")
        ->capture_default_str();
    service_cmd->add_option("--threads", service.threads, "Worker threads")
        ->check(CLI::Range(2, 1024))
        ->capture_default_str();
    service_cmd->add_option("--max-streams", service.max_streams, "Concurrent SSE streams")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    service_cmd->add_option("--heartbeat", service.heartbeat, "Seconds between SSE heartbeats")
        ->check(CLI::Range(0.01, 3600.0))
        ->capture_default_str();
    service_cmd
        ->add_option("--backlog", service.backlog,
                     "SSE events kept per run for Last-Event-ID resumption")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    service_cmd
        ->add_option("--busy-timeout", service.busy_timeout_ms,
                     "Milliseconds a write waits for a database locked by another process")
        ->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (run_cmd->parsed()) return synapse_cli::plugin_run(run);
    if (list_cmd->parsed()) return synapse_cli::plugin_list(list);
    if (schema_cmd->parsed()) return synapse_cli::plugin_schema(schema);
    if (service_cmd->parsed()) {
        if (service.max_streams >= service.threads) {
            std::cerr << "error: --max-streams must be below --threads (streams hold a thread)\n";
            return 2;
        }
        return synapse_service::run_service(service);
    }
    return 2;
}
