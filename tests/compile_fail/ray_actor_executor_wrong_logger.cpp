// expected-error: not a Logger: needs on_log, on_progress and on_metrics members
#include <synapse/executors/basic_ray_actor_executor.hpp>
#include <synapse/testing/scripted_transport.hpp>

// Takes log records, but neither progress nor metrics.
struct half_logger {
    void on_log(const synapse::log_record&) {}
};
synapse::basic_ray_actor_executor<synapse::testing::scripted_transport, synapse::json_serializer,
                                  synapse::pip, half_logger>* executor = nullptr;
static_assert(sizeof(*executor) > 0);
