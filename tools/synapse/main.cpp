// The `synapse` command-line tool.
//
//   synapse plugin run ACTION [--path DIR] [--params JSON|@FILE] [--mode local] [--json]
//   synapse plugin list [--path DIR] [--json]
//   synapse plugin schema ACTION [--path DIR]
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <synapse/core/config.hpp>

#include "plugin_commands.hpp"

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

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (run_cmd->parsed()) return synapse_cli::plugin_run(run);
    if (list_cmd->parsed()) return synapse_cli::plugin_list(list);
    if (schema_cmd->parsed()) return synapse_cli::plugin_schema(schema);
    return 2;
}
