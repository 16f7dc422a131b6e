#include "plugin_commands.hpp"

#include <iostream>

#include <synapse/executors/directory_executor.hpp>
#include <synapse/plugin/params_argument.hpp>

#include "run_action.hpp"

namespace synapse_cli {
namespace {

synapse::directory_options directory_options_for(const std::string& python, bool json_only) {
    synapse::directory_options options;
    options.python = python;
    options.process.on_output = [json_only](bool is_stderr, std::string_view line) {
        (json_only || is_stderr ? std::cerr : std::cout) << line << '\n';
    };
    return options;
}

/// Python plugins: the params and result JSON Schema from the action class's Pydantic models.
constexpr const char* python_schema_script = R"(import importlib, json, sys
ep = sys.argv[1]
module, _, name = ep.rpartition('.')
cls = getattr(importlib.import_module(module), name)
def schema(model):
    return model.model_json_schema() if hasattr(model, 'model_json_schema') else {}
print(json.dumps({'name': sys.argv[2], 'params': schema(getattr(cls, 'params_model', None)),
                  'result': schema(getattr(cls, 'result_model', None))}))
)";

}  // namespace

int report(const synapse::error& e) {
    std::cerr << "error: " << e << std::endl;
    return 1;
}

int plugin_run(const run_options& options) {
    auto params = synapse::read_params_argument(options.params);
    if (!params) return report(params.error());
    if (options.mode == "job") return plugin_run_job(options, *params);
    if (options.mode == "task") return plugin_run_task(options, *params);
    auto exec = synapse::directory_executor::open(
        options.path, directory_options_for(options.python, options.json_only));
    if (!exec) return report(exec.error());
    return run_action(*exec, options.action, options, *params);
}

int plugin_list(const list_options& options) {
    auto config = synapse::load_plugin_config(options.path);
    if (!config) return report(config.error());
    if (options.json_only) {
        synapse::json out = synapse::json::array();
        for (const auto& a : config->actions)
            out.push_back({{"name", a.name},
                           {"method", a.method},
                           {"entrypoint", a.entrypoint},
                           {"description", a.description}});
        std::cout << synapse::dump(out) << std::endl;
        return 0;
    }
    std::cout << config->name << " (" << config->code << " " << config->version << ", "
              << config->runtime << ")\n";
    for (const auto& a : config->actions)
        std::cout << "  " << a.name << "  [" << a.method << "]  " << a.description << "\n";
    return 0;
}

int plugin_schema(const schema_options& options) {
    auto exec = synapse::directory_executor::open(options.path,
                                                  directory_options_for(options.python, true));
    if (!exec) return report(exec.error());
    auto target = exec->entrypoint(options.action);
    if (!target) return report(target.error());
    synapse::process_spec spec;
    spec.working_dir = exec->config().directory;
    if (exec->is_cpp()) {
        spec.argv = {std::filesystem::absolute(exec->config().binary_path()).string(), "schema",
                     *target};
    } else {
        std::string python = options.python;
        if (python.empty())
            python = std::getenv("SYNAPSE_PYTHON") ? std::getenv("SYNAPSE_PYTHON") : "python3";
        spec.argv = {python, "-c", python_schema_script, *target, options.action};
    }
    std::string out, err;
    auto outcome = synapse::posix_spawner().run(spec, [&](bool is_stderr, std::string_view line) {
        (is_stderr ? err : out).append(line).append("\n");
    });
    if (!outcome) return report(outcome.error());
    if (outcome->exit_code != 0) {
        std::cerr << err;
        return report(synapse::error(synapse::errc::process_failed,
                                     "cannot read the schema of '" + options.action + "'"));
    }
    auto schema = synapse::parse_json(out, "the schema output");
    if (!schema) return report(schema.error());
    std::cout << synapse::dump(*schema, 2) << std::endl;
    return 0;
}

}  // namespace synapse_cli
