// ray_batch_executor, and ray_job_executor (synapse-sdk's name for it): the batch
// executor over cpp-httplib and Boost.Beast. The template is in basic_ray_batch_executor.hpp.
#pragma once

#include "synapse/executors/basic_ray_batch_executor.hpp"
#include "synapse/transport/httplib_transport.hpp"
#include "synapse/transport/websocket_client.hpp"

namespace synapse {

/// Batches of Ray jobs, over cpp-httplib and Boost.Beast.
using ray_batch_executor = basic_ray_batch_executor<httplib_transport>;
/// synapse-sdk's name for it.
using ray_job_executor = ray_batch_executor;

static_assert(check_async_executor<ray_batch_executor>());

}  // namespace synapse
