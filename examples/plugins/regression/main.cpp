// The regression plugin binary: runs its actions from the job protocol or its own command line.
#include <synapse/plugin/plugin_main.hpp>

#include "regression.hpp"

int main(int argc, char** argv) {
    return synapse::plugin_main<regression::download, regression::convert, regression::train,
                                regression::evaluate>(argc, argv);
}
