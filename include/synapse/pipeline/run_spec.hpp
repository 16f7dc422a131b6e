// What a pipeline runner is told: the run to report to, its actions, the params, where to resume.
// A runner is started with the spec in SYNAPSE_PIPELINE_SPEC (JSON), or in the file named by
// SYNAPSE_PIPELINE_SPEC_FILE when it is long, as the job protocol passes params; the service's
// token, when it has one, comes in SYNAPSE_PIPELINE_SERVICE_TOKEN and is never written into the
// spec, a log or an error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/enum.hpp"
#include "synapse/core/json.hpp"
#include "synapse/core/reflect.hpp"
#include "synapse/plugin/job_protocol.hpp"

namespace synapse {

/// Where an action of a pipeline runs: inside the runner (a C++ action of the plugin binary that
/// runs the pipeline) or in a child process (a synapse-sdk action, `module.Class`).
enum class step_runtime { cpp, python };

/// One action of a pipeline.
struct pipeline_step {
    std::string name{};        ///< as the service shows it, e.g. "train"
    std::string entrypoint{};  ///< the C++ action's name, or the Python `module.Class`
    step_runtime runtime = step_runtime::cpp;
};

/// The runner's instructions.
struct pipeline_run_spec {
    std::string service_url{};  ///< the pipeline service, as the runner reaches it
    std::string run_id{};
    std::string pipeline_id{};
    std::vector<pipeline_step> actions{};
    json params = json::object();  ///< the first action's params (a resumed run's, merged)
    /// Actions with an index up to this one completed in the run resumed from: skipped.
    std::optional<std::int64_t> resume_after{};
    std::string python = "python";  ///< the interpreter of Python actions
};

namespace pipeline_env {
inline constexpr std::string_view spec_var = "SYNAPSE_PIPELINE_SPEC";
inline constexpr std::string_view spec_file_var = "SYNAPSE_PIPELINE_SPEC_FILE";
inline constexpr std::string_view token_var = "SYNAPSE_PIPELINE_SERVICE_TOKEN";
}  // namespace pipeline_env

}  // namespace synapse

SYNAPSE_REFLECT_ENUM(synapse::step_runtime, cpp, python)
SYNAPSE_REFLECT(synapse::pipeline_step, name, entrypoint, runtime)
SYNAPSE_REFLECT(synapse::pipeline_run_spec, service_url, run_id, pipeline_id, actions, params,
                resume_after, python)

namespace synapse {

/// True when this process was started as a pipeline runner.
[[nodiscard]] inline bool pipeline_spec_given(
    const job_protocol::env_lookup& env = job_protocol::process_env) {
    return env(pipeline_env::spec_var) || env(pipeline_env::spec_file_var);
}

/// The spec of this runner, from the environment; an error names the variable or file.
[[nodiscard]] inline expected<pipeline_run_spec> read_pipeline_spec(
    const job_protocol::env_lookup& env = job_protocol::process_env) {
    std::string text, source;
    if (auto inline_spec = env(pipeline_env::spec_var)) {
        text = std::move(*inline_spec);
        source = std::string(pipeline_env::spec_var);
    } else if (auto file = env(pipeline_env::spec_file_var)) {
        auto read = job_protocol::read_params_file(*file);
        if (!read) return fail(std::move(read).error());
        text = std::move(*read);
        source = *file;
    } else {
        return fail(errc::protocol_error, "no pipeline spec in " +
                                              std::string(pipeline_env::spec_var) + " or " +
                                              std::string(pipeline_env::spec_file_var));
    }
    auto j = parse_json(text, source);
    if (!j) return fail(std::move(j).error());
    auto spec = from_json<pipeline_run_spec>(*j);
    if (!spec) return fail(std::move(spec).error().prefix("the pipeline spec in " + source));
    return spec;
}

}  // namespace synapse
