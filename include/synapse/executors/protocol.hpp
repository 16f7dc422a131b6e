// The executor concepts: one family with shared, named requirements.
//
// Every executor opts in with a tag, so that unrelated types with similar members do not match:
//
//     using executor_concept = synapse::sync_executor_tag;   // runs an action and answers
//     using executor_concept = synapse::async_executor_tag;  // submits, is asked later
//
// - `ExecutorProtocol` (synchronous): `execute(action, params) -> expected<json>`.
// - `AsyncExecutor`: `submit(action, params) -> expected<std::string>` (an id), then
//   `get_status(id) -> expected<status_type>`, `wait(id, timeout) -> expected<details_type>` and
//   `get_result(id) -> expected<json>`, where the executor declares `status_type` (one look at
//   the work) and `details_type` (what waiting ends with).
// - `synapse::sync_adapter` (sync_adapter.hpp) makes any AsyncExecutor an ExecutorProtocol.
//
// `check_executor<E>()` and `check_async_executor<E>()` state, one sentence per requirement,
// what a type is missing.
#pragma once

#include <chrono>
#include <concepts>
#include <string>
#include <string_view>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"

namespace synapse {

/// The base of the executor tags.
struct executor_tag {};
/// Declared by synchronous executors: `using executor_concept = synapse::sync_executor_tag;`
struct sync_executor_tag : executor_tag {};
/// Declared by asynchronous executors: `using executor_concept = synapse::async_executor_tag;`
struct async_executor_tag : executor_tag {};

/// The named requirements the executor concepts are made of.
namespace executor_requirements {

/// `E::executor_concept` is `Tag` or derives from it.
template <class E, class Tag>
concept declares_tag = requires { typename E::executor_concept; } &&
                       std::derived_from<typename E::executor_concept, Tag>;

/// `execute(action, params) -> expected<json>`: runs an action by name and answers.
template <class E>
concept runs_by_name = requires(E& e, std::string_view action, const json& params) {
    { e.execute(action, params) } -> std::same_as<expected<json>>;
};

/// `submit(action, params) -> expected<std::string>`: starts an action, answers its id.
template <class E>
concept submits_by_name = requires(E& e, std::string_view action, const json& params) {
    { e.submit(action, params) } -> std::same_as<expected<std::string>>;
};

/// `status_type`, and `get_status(id) -> expected<status_type>`: one look, never a long wait.
template <class E>
concept reports_status =
    requires { typename E::status_type; } && requires(E& e, std::string_view id) {
        { e.get_status(id) } -> std::same_as<expected<typename E::status_type>>;
    };

/// `details_type`, and `wait(id, timeout) -> expected<details_type>`: until the work ended.
template <class E>
concept waits = requires { typename E::details_type; } &&
                requires(E& e, std::string_view id, std::chrono::milliseconds timeout) {
                    { e.wait(id, timeout) } -> std::same_as<expected<typename E::details_type>>;
                };

/// `get_result(id) -> expected<json>`: the result, once there is one.
template <class E>
concept returns_results = requires(E& e, std::string_view id) {
    { e.get_result(id) } -> std::same_as<expected<json>>;
};

}  // namespace executor_requirements

/// Any executor: it declares an executor tag.
template <class E>
concept Executor = executor_requirements::declares_tag<E, executor_tag>;

/// A synchronous executor: runs an action by name with JSON params and returns its JSON result.
template <class E>
concept ExecutorProtocol = executor_requirements::declares_tag<E, sync_executor_tag> &&
                           executor_requirements::runs_by_name<E>;

/// An asynchronous executor: submit, then status, wait and result by id.
template <class E>
concept AsyncExecutor =
    executor_requirements::declares_tag<E, async_executor_tag> &&
    executor_requirements::submits_by_name<E> && executor_requirements::reports_status<E> &&
    executor_requirements::waits<E> && executor_requirements::returns_results<E>;

/// States why `E` is not an ExecutorProtocol, one sentence per requirement.
template <class E>
constexpr bool check_executor() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(executor_requirements::declares_tag<E, sync_executor_tag>,
                  "not an ExecutorProtocol: declare `using executor_concept = "
                  "synapse::sync_executor_tag;` in the executor");
    static_assert(executor_requirements::runs_by_name<E>,
                  "not an ExecutorProtocol: needs `expected<json> execute(std::string_view "
                  "action, const json& params)`");
#endif
    return ExecutorProtocol<E>;
}

/// States why `E` is not an AsyncExecutor, one sentence per requirement.
template <class E>
constexpr bool check_async_executor() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(executor_requirements::declares_tag<E, async_executor_tag>,
                  "not an AsyncExecutor: declare `using executor_concept = "
                  "synapse::async_executor_tag;` in the executor");
    static_assert(executor_requirements::submits_by_name<E>,
                  "not an AsyncExecutor: needs `expected<std::string> submit(std::string_view "
                  "action, const json& params)` returning the id");
    static_assert(executor_requirements::reports_status<E>,
                  "not an AsyncExecutor: needs `using status_type = ...;` and "
                  "`expected<status_type> get_status(std::string_view id)`");
    static_assert(executor_requirements::waits<E>,
                  "not an AsyncExecutor: needs `using details_type = ...;` and "
                  "`expected<details_type> wait(std::string_view id, std::chrono::milliseconds "
                  "timeout)`");
    static_assert(executor_requirements::returns_results<E>,
                  "not an AsyncExecutor: needs `expected<json> get_result(std::string_view id)`");
#endif
    return AsyncExecutor<E>;
}

}  // namespace synapse
