// A plugin binary with the echo action, run through the job protocol by benchmarks/run.py
// (SYNAPSE_ACTION_ENTRYPOINT=echo, SYNAPSE_ACTION_PARAMS=...).
#include <synapse/plugin/plugin_main.hpp>

#include "../common/echo_action.hpp"

int main(int argc, char** argv) {
    return synapse::plugin_main<bench::echo_action>(argc, argv);
}
