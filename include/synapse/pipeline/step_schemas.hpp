// The JSON Schemas of a pipeline's steps, for checking at submit time that each action's required
// params are provided (check_pipeline): a C++ plugin's from its binary (`<binary> list --json`,
// one process for all), synapse-sdk actions' from their Pydantic models (one Python process).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/executors/spawner.hpp"
#include "synapse/pipeline/pipeline_check.hpp"
#include "synapse/pipeline/pipeline_definition.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse {

namespace detail {

/// Prints `[{"entrypoint", "params", "result"}, ...]` for the `module.Class` arguments.
inline constexpr std::string_view python_schemas_script = R"(import importlib, json, os, sys
sys.path.insert(0, os.getcwd())
def schema(model):
    return model.model_json_schema() if hasattr(model, 'model_json_schema') else {}
out = []
for ep in sys.argv[1:]:
    module, _, name = ep.rpartition('.')
    cls = getattr(importlib.import_module(module), name)
    out.append({'entrypoint': ep, 'params': schema(getattr(cls, 'params_model', None)),
                'result': schema(getattr(cls, 'result_model', None))})
print(json.dumps(out))
)";

/// Runs `argv` in `dir` and parses the JSON array its stdout ends with.
inline expected<json> schemas_from(std::vector<std::string> argv, const std::filesystem::path& dir,
                                   std::string_view what) {
    process_spec spec;
    spec.argv = std::move(argv);
    spec.working_dir = dir;
    spec.timeout = std::chrono::minutes(2);
    std::string out, err;
    auto ran = posix_spawner().run(spec, [&](bool is_stderr, std::string_view line) {
        (is_stderr ? err : out).append(line).append("\n");
    });
    if (!ran) return fail(std::move(ran).error());
    if (ran->exit_code != 0) {
        const auto last = err.substr(err.rfind('\n', err.size() > 1 ? err.size() - 2 : 0) + 1);
        return fail(errc::process_failed, "cannot read the schemas of " + std::string(what) +
                                              " (exit status " + std::to_string(ran->exit_code) +
                                              "): " + last);
    }
    const auto start = out.rfind("\n[", out.size() > 1 ? out.size() - 2 : 0);
    auto parsed = parse_json(out.substr(start == std::string::npos ? 0 : start + 1),
                             "the schemas of " + std::string(what));
    if (!parsed) return fail(std::move(parsed).error());
    if (!parsed->is_array())
        return fail(errc::protocol_error,
                    "the schemas of " + std::string(what) + " are not a list");
    return parsed;
}

inline const json* find_schema(const json& list, std::string_view key, std::string_view value) {
    for (const auto& item : list)
        if (item.is_object() && item.contains(key) && item[std::string(key)] == value) return &item;
    return nullptr;
}

}  // namespace detail

/// The schemas of `definition`'s steps, in order: C++ steps from the plugin's binary, Python
/// steps (run with `python` in the plugin directory) from their models.
[[nodiscard]] inline expected<std::vector<pipeline_step_schema>> step_schemas(
    const plugin_config& config, const pipeline_definition& definition, const std::string& python) {
    json cpp = json::array(), py = json::array();
    std::vector<std::string> python_eps;
    bool any_cpp = false;
    for (const auto& s : definition.actions) {
        if (s.runtime == step_runtime::cpp)
            any_cpp = true;
        else
            python_eps.push_back(s.entrypoint);
    }
    if (any_cpp) {
        std::error_code ec;
        auto binary = std::filesystem::absolute(config.binary_path(), ec).string();
        auto got = detail::schemas_from({binary, "list", "--json"}, config.directory,
                                        "the plugin binary " + binary);
        if (!got) return fail(std::move(got).error());
        cpp = std::move(*got);
    }
    if (!python_eps.empty()) {
        std::vector<std::string> argv = {python, "-c", std::string(detail::python_schemas_script)};
        argv.insert(argv.end(), python_eps.begin(), python_eps.end());
        auto got = detail::schemas_from(std::move(argv), config.directory, "the Python actions");
        if (!got) return fail(std::move(got).error());
        py = std::move(*got);
    }
    std::vector<pipeline_step_schema> out;
    for (const auto& s : definition.actions) {
        const json* found = s.runtime == step_runtime::cpp
                                ? detail::find_schema(cpp, "name", s.entrypoint)
                                : detail::find_schema(py, "entrypoint", s.entrypoint);
        if (!found)
            return fail(errc::unknown_action,
                        "no schema for action '" + s.name + "' (" + s.entrypoint + ")");
        out.push_back({.name = s.name,
                       .params_schema = found->value("params", json::object()),
                       .result_schema = found->value("result", json::object())});
    }
    return out;
}

}  // namespace synapse
