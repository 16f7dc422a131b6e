// synapse::check_pipeline: the check synapse::pipeline<Inputs, A, B...> makes at compile time,
// made at run time from JSON Schemas, for pipelines named at run time (C++ or synapse-sdk
// actions, in any mix):
//
//     std::vector<synapse::pipeline_step_schema> steps{
//         {"download", download_params_schema, download_result_schema},
//         {"train", train_params_schema, train_result_schema}};
//     if (auto ok = synapse::check_pipeline(steps, {{"dataset", 1}}); !ok)
//         std::cerr << to_string(ok.error()) << '\n';
//         // invalid_argument: pipeline: action 'train' needs 'converted_path' (string), which
//         // neither the inputs nor the results of download provide
//
// Schemas are read as synapse::json_schema<T>() writes them and as Pydantic v2's
// model_json_schema() does (see detail/schema_fields.hpp).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "synapse/core/error.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/pipeline/detail/param_check.hpp"
#include "synapse/pipeline/detail/schema_fields.hpp"

namespace synapse {

/// One action of a pipeline, described by the JSON Schemas of its params and of its result.
struct pipeline_step_schema {
    std::string name;
    json params_schema;  ///< an object schema: `properties` and a `required` list
    json result_schema;  ///< an object schema; empty or {} when the action has no result model
};

/// Checks that every required param of each step (listed in the params schema's `required`,
/// and not allowing null) is provided by `inputs` (the caller's params: a JSON object, each key
/// with the kind of its value) or by an earlier step's result schema, under the same name and
/// with a JSON kind that fits; later providers win, as the runner merges results shallowly.
/// Kinds: string (also `format: "path"`, enums of strings), integer, number (an integer fits
/// too), boolean, array, object; a schema without `type` takes and provides anything. A step
/// whose result schema says nothing about its properties (empty or {}: an action without a
/// result model), or allows additional ones, may provide anything: later params that nothing
/// else provides are then not reported missing.
///
/// The first problem, in step order and then field order, fails with errc::invalid_argument,
/// `where` the step's name, and the sentence synapse::pipeline prints at compile time:
/// "pipeline: action 'train' needs 'epochs' (integer), but the results of convert provide it as
/// string". Inputs that are not a JSON object fail with errc::invalid_argument too.
[[nodiscard]] inline expected<void> check_pipeline(const std::vector<pipeline_step_schema>& steps,
                                                   const json& inputs) {
    if (!inputs.is_object()) {
        error e{
            errc::invalid_argument,
            std::string("pipeline: the inputs must be a JSON object, got ") + inputs.type_name()};
        e.where = "inputs";
        return fail(std::move(e));
    }
    const detail::schema_fields given = detail::fields_of_object(inputs);
    std::vector<detail::schema_fields> params, results;
    params.reserve(steps.size());
    results.reserve(steps.size());
    std::vector<detail::param_step> checked;
    checked.reserve(steps.size());
    for (const auto& step : steps) {
        params.push_back(detail::fields_of_schema(step.params_schema));
        results.push_back(detail::fields_of_schema(step.result_schema));
        checked.push_back(
            {step.name, params.back().fields, {results.back().fields, results.back().open}});
    }
    auto problem = detail::first_unprovided_param({given.fields, false}, checked);
    if (problem.sentence.empty()) return {};
    error e{errc::invalid_argument, std::move(problem.sentence)};
    e.where = steps[problem.step].name;
    return fail(std::move(e));
}

}  // namespace synapse
