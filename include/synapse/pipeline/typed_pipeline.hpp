// synapse::pipeline<Inputs, A, B, C>: a pipeline of C++ actions whose params are checked at
// compile time. `Inputs` is a reflected struct of what the caller supplies; each action's
// required params (neither std::optional nor marked `defaulted`) must be provided by a field of
// `Inputs` or of an earlier action's result type, under the same name and with a JSON kind that
// fits (string: std::string, std::filesystem::path, reflected enums; integer; number, which an
// integer also fits; boolean; array; object: maps and reflected structs; any: synapse::json,
// which fits everything; std::optional<T> has T's kind). The runner merges results shallowly,
// later keys winning, so the kind checked is that of the last provider before the action.
//
//     struct inputs { std::filesystem::path work_dir; };
//     SYNAPSE_REFLECT(inputs, work_dir)
//     using regression_pipeline = synapse::pipeline<inputs, download, convert, train, evaluate>;
//
// Otherwise compilation fails with one sentence, printed in the template argument of
// synapse::detail::pipeline_param_not_provided:
//
//     pipeline: action 'train' needs 'train_path' (string), which neither the inputs nor the
//     results of download, convert provide
//     pipeline: action 'train' needs 'epochs' (integer), but the results of convert provide it
//     as string
//
// Which fields are `defaulted` is read from the type of the struct's constraints: a rule
// written `rule<&T::f>(defaulted, ...)` names its field at compile time. The older form
// `rule(&T::f, defaulted, ...)` holds its field at run time only, so every field of the same
// member type counts as maybe defaulted (not required) here; check_pipeline
// (pipeline_check.hpp), which reads the JSON Schema, is exact. A result type that is not a
// reflected struct (a map, synapse::json) may provide any key.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/hana/concept/struct.hpp>

#include "synapse/pipeline/detail/typed_check.hpp"
#include "synapse/pipeline/models/pipeline.hpp"
#include "synapse/plugin/action.hpp"
#include "synapse/plugin/plugin.hpp"

namespace synapse {

template <class Inputs, class... As>
class pipeline {
    static_assert(sizeof...(As) > 0, "synapse::pipeline: list at least one action");
    static_assert(boost::hana::Struct<Inputs>::value,
                  "synapse::pipeline<Inputs, Actions...>: Inputs must be a struct reflected with "
                  "SYNAPSE_REFLECT(T, fields...)");
    static_assert((check_action<As>() && ...), "synapse::pipeline: every action must be an Action");

  public:
    using inputs_type = Inputs;
    /// The actions as a plugin (a plugin binary that can run this pipeline registers them).
    using plugin_type = plugin<As...>;

    /// The number of actions.
    static constexpr std::size_t size = sizeof...(As);

    /// The action names, in order.
    static constexpr std::array<std::string_view, sizeof...(As)> names{
        std::string_view(As::name)...};

    /// The body of POST /pipelines/ for this pipeline: each action as {name, entrypoint}, both
    /// the action's name (the entrypoint a plugin binary runs it by).
    [[nodiscard]] static pipeline_service::pipeline_create definition(
        std::string name, std::optional<std::string> description = {}) {
        pipeline_service::pipeline_create out;
        out.name = std::move(name);
        out.description = std::move(description);
        out.actions.reserve(sizeof...(As));
        (out.actions.push_back(
             {.name = std::string(As::name), .entrypoint = std::string(As::name)}),
         ...);
        return out;
    }

  private:
    // Two actions with the same name fail here, with plugin<>'s own sentence.
    static_assert(plugin_type::size == sizeof...(As));
    static_assert(detail::check_typed_pipeline<Inputs, As...>());
};

}  // namespace synapse
