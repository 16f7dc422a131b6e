// Test helper: local_pipeline_executor against the real `synapse service` (a temporary database, a
// free loopback port).
#pragma once

#include <synapse/pipeline/local_pipeline_executor.hpp>

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <synapse/pipeline/typed_pipeline.hpp>

#include "../common/temp_dir.hpp"
#include "../service/service_process.hpp"
#include "regression.hpp"

using synapse::json;
namespace ps = synapse::pipeline_service;
using test_support::service_process;

namespace local_pipelines {

const std::string cpp_plugin = SYNAPSE_REGRESSION_PLUGIN_DIR;
const std::string py_plugin = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
const std::string samples = "synapse_sdk.plugins.testing.sample_actions.";

struct fixture {
    test_support::temp_dir dir;
    service_process service{dir / "pipeline.db"};
    std::vector<std::string> printed;
    std::mutex printed_mutex;

    synapse::local_pipeline_executor open(const std::string& plugin) {
        synapse::local_pipeline_options o;
        o.service = synapse::pipeline_service_options(service.url());
        o.python = SYNAPSE_VENV_PYTHON;
        o.print = [this](std::string_view line) {
            std::lock_guard lock(printed_mutex);
            printed.emplace_back(line);
        };
        auto exec = synapse::local_pipeline_executor::open(plugin, o);
        REQUIRE(exec);
        return std::move(*exec);
    }

    synapse::pipeline_service_client client() {
        auto c = synapse::pipeline_service_client::create(
            synapse::pipeline_service_options(service.url()));
        REQUIRE(c);
        return std::move(*c);
    }
};

inline std::string describe(const synapse::error& e) {
    return synapse::to_string(e);
}

}  // namespace local_pipelines

using namespace local_pipelines;

namespace local_pipelines {
struct regression_inputs {
    std::string work_dir;
    std::string source;  // the data set (beside the plugin binary; this test binary has none)
    int epochs = 20;
};
}  // namespace local_pipelines
SYNAPSE_REFLECT(local_pipelines::regression_inputs, work_dir, source, epochs)
