// Test helper: run a program and capture its exit code, stdout and stderr.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <synapse/executors/spawner.hpp>

namespace test_support {

struct run_output {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// `hang_guard` (0: none) kills a program that would otherwise hang the suite.
inline run_output run(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
                      std::string cwd = {}, std::vector<std::string> unset = {},
                      std::chrono::milliseconds hang_guard = {}) {
    synapse::process_spec spec;
    spec.argv = std::move(argv);
    spec.set_env = std::move(env);
    spec.working_dir = cwd;
    spec.unset_env = std::move(unset);
    spec.timeout = hang_guard;
    run_output r;
    auto outcome = synapse::posix_spawner().run(spec, [&](bool is_stderr, std::string_view line) {
        (is_stderr ? r.err : r.out).append(line).append("\n");
    });
    if (outcome) r.exit_code = outcome->exit_code;
    return r;
}

}  // namespace test_support
