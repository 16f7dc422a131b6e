// expected-error: not a Serializer: needs `expected<json> read_result\(std::string_view line\)
// const`
#include <synapse/executors/basic_ray_jobs_api_executor.hpp>
#include <synapse/testing/scripted_transport.hpp>
#include <synapse/testing/scripted_websocket.hpp>

// Writes params, but cannot read a result back.
struct half_serializer {
    using serializer_concept = synapse::serializer_tag;
    synapse::expected<std::string> write_params(const synapse::json&) const;
};
synapse::basic_ray_jobs_api_executor<synapse::testing::scripted_transport, half_serializer,
                                     synapse::pip, synapse::testing::scripted_websocket>* executor =
    nullptr;
static_assert(sizeof(*executor) > 0);
