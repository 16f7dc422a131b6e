// pipeline_check.hpp: the compile-time check of synapse::pipeline, at run time from JSON
// Schemas, in both dialects: Pydantic v2's model_json_schema() (the schemas below are its
// output, copied verbatim) and synapse::json_schema<T>().
#include <synapse/pipeline/pipeline_check.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "regression.hpp"

using synapse::check_pipeline;
using synapse::json;
using synapse::pipeline_step_schema;

namespace {

/// synapse-sdk's sample actions (synapse_sdk/plugins/testing/sample_actions.py):
/// Download(dataset: int) -> {dataset, dataset_path}, Convert(dataset_path: str) ->
/// {dataset_path, converted_path}, Train(converted_path: str, epochs: int = 5) ->
/// {model_path: str, metrics: dict[str, float]}.
std::vector<pipeline_step_schema> sdk_sample_steps() {
    return {
        {"download",
         json::parse(R"({"properties": {"dataset": {"title": "Dataset", "type": "integer"}},
            "required": ["dataset"], "title": "Step1Params", "type": "object"})"),
         json::parse(R"({"properties": {"dataset": {"title": "Dataset", "type": "integer"},
            "dataset_path": {"title": "Dataset Path", "type": "string"}},
            "required": ["dataset", "dataset_path"], "title": "Step1Result", "type": "object"})")},
        {"convert", json::parse(R"({"properties": {"dataset_path": {"title": "Dataset Path",
            "type": "string"}}, "required": ["dataset_path"], "title": "Step2Params",
            "type": "object"})"),
         json::parse(R"({"properties": {"dataset_path": {"title": "Dataset Path", "type": "string"},
            "converted_path": {"title": "Converted Path", "type": "string"}},
            "required": ["dataset_path", "converted_path"], "title": "Step2Result",
            "type": "object"})")},
        {"train", json::parse(R"({"properties": {"converted_path": {"title": "Converted Path",
            "type": "string"}, "epochs": {"default": 5, "title": "Epochs", "type": "integer"}},
            "required": ["converted_path"], "title": "Step3Params", "type": "object"})"),
         json::parse(R"({"properties": {"model_path": {"title": "Model Path", "type": "string"},
            "metrics": {"additionalProperties": {"type": "number"}, "title": "Metrics",
            "type": "object"}}, "required": ["model_path", "metrics"], "title": "Step3Result",
            "type": "object"})")},
    };
}

/// Pydantic's schema of a model with an enum, a nested model, Optional[int] without a
/// default, `str | None = None`, a Path, a float, an untyped field and a list.
json pydantic_rich_params() {
    return json::parse(
        R"({"$defs": {"Inner": {"properties": {"x": {"title": "X", "type": "integer"}},
        "required": ["x"], "title": "Inner", "type": "object"},
        "Opt": {"enum": ["sgd", "adam"], "title": "Opt", "type": "string"}},
        "properties": {"optimizer": {"$ref": "#/$defs/Opt"}, "inner": {"$ref": "#/$defs/Inner"},
        "maybe": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Maybe"},
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Note"},
        "path": {"format": "path", "title": "Path", "type": "string"},
        "lr": {"title": "Lr", "type": "number"}, "anything": {"title": "Anything"},
        "items": {"items": {"type": "integer"}, "title": "Items", "type": "array"}},
        "required": ["optimizer", "inner", "maybe", "path", "lr", "anything", "items"],
        "title": "P", "type": "object"})");
}

template <class A>
pipeline_step_schema cpp_step() {
    return {std::string(A::name), synapse::json_schema<typename A::params_type>(),
            synapse::json_schema<typename A::result_type>()};
}

std::vector<pipeline_step_schema> regression_steps() {
    return {cpp_step<regression::download>(), cpp_step<regression::convert>(),
            cpp_step<regression::train>(), cpp_step<regression::evaluate>()};
}

/// The error's code, where and message in one line, or "ok".
std::string outcome(const synapse::expected<void>& r) {
    if (r) return "ok";
    return std::string(synapse::to_string(r.error().code)) + " at " + r.error().where + ": " +
           r.error().message;
}

}  // namespace

TEST_CASE("synapse-sdk's sample actions chain from a dataset number", "[pipeline][check]") {
    CHECK(outcome(check_pipeline(sdk_sample_steps(), {{"dataset", 1}})) == "ok");
}

TEST_CASE("synapse-sdk's sample actions without a dataset name the first action and the field",
          "[pipeline][check]") {
    CHECK(outcome(check_pipeline(sdk_sample_steps(), json::object())) ==
          "invalid_argument at download: pipeline: action 'download' needs 'dataset' (integer), "
          "which the inputs do not provide");
    CHECK(outcome(check_pipeline(sdk_sample_steps(), {{"dataset", "one"}})) ==
          "invalid_argument at download: pipeline: action 'download' needs 'dataset' (integer), "
          "but the inputs provide it as string");
}

TEST_CASE("a missing param lists every earlier action that could have provided it",
          "[pipeline][check]") {
    auto steps = sdk_sample_steps();
    steps.erase(steps.begin() + 1);  // no convert: nothing provides converted_path
    CHECK(outcome(check_pipeline(steps, {{"dataset", 1}})) ==
          "invalid_argument at train: pipeline: action 'train' needs 'converted_path' (string), "
          "which neither the inputs nor the results of download provide");

    auto regression = regression_steps();
    regression.erase(regression.begin() + 2);  // no train: nothing provides model_path
    CHECK(outcome(check_pipeline(regression, {{"work_dir", "/tmp/w"}})) ==
          "invalid_argument at evaluate: pipeline: action 'evaluate' needs 'model_path' (string), "
          "which neither the inputs nor the results of download, convert provide");
}

