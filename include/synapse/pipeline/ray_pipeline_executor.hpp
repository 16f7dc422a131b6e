// ray_pipeline_executor: pipelines on Ray over cpp-httplib and Boost.Beast, with JSON params and
// pip packages; synapse-sdk's RayPipelineExecutor. The template is basic_ray_pipeline_executor.
#pragma once

#include "synapse/pipeline/basic_ray_pipeline_executor.hpp"
#include "synapse/transport/httplib_transport.hpp"
#include "synapse/transport/websocket_client.hpp"

namespace synapse {

/// Pipelines as Ray jobs, over cpp-httplib and Boost.Beast.
using ray_pipeline_executor = basic_ray_pipeline_executor<httplib_transport>;

static_assert(check_async_executor<ray_pipeline_executor>());

}  // namespace synapse
