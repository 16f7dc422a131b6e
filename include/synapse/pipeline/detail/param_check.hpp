// The one check behind synapse::pipeline (at compile time, from reflected types) and
// synapse::check_pipeline (at run time, from JSON Schemas): every required param of each action
// is provided by the inputs or by an earlier action's result, under the same name and with a
// JSON kind that fits. Everything here is constexpr, so both callers share the algorithm and the
// sentences word for word.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace synapse::detail {

/// The JSON kind of a param or result field. `any` is a field that takes (or may be) any JSON
/// value; `null` only comes from run-time inputs.
enum class param_kind { string, integer, number, boolean, array, object, any, null };

constexpr std::string_view kind_name(param_kind k) {
    switch (k) {
        case param_kind::string: return "string";
        case param_kind::integer: return "integer";
        case param_kind::number: return "number";
        case param_kind::boolean: return "boolean";
        case param_kind::array: return "array";
        case param_kind::object: return "object";
        case param_kind::null: return "null";
        case param_kind::any: break;
    }
    return "any";
}

/// True when a value of kind `provided` reads as a field of kind `needed` (an integer is also a
/// number; `any` fits and takes everything).
constexpr bool kind_fits(param_kind needed, param_kind provided) {
    return needed == provided || needed == param_kind::any || provided == param_kind::any ||
           (needed == param_kind::number && provided == param_kind::integer);
}

/// One field of a params or result object.
struct param_field {
    std::string_view name;
    param_kind kind = param_kind::any;
    bool required = false;  ///< for params: must be provided
};

/// What the inputs or one action's result provide: `fields`, and, when `open`, possibly any
/// other key too (a result whose type or schema does not list its keys).
struct param_source {
    std::span<const param_field> fields;
    bool open = false;
};

/// One action of a pipeline: its name, its params, and what its result provides.
struct param_step {
    std::string_view name;
    std::span<const param_field> params;
    param_source result;
};

/// The first problem found: the index of the action and its sentence (empty: none).
struct param_problem {
    std::size_t step = 0;
    std::string sentence;
};

/// Where a key comes from, looking at the inputs and then at each result in turn (later
/// providers win, as the runner merges results shallowly).
struct param_provider {
    bool found = false;
    bool inputs = false;
    std::string_view step;
    param_kind kind = param_kind::any;
};

constexpr param_provider last_provider(std::string_view name, const param_source& inputs,
                                       std::span<const param_step> earlier) {
    for (std::size_t i = earlier.size(); i-- > 0;) {
        for (const auto& f : earlier[i].result.fields)
            if (f.name == name) return {true, false, earlier[i].name, f.kind};
        if (earlier[i].result.open) return {true, false, earlier[i].name, param_kind::any};
    }
    for (const auto& f : inputs.fields)
        if (f.name == name) return {true, true, {}, f.kind};
    if (inputs.open) return {true, true, {}, param_kind::any};
    return {};
}

/// "pipeline: action 'train' needs 'train_path' (string), which neither the inputs nor the
/// results of download, convert provide", or "... but the results of convert provide it as
/// string" (the names of the earlier actions are given in order).
constexpr std::string param_sentence(std::string_view action, const param_field& field,
                                     std::span<const param_step> earlier,
                                     const param_provider& provider) {
    std::string s = "pipeline: action '";
    s += action;
    s += "' needs '";
    s += field.name;
    s += "' (";
    s += kind_name(field.kind);
    s += "), ";
    if (provider.found) {
        s += "but ";
        if (provider.inputs) {
            s += "the inputs";
        } else {
            s += "the results of ";
            s += provider.step;
        }
        s += " provide it as ";
        s += kind_name(provider.kind);
    } else if (earlier.empty()) {
        s += "which the inputs do not provide";
    } else {
        s += "which neither the inputs nor the results of ";
        for (std::size_t i = 0; i < earlier.size(); ++i) {
            if (i != 0) s += ", ";
            s += earlier[i].name;
        }
        s += " provide";
    }
    return s;
}

/// The first required param, in action order and then field order, that nothing before its
/// action provides with a fitting kind.
constexpr param_problem first_unprovided_param(const param_source& inputs,
                                               std::span<const param_step> steps) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto earlier = steps.first(i);
        for (const auto& field : steps[i].params) {
            if (!field.required) continue;
            const auto provider = last_provider(field.name, inputs, earlier);
            if (!provider.found || !kind_fits(field.kind, provider.kind))
                return {i, param_sentence(steps[i].name, field, earlier, provider)};
        }
    }
    return {};
}

}  // namespace synapse::detail
