// The regression plugin binary: runs its actions from the job protocol, its own command line, or
// as a pipeline (all four in one run, reported to a pipeline service).
#include <synapse/pipeline/pipeline_mode.hpp>
#include <synapse/plugin/plugin_main.hpp>

#include "regression.hpp"

int main(int argc, char** argv) {
    return synapse::plugin_main<regression::download, regression::convert, regression::train,
                                regression::evaluate>(argc, argv, synapse::pipeline_mode{});
}
