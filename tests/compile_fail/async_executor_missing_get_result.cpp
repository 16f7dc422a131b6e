// expected-error: not an AsyncExecutor: needs `expected<json> get_result\(std::string_view id\)`
#include <chrono>
#include <string>
#include <synapse/core/json.hpp>
#include <synapse/executors/protocol.hpp>

// Opted in, submits and waits, but cannot give a result.
struct half_executor {
    using executor_concept = synapse::async_executor_tag;
    using status_type = int;
    using details_type = int;
    synapse::expected<std::string> submit(std::string_view, const synapse::json&) { return {}; }
    synapse::expected<int> get_status(std::string_view) { return 0; }
    synapse::expected<int> wait(std::string_view, std::chrono::milliseconds) { return 0; }
};
static_assert(synapse::check_async_executor<half_executor>());
