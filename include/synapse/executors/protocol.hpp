// The executor concepts. A synchronous executor runs an action by name with JSON params and
// returns its JSON result; it opts in by declaring `using executor_concept =
// synapse::sync_executor_tag;` so that unrelated types with an `execute` member do not match.
#pragma once

#include <concepts>
#include <string_view>

#include "synapse/core/json.hpp"

namespace synapse {

/// Declared by synchronous executors: `using executor_concept = synapse::sync_executor_tag;`
struct sync_executor_tag {};

template <class E>
concept ExecutorProtocol = requires {
    typename E::executor_concept;
}
&&std::derived_from<typename E::executor_concept, sync_executor_tag>&& requires(
    E& e, std::string_view action, const json& params) {
    { e.execute(action, params) } -> std::same_as<expected<json>>;
};

/// States why `E` is not an ExecutorProtocol, one sentence per requirement.
template <class E>
constexpr bool check_executor() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(
        requires { typename E::executor_concept; },
        "not an ExecutorProtocol: declare `using executor_concept = "
        "synapse::sync_executor_tag;` in the executor");
    static_assert(
        requires(E & e, std::string_view action, const json& params) {
            { e.execute(action, params) } -> std::same_as<expected<json>>;
        },
        "not an ExecutorProtocol: needs `expected<json> execute(std::string_view action, const "
        "json& params)`");
#endif
    return ExecutorProtocol<E>;
}

}  // namespace synapse
