// What a snippet about Ray uses: the executors, and the example plugin's actions.
#include <iostream>
#include <synapse/executors/ray_actor_executor.hpp>
#include <synapse/executors/ray_jobs_api_executor.hpp>
#include <synapse/executors/warm_process_executor.hpp>
#include <synapse/pipeline/ray_pipeline_executor.hpp>
#include <synapse/plugin/params_argument.hpp>
#include <synapse/ray/cluster_client.hpp>

#include "regression.hpp"

static const synapse::json params = synapse::json::object();
