// ray_jobs_api_executor: the Ray Jobs executor over cpp-httplib (requests) and Boost.Beast (the
// live log tail), with JSON params and pip packages; synapse-sdk's `RayJobsApiExecutor`.
//
//     auto exec = synapse::ray_jobs_api_executor::create(options);
//     auto id = exec->submit("train", params);                 // expected<std::string>
//     auto result = exec->follow(*id, print_line);             // live log, then the result
//
// The template, for other policies, is basic_ray_jobs_api_executor.hpp.
#pragma once

#include "synapse/executors/basic_ray_jobs_api_executor.hpp"
#include "synapse/transport/httplib_transport.hpp"
#include "synapse/transport/websocket_client.hpp"

namespace synapse {

/// One Ray job per submission, over cpp-httplib and Boost.Beast.
using ray_jobs_api_executor = basic_ray_jobs_api_executor<httplib_transport>;

static_assert(check_async_executor<ray_jobs_api_executor>());

}  // namespace synapse
