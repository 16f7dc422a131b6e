// expected-error: not a Transport: declare `using transport_concept = synapse::transport_tag;`
#include <synapse/executors/basic_ray_jobs_api_executor.hpp>
#include <synapse/testing/scripted_websocket.hpp>

// Sends requests, but has not opted in as a Transport.
struct my_http {
    synapse::expected<synapse::http_response> send(const synapse::http_request&);
};
synapse::basic_ray_jobs_api_executor<my_http, synapse::json_serializer, synapse::pip,
                                     synapse::testing::scripted_websocket>* executor = nullptr;
static_assert(sizeof(*executor) > 0);
