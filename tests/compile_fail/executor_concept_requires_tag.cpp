// expected-error: not an ExecutorProtocol: declare `using executor_concept =
// synapse::sync_executor_tag;`
#include <synapse/core/json.hpp>
#include <synapse/executors/protocol.hpp>

// Has the right member, but has not opted in.
struct lookalike {
    synapse::expected<synapse::json> execute(std::string_view, const synapse::json&) { return {}; }
};
static_assert(synapse::check_executor<lookalike>());
