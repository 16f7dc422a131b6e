// The Action concept. An action is a default-constructible type with a name, a params type, a
// result type, and an `execute` member:
//
//     struct train {
//         static constexpr std::string_view name = "train";
//         using params_type = train_params;   // reflected with SYNAPSE_REFLECT
//         using result_type = train_result;
//         train_result execute(const train_params& p, synapse::context& ctx);
//         // or: synapse::expected<train_result> execute(const train_params&, synapse::context&);
//     };
//
// `check_action<A>()` states each unmet requirement in its own static_assert sentence; define
// SYNAPSE_DISABLE_CONCEPT_CHECKS to keep only the concept.
#pragma once

#include <concepts>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>

#include "synapse/core/codec.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/plugin/context.hpp"

namespace synapse {

namespace detail {

template <class A>
concept has_action_name = requires {
    { A::name } -> std::convertible_to<std::string_view>;
    requires std::string_view(A::name).size() > 0;
};
template <class A>
concept has_params_type = requires { typename A::params_type; };
template <class A>
concept has_result_type = requires { typename A::result_type; };

template <class A>
concept has_execute = has_params_type<A> && requires(A& a, const typename A::params_type& p,
                                                     context& ctx) { a.execute(p, ctx); };

template <class A>
struct execute_returns_result : std::false_type {};
template <class A>
    requires has_execute<A> && has_result_type<A>
struct execute_returns_result<A> {
    using R = std::remove_cvref_t<decltype(std::declval<A&>().execute(
        std::declval<const typename A::params_type&>(), std::declval<context&>()))>;
    static constexpr bool value = std::is_same_v<R, typename A::result_type> ||
                                  std::is_same_v<R, expected<typename A::result_type>>;
};

}  // namespace detail

/// A plugin action (see the top of this header).
template <class A>
concept Action =
    detail::has_action_name<A> && detail::has_params_type<A> && detail::has_result_type<A> &&
    std::default_initializable<A> && Reflectable<typename A::params_type> &&
    Reflectable<typename A::result_type> && detail::execute_returns_result<A>::value;

/// States, one sentence per requirement, why `A` is not an Action. Returns true so it can sit
/// in a static_assert or a constant.
template <class A>
constexpr bool check_action() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(detail::has_action_name<A>,
                  "synapse Action: the action needs `static constexpr std::string_view name = "
                  "\"...\";` (a non-empty name)");
    static_assert(detail::has_params_type<A>,
                  "synapse Action: the action needs a nested `using params_type = ...;`");
    static_assert(detail::has_result_type<A>,
                  "synapse Action: the action needs a nested `using result_type = ...;`");
    static_assert(std::default_initializable<A>,
                  "synapse Action: the action must be default-constructible");
    if constexpr (detail::has_params_type<A>) {
        static_assert(Reflectable<typename A::params_type>,
                      "synapse Action: params_type must be reflected with SYNAPSE_REFLECT(T, "
                      "fields...) or have a synapse::codec<T> specialisation");
        static_assert(detail::has_execute<A>,
                      "synapse Action: the action needs `result_type execute(const params_type&, "
                      "synapse::context&)`");
    }
    if constexpr (detail::has_result_type<A>) {
        static_assert(Reflectable<typename A::result_type>,
                      "synapse Action: result_type must be reflected with SYNAPSE_REFLECT(T, "
                      "fields...) or have a synapse::codec<T> specialisation");
        if constexpr (detail::has_execute<A>)
            static_assert(detail::execute_returns_result<A>::value,
                          "synapse Action: execute must return result_type or "
                          "synapse::expected<result_type>");
    }
#endif
    return Action<A>;
}

/// Runs `action.execute(params, ctx)`, turning a returned error or a thrown exception into an
/// `action_failed` error that names the action.
template <class A>
[[nodiscard]] expected<typename A::result_type> invoke_action(A& action,
                                                              const typename A::params_type& params,
                                                              context& ctx) {
    static_assert(check_action<A>());
    const std::string_view name = A::name;
    try {
        if constexpr (is_expected_v<decltype(action.execute(params, ctx))>) {
            auto result = action.execute(params, ctx);
            if (!result) {
                // Say which action it was and keep the action's own code in the message; the
                // context (where, fields, status, ...) stays on the error, so to_string prints
                // it once.
                error e = std::move(result).error();
                e.message = "action '" + std::string(name) + "' failed: " +
                            (e.code == errc::action_failed
                                 ? e.message
                                 : std::string(to_string(e.code)) + ": " + e.message);
                e.code = errc::action_failed;
                return fail(std::move(e));
            }
            return result;
        } else {
            return action.execute(params, ctx);
        }
    } catch (const std::exception& ex) {
        return fail(errc::action_failed, "action '" + std::string(name) + "' threw: " + ex.what());
    } catch (...) {
        return fail(errc::action_failed,
                    "action '" + std::string(name) + "' threw a non-standard exception");
    }
}

}  // namespace synapse
