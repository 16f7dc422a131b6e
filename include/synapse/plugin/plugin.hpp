// synapse::plugin<A, B, C>: a compile-time set of actions (two actions with the same name do
// not compile) that can be looked up by name at run time, with JSON params in and JSON out.
#pragma once

#include <array>
#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <tuple>

#include "synapse/core/reflect.hpp"
#include "synapse/plugin/action.hpp"

namespace synapse {

namespace detail {

template <class... As>
constexpr bool unique_action_names() {
    constexpr std::array<std::string_view, sizeof...(As)> names{std::string_view(As::name)...};
    for (std::size_t i = 0; i < names.size(); ++i)
        for (std::size_t j = i + 1; j < names.size(); ++j)
            if (names[i] == names[j]) return false;
    return true;
}

}  // namespace detail

/// The error for an unknown action name, listing the available ones.
template <class Names>
error unknown_action_error(std::string_view name, const Names& available) {
    std::string list;
    for (std::string_view n : available) list += (list.empty() ? "" : ", ") + std::string(n);
    error e(errc::unknown_action, "unknown action '" + std::string(name) + "'; available: " +
                                      (list.empty() ? std::string("(none)") : list));
    e.where = std::string(name);
    return e;
}

/// Validates `params` against `A::params_type`, runs `A`, and returns its result as JSON
/// (a validation failure says which action's params were wrong; a result codec that throws
/// fails the action).
template <Action A>
[[nodiscard]] expected<json> run_action_json(A& action, const json& params, context& ctx,
                                             parse_options options = {}) {
    auto typed = from_json<typename A::params_type>(params, options);
    if (!typed) {
        error e = std::move(typed).error();
        e.message = "invalid params for action '" + std::string(A::name) + "': " + e.message;
        return fail(std::move(e));
    }
    auto result = invoke_action(action, *typed, ctx);
    if (!result) return fail(std::move(result).error());
    try {
        return to_json(*result);
    } catch (const std::exception& ex) {
        return fail(errc::action_failed, "action '" + std::string(A::name) +
                                             "': writing the result threw: " + ex.what());
    }
}

/// The same with a fresh `A` for this run.
template <Action A>
[[nodiscard]] expected<json> run_action_json(const json& params, context& ctx,
                                             parse_options options = {}) {
    A action{};
    return run_action_json(action, params, ctx, options);
}

/// The JSON Schema of an action: {"name", "params": schema, "result": schema}.
template <Action A>
json action_schema() {
    return {{"name", std::string(A::name)},
            {"params", json_schema<typename A::params_type>()},
            {"result", json_schema<typename A::result_type>()}};
}

template <class... As>
class plugin {
    static_assert((check_action<As>() && ...), "synapse::plugin: every type must be an Action");
    static_assert(detail::unique_action_names<As...>(),
                  "synapse::plugin: two actions share a name; every action of a plugin needs a "
                  "unique `name`");

  public:
    static constexpr std::size_t size = sizeof...(As);

    /// One object of each action, for a caller that keeps them between runs (see run_on).
    using objects_type = std::tuple<As...>;

    /// The action names, in the order the actions were listed.
    static constexpr std::array<std::string_view, sizeof...(As)> names{
        std::string_view(As::name)...};

    static constexpr bool contains(std::string_view name) {
        for (auto n : names)
            if (n == name) return true;
        return false;
    }

    /// Runs the action called `name` with JSON params; unknown names list the available ones.
    [[nodiscard]] static expected<json> run(std::string_view name,
                                            [[maybe_unused]] const json& params,
                                            [[maybe_unused]] context& ctx,
                                            [[maybe_unused]] parse_options options = {}) {
        expected<json> out;
        bool found =
            ((As::name == name && (out = run_action_json<As>(params, ctx, options), true)) || ...);
        if (!found) return fail(unknown_action_error(name, names));
        return out;
    }

    /// Runs the action called `name` on `objects`, one object per action kept by the caller
    /// (a worker keeps them for its whole life, so an action may keep state between calls).
    [[nodiscard]] static expected<json> run_on(std::tuple<As...>& objects, std::string_view name,
                                               [[maybe_unused]] const json& params,
                                               [[maybe_unused]] context& ctx,
                                               [[maybe_unused]] parse_options options = {}) {
        expected<json> out;
        bool found =
            ((As::name == name &&
              (out = run_action_json(std::get<As>(objects), params, ctx, options), true)) ||
             ...);
        if (!found) return fail(unknown_action_error(name, names));
        return out;
    }

    /// The schema of the action called `name`.
    [[nodiscard]] static expected<json> schema(std::string_view name) {
        expected<json> out;
        bool found = ((As::name == name && (out = action_schema<As>(), true)) || ...);
        if (!found) return fail(unknown_action_error(name, names));
        return out;
    }

    /// Calls `f.template operator()<A>()` for each action, in order.
    template <class F>
    static void for_each_action(F&& f) {
        (f.template operator()<As>(), ...);
    }
};

}  // namespace synapse
