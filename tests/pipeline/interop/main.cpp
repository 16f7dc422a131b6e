// The client against a real pipeline service: synapse-sdk's own FastAPI dev-api (or
// `synapse service`), started by tests/pipeline/run_service.py, which sets
// SYNAPSE_PIPELINE_SERVICE_URL and stops the service afterwards, also on failure. Without it
// the tests are skipped (exit status 77).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    if (!std::getenv("SYNAPSE_PIPELINE_SERVICE_URL")) {
        std::cout << "SYNAPSE_PIPELINE_SERVICE_URL is not set: run under "
                     "tests/pipeline/run_service.py\n";
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
