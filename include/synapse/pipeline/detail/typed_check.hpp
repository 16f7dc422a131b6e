// The compile-time half of synapse::pipeline: the first required param that neither the inputs
// nor an earlier action's result provides, as a sentence, reported through a template argument
// so that GCC prints it:
//
//     In instantiation of 'struct synapse::detail::pipeline_param_not_provided<
//         synapse::detail::fixed_string<112>{"pipeline: action \'train\' needs ..."}>'
//     error: static assertion failed: synapse::pipeline: a required param is not provided; ...
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/hana/concept/struct.hpp>

#include "synapse/pipeline/detail/fixed_string.hpp"
#include "synapse/pipeline/detail/param_check.hpp"
#include "synapse/pipeline/detail/typed_fields.hpp"
#include "synapse/plugin/action.hpp"

namespace synapse::detail {

template <class T>
constexpr param_source typed_source() {
    return {typed_fields<T>::fields, typed_fields<T>::open};
}

/// The sentence for the first unprovided param of a pipeline of actions `As` fed `Inputs`
/// ("" when every required param is provided).
template <class Inputs, class... As>
constexpr std::string typed_pipeline_problem() {
    const std::array<param_step, sizeof...(As)> steps{
        param_step{std::string_view(As::name), typed_fields<typename As::params_type>::fields,
                   typed_source<typename As::result_type>()}...};
    return first_unprovided_param(typed_source<Inputs>(), steps).sentence;
}

template <class Inputs, class... As>
inline constexpr std::size_t typed_problem_length = typed_pipeline_problem<Inputs, As...>().size();

template <class Inputs, class... As>
inline constexpr fixed_string<typed_problem_length<Inputs, As...>> typed_problem_sentence{
    typed_pipeline_problem<Inputs, As...>()};

template <fixed_string Sentence>
struct pipeline_param_not_provided {
    static_assert(Sentence.size() == 0,
                  "synapse::pipeline: a required param is not provided; the sentence is in the "
                  "template argument above");
};

/// Instantiates pipeline_param_not_provided<sentence> (whose static_assert fails) when a
/// required param is not provided; returns true either way, so that the sentence is the only
/// error. Types that are not Actions, or inputs that are not reflected, are left to the
/// pipeline's own static_asserts.
template <class Inputs, class... As>
constexpr bool check_typed_pipeline() {
    if constexpr ((Action<As> && ...) && boost::hana::Struct<Inputs>::value) {
        if constexpr (typed_problem_length<Inputs, As...> != 0)
            (void)sizeof(pipeline_param_not_provided<typed_problem_sentence<Inputs, As...>>);
    }
    return true;
}

}  // namespace synapse::detail
