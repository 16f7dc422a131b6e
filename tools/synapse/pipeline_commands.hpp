// `synapse pipeline ...`: run a plugin's actions as one checkpointed pipeline (locally or as a Ray
// job) reporting to a pipeline service, and look at its runs.
#pragma once

#include <optional>
#include <string>

namespace synapse_cli {

struct pipeline_options {
    std::string service;  ///< the pipeline service's URL
    std::string token;    ///< the service's bearer token, when it has one
    bool json_only = false;
};

struct pipeline_run_options : pipeline_options {
    std::string actions;  ///< ACTION[,ACTION...]
    std::string path = ".";
    std::string params = "{}";
    std::string mode = "local";
    std::string name;
    std::string resume_from;
    bool detach = false;
    std::string python;
    std::string dashboard;      ///< --mode job
    std::string actor_service;  ///< the service as the cluster reaches it
    std::optional<double> cpus, gpus;
};

struct pipeline_run_ref : pipeline_options {
    std::string run;
    std::string dashboard;  ///< cancel: the Ray dashboard of a job run
};

struct pipeline_list_options : pipeline_options {
    std::string status;
    int limit = 20;
};

struct pipeline_logs_options : pipeline_options {
    std::string run;
    std::string action;
    std::string level;
    int limit = 1000;
};

int pipeline_run(const pipeline_run_options& options);
int pipeline_status(const pipeline_run_ref& options);
int pipeline_watch(const pipeline_run_ref& options);
int pipeline_cancel(const pipeline_run_ref& options);
int pipeline_list(const pipeline_list_options& options);
int pipeline_logs(const pipeline_logs_options& options);

/// Runs the pipeline this process was started for (SYNAPSE_PIPELINE_SPEC set): the runner of
/// pipelines without C++ actions. Nothing when it was not.
std::optional<int> pipeline_runner_mode(int argc, char** argv);

}  // namespace synapse_cli