TEST_CASE("the schemas of C++ actions chain as the compiler checks them", "[pipeline][check]") {
    CHECK(outcome(check_pipeline(regression_steps(), {{"work_dir", "/tmp/w"}})) == "ok");
    CHECK(outcome(check_pipeline(regression_steps(), json::object())) ==
          "invalid_argument at download: pipeline: action 'download' needs 'work_dir' (string), "
          "which the inputs do not provide");
    CHECK(outcome(check_pipeline(regression_steps(), {{"work_dir", 3}})) ==
          "invalid_argument at download: pipeline: action 'download' needs 'work_dir' (string), "
          "but the inputs provide it as integer");
    // Defaulted (epochs, learning_rate, seed, test_fraction) and optional (source) params are
    // not required; when given, their kinds must still fit only if required.
    CHECK(outcome(check_pipeline(regression_steps(), {{"work_dir", "/tmp/w"}, {"epochs", "x"}})) ==
          "ok");
}

TEST_CASE("the run-time check reads the kind of the last provider before an action",
          "[pipeline][check]") {
    auto steps = sdk_sample_steps();
    // download's result gives dataset_path as a string, over the inputs' integer.
    CHECK(outcome(check_pipeline(steps, {{"dataset", 1}, {"dataset_path", 7}})) == "ok");
    // A convert whose result gives converted_path as an integer.
    steps[1].result_schema["properties"]["converted_path"] = {{"type", "integer"}};
    CHECK(outcome(check_pipeline(steps, {{"dataset", 1}, {"converted_path", "/x"}})) ==
          "invalid_argument at train: pipeline: action 'train' needs 'converted_path' (string), "
          "but the results of convert provide it as integer");
}

TEST_CASE("Pydantic's refs, enums, nested models, optionals and untyped fields are understood",
          "[pipeline][check]") {
    const std::vector<pipeline_step_schema> steps{{"fit", pydantic_rich_params(), json::object()}};
    const json inputs = {{"optimizer", "adam"}, {"inner", {{"x", 1}}},
                         {"path", "/data"},     {"lr", 1},  // an integer fits a number
                         {"anything", nullptr}, {"items", {1, 2}}};
    // maybe (Optional[int], listed in required) and note are not required.
    CHECK(outcome(check_pipeline(steps, inputs)) == "ok");

    json wrong_enum = inputs;
    wrong_enum["optimizer"] = 1;
    CHECK(outcome(check_pipeline(steps, wrong_enum)) ==
          "invalid_argument at fit: pipeline: action 'fit' needs 'optimizer' (string), but the "
          "inputs provide it as integer");
    json wrong_model = inputs;
    wrong_model["inner"] = json::array();
    CHECK(outcome(check_pipeline(steps, wrong_model)) ==
          "invalid_argument at fit: pipeline: action 'fit' needs 'inner' (object), but the inputs "
          "provide it as array");
    json number_for_integer = inputs;
    number_for_integer["lr"] = 0.5;
    CHECK(outcome(check_pipeline(steps, number_for_integer)) == "ok");
    json no_anything = inputs;
    no_anything.erase("anything");
    CHECK(outcome(check_pipeline(steps, no_anything)) ==
          "invalid_argument at fit: pipeline: action 'fit' needs 'anything' (any), which the "
          "inputs do not provide");
}

TEST_CASE("a type list with null, and a required name without a property, are understood",
          "[pipeline][check]") {
    const std::vector<pipeline_step_schema> steps{{"a",
                                                   json::parse(R"({"type": "object", "properties": {
            "maybe": {"type": ["string", "null"]}, "n": {"type": ["integer"]}},
            "required": ["maybe", "n", "ghost"]})"),
                                                   json::object()}};
    CHECK(outcome(check_pipeline(steps, {{"n", 1}, {"ghost", false}})) == "ok");
    CHECK(outcome(check_pipeline(steps, {{"n", 1}})) ==
          "invalid_argument at a: pipeline: action 'a' needs 'ghost' (any), which the inputs do "
          "not provide");
}

TEST_CASE("a step without a result model may provide anything to later steps",
          "[pipeline][check]") {
    auto steps = sdk_sample_steps();
    steps[1].result_schema = json::object();  // convert has no result model
    CHECK(outcome(check_pipeline(steps, {{"dataset", 1}})) == "ok");
    steps[1].result_schema = json();  // nor a schema at all
    CHECK(outcome(check_pipeline(steps, {{"dataset", 1}})) == "ok");
    // A result that is a map (additionalProperties) may hold converted_path, of any kind.
    steps[1].result_schema = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
    CHECK(outcome(check_pipeline(steps, {{"dataset", 1}})) == "ok");
    // Params before the open step are still checked.
    CHECK(outcome(check_pipeline(steps, json::object())) ==
          "invalid_argument at download: pipeline: action 'download' needs 'dataset' (integer), "
          "which the inputs do not provide");
}

TEST_CASE("inputs that are not a JSON object are refused", "[pipeline][check]") {
    CHECK(outcome(check_pipeline(sdk_sample_steps(), json::array({1}))) ==
          "invalid_argument at inputs: pipeline: the inputs must be a JSON object, got array");
    CHECK(outcome(check_pipeline({}, json::object())) == "ok");
}
