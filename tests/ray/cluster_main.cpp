// The tests that need a real Ray head. scripts/ray-cluster starts one on loopback and sets
// RAY_DASHBOARD_URL (and RAY_AUTH_TOKEN_PATH in token mode); without it they are skipped
// (exit status 77, which meson reports as SKIP). The tests tagged [token] need token mode: run
// against a head without authentication, they are skipped too.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>
#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
    if (!std::getenv("RAY_DASHBOARD_URL")) {
        std::cout << "RAY_DASHBOARD_URL is not set: run under scripts/ray-cluster run\n";
        return 77;
    }
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "[token]" && !std::getenv("RAY_AUTH_TOKEN_PATH")) {
            std::cout << "the cluster runs without token authentication: nothing to test\n";
            return 77;
        }
    }
    return Catch::Session().run(argc, argv);
}
