// Internals of config.hpp: a parsed config.yaml document to synapse::plugin_config: the
// top-level fields, their cross-field rules, and each entry of `actions:`.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "synapse/core/error.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/plugin/detail/config_fields.hpp"
#include "synapse/plugin/detail/yaml_node.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse::detail::plugin_config_yaml {

/// One `actions:` entry: a mapping of settings, or a legacy entrypoint string.
inline expected<action_config> parse_action(const std::string& key, const entry& e,
                                            bool cpp_runtime, const std::filesystem::path& file) {
    const std::string field = "actions." + key;
    action_config action;
    action.name = key;
    action.line = e.line;
    if (e.is_null()) {
        // `train:` with nothing after it: an action with no settings.
    } else if (e.value.IsScalar()) {
        action.entrypoint = e.value.Scalar();  // legacy `train: module.Class`
    } else if (e.value.IsMap()) {
        auto fields = entries_of(e.value, file, field);
        if (!fields) return fail(std::move(fields).error());
        const auto& f = *fields;
        auto read = [&](std::string_view k) {
            return scalar_field(f, k, file, field + "." + std::string(k));
        };
        auto name = read("name");
        if (!name) return fail(std::move(name).error());
        if (*name) {
            if ((*name)->empty())
                return fail(invalid(file, find(f, "name")->line,
                                    field + ".name: must be a non-empty string"));
            action.name = **name;
        }
        auto description = read("description");
        if (!description) return fail(std::move(description).error());
        action.description = description->value_or("");
        auto entrypoint = read("entrypoint");
        if (!entrypoint) return fail(std::move(entrypoint).error());
        action.entrypoint = entrypoint->value_or("");
        auto method = read("method");
        if (!method) return fail(std::move(method).error());
        if (*method) {
            if (auto err = check_one_of(**method, methods, file, find(f, "method")->line,
                                        field + ".method"))
                return fail(std::move(*err));
            action.method = **method;
        }
        auto input_type = read("input_type");
        if (!input_type) return fail(std::move(input_type).error());
        action.input_type = *input_type;
        auto output_type = read("output_type");
        if (!output_type) return fail(std::move(output_type).error());
        action.output_type = *output_type;
    } else {
        return fail(invalid(file, e.line,
                            field +
                                ": must be a mapping of settings or an entrypoint string, got " +
                                std::string(kind_of(e.value))));
    }
    if (action.entrypoint.empty()) {
        if (!cpp_runtime)
            return fail(invalid(file, e.line,
                                field +
                                    ".entrypoint: required for python plugins (e.g. 'entrypoint: "
                                    "plugin.actions:TrainAction')"));
        action.entrypoint = action.name;
    }
    return action;
}

