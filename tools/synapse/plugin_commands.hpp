// `synapse plugin ...`: run, list and describe the actions of a plugin directory.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include <synapse/core/json.hpp>
#include <synapse/ray/dashboard.hpp>

namespace synapse_cli {

struct run_options {
    std::string action;
    std::string path = ".";
    std::string params = "{}";
    std::string mode = "local";
    bool json_only = false;
    std::string python;
    // --mode job
    std::string dashboard = synapse::dashboard_url_from_environment();
    std::optional<double> cpus, gpus;
    std::optional<std::int64_t> memory;
    bool detach = false;
    // --mode task
    int replicas = 1;
};

struct list_options {
    std::string path = ".";
    bool json_only = false;
};

struct stop_options {
    std::string path = ".";
    std::string dashboard = synapse::dashboard_url_from_environment();
};

struct schema_options {
    std::string action;
    std::string path = ".";
    std::string python;
};

/// Prints `error: <kind>: <reason>` on stderr; returns the exit status 1.
int report(const synapse::error& e);

int plugin_run(const run_options& options);
int plugin_run_job(const run_options& options, const synapse::json& params);
int plugin_run_task(const run_options& options, const synapse::json& params);
int plugin_stop(const stop_options& options);
int plugin_list(const list_options& options);
int plugin_schema(const schema_options& options);

}  // namespace synapse_cli
