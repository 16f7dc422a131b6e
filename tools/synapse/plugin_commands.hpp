// `synapse plugin ...`: run, list and describe the actions of a plugin directory.
#pragma once

#include <string>

namespace synapse_cli {

struct run_options {
    std::string action;
    std::string path = ".";
    std::string params = "{}";
    std::string mode = "local";
    bool json_only = false;
    std::string python;
};

struct list_options {
    std::string path = ".";
    bool json_only = false;
};

struct schema_options {
    std::string action;
    std::string path = ".";
    std::string python;
};

int plugin_run(const run_options& options);
int plugin_list(const list_options& options);
int plugin_schema(const schema_options& options);

}  // namespace synapse_cli
