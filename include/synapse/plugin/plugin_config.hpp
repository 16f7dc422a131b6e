// The parsed form of a plugin's config.yaml (see config.hpp for reading one).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/json.hpp"

namespace synapse {

/// One entry of `actions:` in config.yaml.
struct action_config {
    std::string name;  ///< the action's name; defaults to its key under `actions:`
    std::string description;
    std::string entrypoint;       ///< "module:Class" (python); the action name when unset (cpp)
    std::string method = "task";  ///< job, task, serve or restapi
    std::optional<std::string> input_type, output_type;
    int line = 0;  ///< 1-based line of the action's key in config.yaml
};

/// A parsed config.yaml. Field names and defaults follow synapse-sdk's PluginConfig.
struct plugin_config {
    std::string name, code, version = "0.1.0", category = "custom", description,
                            readme = "README.md", package_manager = "pip";
    std::vector<std::string> package_manager_options;
    std::string wheels_dir = "wheels";
    json env = json::object();          ///< env vars to inject; scalar values kept as strings
    json runtime_env = json::object();  ///< Ray runtime_env, YAML converted to typed JSON
    std::optional<std::string> data_type;
    std::vector<std::string> tasks, supported_data_type;
    std::optional<std::string> annotation_category, annotation_type, smart_tool;
    std::vector<action_config> actions;           ///< in file order
    std::string runtime = "python";               ///< additive: "cpp" for C++ plugins
    std::optional<std::filesystem::path> binary;  ///< additive: executable, relative to directory
    std::filesystem::path directory;              ///< the plugin directory
    std::filesystem::path file;                   ///< the config.yaml that was read

    /// The action whose name is `action_name`, or nullptr.
    const action_config* find_action(std::string_view action_name) const {
        for (const auto& a : actions)
            if (a.name == action_name) return &a;
        return nullptr;
    }

    /// Every action name, in file order.
    std::vector<std::string> action_names() const {
        std::vector<std::string> out;
        out.reserve(actions.size());
        for (const auto& a : actions) out.push_back(a.name);
        return out;
    }

    /// `directory / *binary`, or an empty path when no binary is configured.
    std::filesystem::path binary_path() const {
        if (!binary) return {};
        return directory / *binary;
    }
};

}  // namespace synapse
