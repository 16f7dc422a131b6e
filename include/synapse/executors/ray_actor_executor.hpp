// ray_actor_executor (alias ray_task_executor): warm plugin workers on a Ray cluster, as the
// replicas of a Ray Serve application, over cpp-httplib (basic_ray_actor_executor.hpp).
//
//     auto plugin = synapse::ray_plugin_options("build/examples/plugins/regression");
//     auto exec = synapse::ray_actor_executor::create(plugin->options, {.replicas = 2});
//     auto result = exec->execute("train", params);   // the first call deploys; later ones are
//     warm (void)exec->shutdown();                         // removes this application only
#pragma once

#include "synapse/executors/basic_ray_actor_executor.hpp"
#include "synapse/transport/httplib_transport.hpp"

namespace synapse {

/// Warm workers on Ray Serve over cpp-httplib, pip packages, console log lines.
using ray_actor_executor = basic_ray_actor_executor<httplib_transport>;
/// synapse-sdk's name for the same executor (`--mode task`).
using ray_task_executor = ray_actor_executor;

static_assert(check_executor<ray_actor_executor>());

}  // namespace synapse
