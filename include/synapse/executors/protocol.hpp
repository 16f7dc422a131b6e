// The executor concepts. A synchronous executor runs an action by name with JSON params and
// returns its JSON result; it opts in by declaring `using executor_concept =
// synapse::sync_executor_tag;` so that unrelated types with an `execute` member do not match.
// An asynchronous executor (Ray jobs) submits and is asked later: `submit` gives an id, then
// `get_status`, `wait` and `get_result` take it; it declares `synapse::async_executor_tag`.
#pragma once

#include <chrono>
#include <concepts>
#include <string>
#include <string_view>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"

namespace synapse {

/// Declared by synchronous executors: `using executor_concept = synapse::sync_executor_tag;`
struct sync_executor_tag {};

template <class E>
concept ExecutorProtocol = requires { typename E::executor_concept; } &&
                           std::derived_from<typename E::executor_concept, sync_executor_tag> &&
                           requires(E& e, std::string_view action, const json& params) {
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
        requires(E& e, std::string_view action, const json& params) {
            { e.execute(action, params) } -> std::same_as<expected<json>>;
        },
        "not an ExecutorProtocol: needs `expected<json> execute(std::string_view action, const "
        "json& params)`");
#endif
    return ExecutorProtocol<E>;
}

/// Declared by asynchronous executors: `using executor_concept = synapse::async_executor_tag;`
struct async_executor_tag {};

template <class E>
concept AsyncExecutor = requires { typename E::executor_concept; } &&
                        std::derived_from<typename E::executor_concept, async_executor_tag> &&
                        requires(E& e, std::string_view name, std::string_view id,
                                 const json& params, std::chrono::milliseconds timeout) {
                            { e.submit(name, params) } -> std::same_as<expected<std::string>>;
                            requires is_expected_v<decltype(e.get_status(id))>;
                            requires is_expected_v<decltype(e.wait(id, timeout))>;
                            { e.get_result(id) } -> std::same_as<expected<json>>;
                        };

/// States why `E` is not an AsyncExecutor, one sentence per requirement.
template <class E>
constexpr bool check_async_executor() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(
        requires { typename E::executor_concept; },
        "not an AsyncExecutor: declare `using executor_concept = synapse::async_executor_tag;` in "
        "the executor");
    static_assert(
        requires(E& e, std::string_view name, const json& params) {
            { e.submit(name, params) } -> std::same_as<expected<std::string>>;
        },
        "not an AsyncExecutor: needs `expected<std::string> submit(std::string_view action, const "
        "json& params)` returning the job id");
    static_assert(
        requires(E& e, std::string_view id) { requires is_expected_v<decltype(e.get_status(id))>; },
        "not an AsyncExecutor: needs `expected<Status> get_status(std::string_view id)`");
    static_assert(
        requires(E& e, std::string_view id, std::chrono::milliseconds timeout) {
            requires is_expected_v<decltype(e.wait(id, timeout))>;
        },
        "not an AsyncExecutor: needs `expected<...> wait(std::string_view id, "
        "std::chrono::milliseconds timeout)`");
    static_assert(
        requires(E& e, std::string_view id) {
            { e.get_result(id) } -> std::same_as<expected<json>>;
        }, "not an AsyncExecutor: needs `expected<json> get_result(std::string_view id)`");
#endif
    return AsyncExecutor<E>;
}

}  // namespace synapse
