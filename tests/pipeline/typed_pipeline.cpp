// typed_pipeline.hpp: pipelines of C++ actions whose params are checked at compile time. A
// pipeline that compiles is the positive test; the sentences of the ones that must not are
// pinned here through the constant the check reports (and, as compiler output, by
// tests/compile_fail/pipeline_*.cpp).
#include <synapse/pipeline/typed_pipeline.hpp>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "regression.hpp"

namespace typed_pipeline_test {

using synapse::json;

struct regression_inputs {
    std::filesystem::path work_dir;
};

using regression_pipeline =
    synapse::pipeline<regression_inputs, regression::download, regression::convert,
                      regression::train, regression::evaluate>;

// ---- small actions to chain ---------------------------------------------------------------

enum class optimizer { sgd, adam };

struct optional_only {
    std::optional<std::string> note;  // nothing required
};
struct count_result {
    int epochs = 0;  // an integer
};
struct text_result {
    std::string epochs;  // the same name, as a string
};
struct train_params {
    int epochs = 10;                  // defaulted, compile-time rule
    double learning_rate = 0.1;       // required: a number, which an integer also fits
    std::optional<std::string> note;  // optional: never required
    optimizer opt = optimizer::sgd;   // required: a string
    synapse::json extra;              // required: any kind

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(synapse::rule<&train_params::epochs>(defaulted));
    }
};
struct legacy_params {
    int epochs = 10;  // defaulted by an old-form rule
    int seed = 0;     // the same member type: maybe defaulted, so not required here
    std::string name;

    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&legacy_params::epochs, synapse::rules::defaulted));
    }
};
struct strict_params {
    int epochs = 0;  // required
};

template <class P, class R>
struct action_base {
    using params_type = P;
    using result_type = R;
    R execute(const P&, synapse::context&) { return R{}; }
};

struct count : action_base<optional_only, count_result> {
    static constexpr std::string_view name = "count";
};
struct describe : action_base<optional_only, text_result> {
    static constexpr std::string_view name = "describe";
};
struct metrics : action_base<optional_only, std::map<std::string, double>> {
    static constexpr std::string_view name = "metrics";
};
struct fit : action_base<train_params, count_result> {
    static constexpr std::string_view name = "fit";
};
struct legacy : action_base<legacy_params, count_result> {
    static constexpr std::string_view name = "legacy";
};
struct strict : action_base<strict_params, count_result> {
    static constexpr std::string_view name = "strict";
};

struct fit_inputs {
    int learning_rate = 1;
    optimizer opt = optimizer::adam;
    std::vector<int> extra;
};
struct name_inputs {
    std::string name;
};
struct text_epochs_inputs {
    std::string epochs;
};

template <class Inputs, class... As>
constexpr std::string_view sentence = synapse::detail::typed_problem_sentence<Inputs, As...>.view();

}  // namespace typed_pipeline_test

SYNAPSE_REFLECT_ENUM(typed_pipeline_test::optimizer, sgd, adam)
SYNAPSE_REFLECT(typed_pipeline_test::regression_inputs, work_dir)
SYNAPSE_REFLECT(typed_pipeline_test::optional_only, note)
SYNAPSE_REFLECT(typed_pipeline_test::count_result, epochs)
SYNAPSE_REFLECT(typed_pipeline_test::text_result, epochs)
SYNAPSE_REFLECT(typed_pipeline_test::train_params, epochs, learning_rate, note, opt, extra)
SYNAPSE_REFLECT(typed_pipeline_test::legacy_params, epochs, seed, name)
SYNAPSE_REFLECT(typed_pipeline_test::strict_params, epochs)
SYNAPSE_REFLECT(typed_pipeline_test::fit_inputs, learning_rate, opt, extra)
SYNAPSE_REFLECT(typed_pipeline_test::name_inputs, name)
SYNAPSE_REFLECT(typed_pipeline_test::text_epochs_inputs, epochs)

using namespace typed_pipeline_test;
namespace ps = synapse::pipeline_service;

TEST_CASE("the example plugin's four actions chain from a work directory", "[pipeline][typed]") {
    STATIC_REQUIRE(regression_pipeline::size == 4);
    STATIC_REQUIRE(std::is_same_v<regression_pipeline::inputs_type, regression_inputs>);
    STATIC_REQUIRE(std::is_same_v<regression_pipeline::plugin_type,
                                  synapse::plugin<regression::download, regression::convert,
                                                  regression::train, regression::evaluate>>);
}

TEST_CASE("names lists the action names in order", "[pipeline][typed]") {
    STATIC_REQUIRE(regression_pipeline::names[0] == "download");
    STATIC_REQUIRE(regression_pipeline::names[3] == "evaluate");
    CHECK(std::vector<std::string_view>(regression_pipeline::names.begin(),
                                        regression_pipeline::names.end()) ==
          std::vector<std::string_view>{"download", "convert", "train", "evaluate"});
}