inline expected<plugin_config> parse(const YAML::Node& root, const std::filesystem::path& file) {
    if (!root.IsDefined() || root.IsNull())
        return fail(invalid(file, 1,
                            "config file is empty: it must be a mapping with at least 'name' and "
                            "'code'"));
    if (!root.IsMap())
        return fail(invalid(file, line_of(root.Mark()),
                            "config file must be a mapping of settings (name, code, actions, ...) "
                            "at the top level, got " +
                                std::string(kind_of(root))));
    auto top = entries_of(root, file, "");
    if (!top) return fail(std::move(top).error());
    const auto& m = *top;
    const int root_line = line_of(root.Mark());

    plugin_config cfg;
    cfg.file = file;
    cfg.directory = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");

    // Required strings.
    for (std::string_view key : {std::string_view("name"), std::string_view("code")}) {
        auto v = scalar_field(m, key, file, key);
        if (!v) return fail(std::move(v).error());
        if (!*v || (*v)->empty()) {
            auto it = m.find(key);
            const int line = it == m.end() ? root_line : it->second.line;
            return fail(invalid(file, line,
                                std::string(key) + ": required, must be a non-empty string (add '" +
                                    std::string(key) + ": ...' to config.yaml)"));
        }
        (key == "name" ? cfg.name : cfg.code) = **v;
    }

    // Optional strings with defaults, and optional strings.
    struct string_field {
        std::string_view key;
        std::string* target;
    };
    for (auto [key, target] :
         {string_field{"version", &cfg.version}, string_field{"category", &cfg.category},
          string_field{"description", &cfg.description}, string_field{"readme", &cfg.readme},
          string_field{"package_manager", &cfg.package_manager},
          string_field{"wheels_dir", &cfg.wheels_dir}, string_field{"runtime", &cfg.runtime}}) {
        auto v = scalar_field(m, key, file, key);
        if (!v) return fail(std::move(v).error());
        if (*v) *target = **v;
    }
    struct optional_field {
        std::string_view key;
        std::optional<std::string>* target;
    };
    for (auto [key, target] : {optional_field{"data_type", &cfg.data_type},
                               optional_field{"annotation_category", &cfg.annotation_category},
                               optional_field{"annotation_type", &cfg.annotation_type},
                               optional_field{"smart_tool", &cfg.smart_tool}}) {
        auto v = scalar_field(m, key, file, key);
        if (!v) return fail(std::move(v).error());
        *target = std::move(*v);
    }
    auto binary = scalar_field(m, "binary", file, "binary");
    if (!binary) return fail(std::move(binary).error());
    if (*binary) {
        if ((*binary)->empty())
            return fail(invalid(file, find(m, "binary")->line, "binary: must be a non-empty path"));
        cfg.binary = std::filesystem::path(**binary);
    }

    // Lists.
    struct list_target {
        std::string_view key;
        std::vector<std::string>* target;
    };
    for (auto [key, target] : {list_target{"package_manager_options", &cfg.package_manager_options},
                               list_target{"tasks", &cfg.tasks},
                               list_target{"supported_data_type", &cfg.supported_data_type}}) {
        auto v = list_field(m, key, file);
        if (!v) return fail(std::move(v).error());
        *target = std::move(*v);
    }

    // Mappings.
    auto env = mapping_field(m, "env", false, file);
    if (!env) return fail(std::move(env).error());
    cfg.env = std::move(*env);
    auto runtime_env = mapping_field(m, "runtime_env", true, file);
    if (!runtime_env) return fail(std::move(runtime_env).error());
    cfg.runtime_env = std::move(*runtime_env);

    // Enumerations and cross-field rules.
    auto line = [&](std::string_view key) {
        auto it = m.find(key);
        return it == m.end() ? root_line : it->second.line;
    };
    if (auto err = check_one_of(cfg.category, categories, file, line("category"), "category"))
        return fail(std::move(*err));
    if (cfg.data_type) {
        if (auto err =
                check_one_of(*cfg.data_type, data_types, file, line("data_type"), "data_type"))
            return fail(std::move(*err));
    } else if (cfg.category == "neural_net") {
        return fail(invalid(file, line("category"),
                            "data_type is required for neural_net plugins. Add 'data_type: image' "
                            "(or text, video, pcd, audio) to config.yaml"));
    }
    if (auto err = check_one_of(cfg.package_manager, package_managers, file,
                                line("package_manager"), "package_manager"))
        return fail(std::move(*err));
    if (auto err = check_one_of(cfg.runtime, runtimes, file, line("runtime"), "runtime"))
        return fail(std::move(*err));
    if (cfg.runtime == "cpp" && !cfg.binary)
        return fail(invalid(file, line("runtime"),
                            "binary: required when runtime is cpp (add 'binary: <executable>', "
                            "relative to the plugin directory, to config.yaml)"));

    // Actions, in file order.
    if (const entry* actions = find(m, "actions")) {
        if (!actions->value.IsMap())
            return fail(invalid(file, actions->line,
                                "actions: must be a mapping of action name to settings, got " +
                                    std::string(kind_of(actions->value))));
        std::map<std::string, int, std::less<>> seen;  // action name -> line
        for (auto it = actions->value.begin(); it != actions->value.end(); ++it) {
            const int key_line = line_of(it->first.Mark());
            if (!it->first.IsScalar() || it->first.Scalar().empty())
                return fail(invalid(file, key_line,
                                    "actions: action names must be non-empty strings, got " +
                                        std::string(kind_of(it->first))));
            const std::string key = it->first.Scalar();
            auto action =
                parse_action(key, entry{it->second, key_line}, cfg.runtime == "cpp", file);
            if (!action) return fail(std::move(action).error());
            auto [pos, inserted] = seen.try_emplace(action->name, key_line);
            if (!inserted)
                return fail(invalid(file, key_line,
                                    "actions." + key + ": duplicate action name '" + action->name +
                                        "' (first defined at line " + std::to_string(pos->second) +
                                        ")"));
            cfg.actions.push_back(std::move(*action));
        }
    }
    return cfg;
}

}  // namespace synapse::detail::plugin_config_yaml
