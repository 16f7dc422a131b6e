// The `synapse` command-line tool.
//
//   synapse plugin run ACTION [--path DIR] [--params JSON|@FILE] [--mode local|job|task] [--json]
//   synapse plugin stop [--path DIR]
//   synapse plugin list [--path DIR] [--json]
//   synapse plugin schema ACTION [--path DIR]
//   synapse pipeline run ACTION[,ACTION...] [--path DIR] [--params JSON|@FILE] [--service URL]
//                    [--mode local|job] [--resume-from RUN] [--name N] [--detach] [--json]
//   synapse pipeline status|watch|cancel RUN, list, logs RUN
//   synapse ray status|nodes|tasks|actors|jobs|job ID|logs ID|stop ID|serve list|status|delete
//   synapse service [--host H] [--port P] [--db PATH] [--token T] ...
//
// Started with SYNAPSE_PIPELINE_SPEC in its environment, the program is a pipeline runner (of
// pipelines without C++ actions; a C++ plugin binary runs its own).
#include <cstdlib>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <synapse/core/config.hpp>

#include "pipeline_commands.hpp"
#include "plugin_commands.hpp"
#include "ray_commands.hpp"
#include "service/service.hpp"

namespace {

std::string service_default() {
    const char* url = std::getenv("SYNAPSE_PIPELINE_SERVICE_URL");
    return url && *url ? url : "http://127.0.0.1:8100";
}

std::string service_token_default() {
    const char* token = std::getenv("SYNAPSE_PIPELINE_SERVICE_TOKEN");
    return token ? token : "";
}

/// The options every `synapse pipeline` command shares.
void add_service_options(CLI::App* cmd, synapse_cli::pipeline_options& o) {
    o.service = service_default();
    o.token = service_token_default();
    cmd->add_option("--service", o.service,
                    "The pipeline service (default: $SYNAPSE_PIPELINE_SERVICE_URL)")
        ->capture_default_str();
    cmd->add_option("--service-token", o.token,
                    "The service's bearer token (default: $SYNAPSE_PIPELINE_SERVICE_TOKEN)");
    cmd->add_flag("--json", o.json_only, "Print JSON");
}

}  // namespace