TEST_CASE("definition builds the service's pipeline body, each action run by its name",
          "[pipeline][typed]") {
    const ps::pipeline_create body = regression_pipeline::definition("regression", "houses");
    CHECK(synapse::to_json(body) ==
          json{{"name", "regression"},
               {"description", "houses"},
               {"actions",
                {{{"name", "download"}, {"entrypoint", "download"}, {"description", nullptr}},
                 {{"name", "convert"}, {"entrypoint", "convert"}, {"description", nullptr}},
                 {{"name", "train"}, {"entrypoint", "train"}, {"description", nullptr}},
                 {{"name", "evaluate"}, {"entrypoint", "evaluate"}, {"description", nullptr}}}}});
    // What the service will read back: its own model, with its rules, accepts the body.
    CHECK(synapse::from_json<ps::pipeline_create>(synapse::to_json(body)));

    const auto plain = synapse::pipeline<optional_only, count>::definition("one");
    CHECK(plain.name == "one");
    CHECK_FALSE(plain.description.has_value());
    REQUIRE(plain.actions.size() == 1);
    CHECK(plain.actions[0].name == "count");
    CHECK(plain.actions[0].entrypoint == "count");
}

TEST_CASE("optional, defaulted and maybe-defaulted params are not required", "[pipeline][typed]") {
    // fit needs learning_rate (a number: the inputs' integer fits), opt (a string: an enum
    // fits) and extra (any kind: a vector fits); epochs is defaulted and note optional.
    STATIC_REQUIRE(synapse::pipeline<fit_inputs, fit>::size == 1);
    STATIC_REQUIRE(synapse::detail::typed_problem_length<fit_inputs, fit> == 0);
    // legacy marks epochs defaulted with an old-form rule: seed, also an int, may be too.
    STATIC_REQUIRE(synapse::pipeline<name_inputs, legacy>::size == 1);
    // No inputs field needed at all when nothing is required.
    STATIC_REQUIRE(synapse::pipeline<optional_only, count, describe>::size == 2);
}

TEST_CASE("the compiler checks the kind of the last provider before an action",
          "[pipeline][typed]") {
    // The inputs give epochs as a string, count's result as an integer: strict reads count's.
    STATIC_REQUIRE(synapse::pipeline<text_epochs_inputs, count, strict>::size == 2);
    // Reversed, describe's string wins over count's integer.
    STATIC_REQUIRE(sentence<optional_only, count, describe, strict> ==
                   "pipeline: action 'strict' needs 'epochs' (integer), but the results of "
                   "describe provide it as string");
    STATIC_REQUIRE(sentence<text_epochs_inputs, strict> ==
                   "pipeline: action 'strict' needs 'epochs' (integer), but the inputs provide it "
                   "as string");
}

TEST_CASE("a missing param names the action, the field and every earlier provider",
          "[pipeline][typed]") {
    STATIC_REQUIRE(sentence<optional_only, strict> ==
                   "pipeline: action 'strict' needs 'epochs' (integer), which the inputs do not "
                   "provide");
    STATIC_REQUIRE(sentence<regression_inputs, regression::download, regression::train> ==
                   "pipeline: action 'train' needs 'train_path' (string), which neither the "
                   "inputs nor the results of download provide");
    STATIC_REQUIRE(sentence<optional_only, describe, legacy> ==
                   "pipeline: action 'legacy' needs 'name' (string), which neither the inputs "
                   "nor the results of describe provide");
    // The first problem in action order: download's work_dir before evaluate's paths.
    STATIC_REQUIRE(sentence<optional_only, regression::download, regression::evaluate> ==
                   "pipeline: action 'download' needs 'work_dir' (string), which the inputs do "
                   "not provide");
    // Then in field order: evaluate needs model_path before test_path.
    STATIC_REQUIRE(sentence<regression_inputs, regression::download, regression::convert,
                            regression::evaluate> ==
                   "pipeline: action 'evaluate' needs 'model_path' (string), which neither the "
                   "inputs nor the results of download, convert provide");
}

TEST_CASE("a result that is not a reflected struct may provide any param", "[pipeline][typed]") {
    // metrics returns a map: strict's epochs may be in it, of any kind.
    STATIC_REQUIRE(synapse::pipeline<optional_only, metrics, strict>::size == 2);
    STATIC_REQUIRE(
        synapse::detail::typed_problem_length<optional_only, describe, metrics, strict> == 0);
    // A provider after it still counts: describe's string wins over the map.
    STATIC_REQUIRE(sentence<optional_only, metrics, describe, strict> ==
                   "pipeline: action 'strict' needs 'epochs' (integer), but the results of "
                   "describe provide it as string");
}
