// The example plugin's actions (examples/plugins/regression), for snippets that run them.
#include <synapse/executors/local_executor.hpp>
#include <synapse/plugin/plugin_main.hpp>

#include "regression.hpp"

using namespace regression;