int main(int argc, char** argv) {
    if (auto code = synapse_cli::pipeline_runner_mode(argc, argv)) return *code;
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
    run_cmd
        ->add_option("--mode,-m", run.mode,
                     "Where to run: local, job (a Ray job) or task (a warm worker on Ray Serve)")
        ->check(CLI::IsMember({"local", "job", "task"}))
        ->capture_default_str();
    run_cmd->add_flag("--json", run.json_only,
                      "Print only the result JSON on stdout; logs on stderr");
    run_cmd->add_option("--python", run.python, "Python interpreter for Python plugins");
    run_cmd->add_option("--dashboard", run.dashboard, "Ray dashboard URL (--mode job|task)")
        ->capture_default_str();
    run_cmd->add_option("--cpus", run.cpus,
                        "CPUs for the job's entrypoint or each warm worker (--mode job|task)");
    run_cmd->add_option("--gpus", run.gpus,
                        "GPUs for the job's entrypoint or each warm worker (--mode job|task)");
    run_cmd->add_option("--memory", run.memory,
                        "Memory in bytes for the entrypoint or each worker (--mode job|task)");
    run_cmd->add_option("--replicas", run.replicas, "Warm workers to keep (--mode task)")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    run_cmd->add_flag("--detach", run.detach, "Submit, print the job id and return (--mode job)");

    synapse_cli::stop_options stop;
    auto* stop_cmd = plugin->add_subcommand(
        "stop", "Remove the plugin's warm workers (its Ray Serve application) from the cluster");
    stop_cmd->add_option("--path,-p", stop.path, "The plugin directory")->capture_default_str();
    stop_cmd->add_option("--dashboard", stop.dashboard, "Ray dashboard URL")->capture_default_str();

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

    auto* pipeline = app.add_subcommand(
        "pipeline", "Run a plugin's actions as one checkpointed pipeline, and look at its runs");
    pipeline->require_subcommand(1);
    synapse_cli::pipeline_run_options prun;
    auto* prun_cmd = pipeline->add_subcommand("run", "Run actions as one pipeline and follow it");
    prun_cmd->add_option("actions", prun.actions, "ACTION[,ACTION...] (or Python module.Class)")
        ->required();
    prun_cmd->add_option("--path,-p", prun.path, "The plugin directory")->capture_default_str();
    prun_cmd->add_option("--params", prun.params, "The first action's params: JSON, or @FILE")
        ->capture_default_str();
    prun_cmd->add_option("--mode,-m", prun.mode, "local (this machine) or job (one Ray job)")
        ->check(CLI::IsMember({"local", "job"}))
        ->capture_default_str();
    prun_cmd->add_option("--name", prun.name, "The pipeline's name");
    prun_cmd->add_option("--resume-from", prun.resume_from,
                         "Resume this run from its last checkpoint (params given override)");
    prun_cmd->add_flag("--detach", prun.detach, "Start, print the run id and return (--mode job)");
    prun_cmd->add_option("--python", prun.python, "Python interpreter for Python actions");
    prun_cmd->add_option("--dashboard", prun.dashboard, "Ray dashboard URL (--mode job)");
    prun.dashboard = synapse::dashboard_url_from_environment();
    prun_cmd->add_option("--actor-service", prun.actor_service,
                         "The service's URL as the cluster reaches it (--mode job)");
    prun_cmd->add_option("--cpus", prun.cpus, "CPUs for the runner (--mode job)");
    prun_cmd->add_option("--gpus", prun.gpus, "GPUs for the runner (--mode job)");
    add_service_options(prun_cmd, prun);

    synapse_cli::pipeline_run_ref pref;
    pref.dashboard = synapse::dashboard_url_from_environment();
    auto* pstatus_cmd = pipeline->add_subcommand("status", "Show where a run stands");
    auto* pwatch_cmd = pipeline->add_subcommand("watch", "Follow a run live until it ends");
    auto* pcancel_cmd = pipeline->add_subcommand("cancel", "Cancel a run (and stop its Ray job)");
    for (auto* cmd : {pstatus_cmd, pwatch_cmd, pcancel_cmd}) {
        cmd->add_option("run", pref.run, "The run id")->required();
        add_service_options(cmd, pref);
    }
    pcancel_cmd->add_option("--dashboard", pref.dashboard, "Ray dashboard URL")
        ->capture_default_str();

    synapse_cli::pipeline_list_options plist;
    auto* plist_cmd = pipeline->add_subcommand("list", "List runs, newest first");
    plist_cmd->add_option("--status", plist.status, "Only runs with this status");
    plist_cmd->add_option("--limit", plist.limit, "At most this many")->capture_default_str();
    add_service_options(plist_cmd, plist);

    synapse_cli::pipeline_logs_options plogs;
    auto* plogs_cmd = pipeline->add_subcommand("logs", "Print a run's log entries");
    plogs_cmd->add_option("run", plogs.run, "The run id")->required();
    plogs_cmd->add_option("--action", plogs.action, "Only this action's entries");
    plogs_cmd->add_option("--level", plogs.level, "Only entries of this level");
    plogs_cmd->add_option("--limit", plogs.limit, "At most this many")->capture_default_str();
    add_service_options(plogs_cmd, plogs);

    synapse_cli::ray_commands ray(app);

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
    if (stop_cmd->parsed()) return synapse_cli::plugin_stop(stop);
    if (list_cmd->parsed()) return synapse_cli::plugin_list(list);
    if (schema_cmd->parsed()) return synapse_cli::plugin_schema(schema);
    if (prun_cmd->parsed()) return synapse_cli::pipeline_run(prun);
    if (pstatus_cmd->parsed()) return synapse_cli::pipeline_status(pref);
    if (pwatch_cmd->parsed()) return synapse_cli::pipeline_watch(pref);
    if (pcancel_cmd->parsed()) return synapse_cli::pipeline_cancel(pref);
    if (plist_cmd->parsed()) return synapse_cli::pipeline_list(plist);
    if (plogs_cmd->parsed()) return synapse_cli::pipeline_logs(plogs);
    if (auto code = ray.run()) return *code;
    if (service_cmd->parsed()) {
        if (service.max_streams >= service.threads) {
            std::cerr << "error: --max-streams must be below --threads (streams hold a thread)\n";
            return 2;
        }
        return synapse_service::run_service(service);
    }
    return 2;
}
