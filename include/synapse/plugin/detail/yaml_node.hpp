// Internals of config.hpp: reading yaml-cpp nodes with file:line errors: 1-based lines, the
// kind of a node, the config_invalid error, the entries of a mapping (duplicate keys rejected)
// and any node as JSON.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "synapse/core/error.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/plugin/detail/yaml_scalar.hpp"

namespace synapse::detail::plugin_config_yaml {

/// 1-based line of a yaml-cpp mark (whose lines are 0-based; -1 when unknown).
inline int line_of(const YAML::Mark& mark) {
    return mark.line >= 0 ? mark.line + 1 : 1;
}

inline std::string_view kind_of(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: return "a mapping";
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Scalar: return "a scalar";
        case YAML::NodeType::Null: return "null";
        default: return "nothing";
    }
}

/// The config_invalid error: message "<file>:<line>: <what>", where "<file>:<line>".
inline error invalid(const std::filesystem::path& file, int line, const std::string& what) {
    std::string where = file.string() + ":" + std::to_string(line);
    error e{errc::config_invalid, where + ": " + what};
    e.where = std::move(where);
    return e;
}

/// A key and its value in a mapping, with the key's line.
struct entry {
    YAML::Node value;
    int line = 1;
    bool is_null() const { return !value.IsDefined() || value.IsNull(); }
};

/// The scalar-keyed entries of a mapping; duplicate keys are an error. Non-scalar keys are
/// skipped (they can only be unknown keys).
inline expected<std::map<std::string, entry, std::less<>>> entries_of(
    const YAML::Node& mapping, const std::filesystem::path& file, std::string_view context) {
    std::map<std::string, entry, std::less<>> out;
    for (auto it = mapping.begin(); it != mapping.end(); ++it) {
        if (!it->first.IsScalar()) continue;
        const std::string key = it->first.Scalar();
        const int line = line_of(it->first.Mark());
        auto [pos, inserted] = out.try_emplace(key, entry{it->second, line});
        if (!inserted) {
            std::string field = context.empty() ? key : std::string(context) + "." + key;
            return fail(invalid(file, line,
                                field + ": duplicate key (first set at line " +
                                    std::to_string(pos->second.line) + ")"));
        }
    }
    return out;
}

inline const entry* find(const std::map<std::string, entry, std::less<>>& m, std::string_view k) {
    auto it = m.find(k);
    return it == m.end() || it->second.is_null() ? nullptr : &it->second;
}

/// Any YAML node as JSON. `typed`: plain scalars resolved (runtime_env); otherwise every scalar
/// stays a string (env). Quoted scalars ("x", 'x') and `!!str` scalars always stay strings.
inline expected<json> yaml_to_json(const YAML::Node& node, bool typed,
                                   const std::filesystem::path& file, const std::string& path) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return json(nullptr);
        case YAML::NodeType::Scalar: {
            const std::string& tag = node.Tag();
            const bool plain = tag == "?" || tag == "tag:yaml.org,2002:int" ||
                               tag == "tag:yaml.org,2002:float" ||
                               tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null";
            if (typed && plain) return resolve_plain_scalar(node.Scalar());
            return json(node.Scalar());
        }
        case YAML::NodeType::Sequence: {
            json out = json::array();
            std::size_t index = 0;
            for (const auto& item : node) {
                auto v =
                    yaml_to_json(item, typed, file, path + "[" + std::to_string(index++) + "]");
                if (!v) return v;
                out.push_back(std::move(*v));
            }
            return out;
        }
        case YAML::NodeType::Map: {
            json out = json::object();
            for (auto it = node.begin(); it != node.end(); ++it) {
                if (!it->first.IsScalar())
                    return fail(invalid(file, line_of(it->first.Mark()),
                                        path + ": mapping keys must be strings, got " +
                                            std::string(kind_of(it->first))));
                const std::string key = it->first.Scalar();
                auto v = yaml_to_json(it->second, typed, file, path + "." + key);
                if (!v) return v;
                out[key] = std::move(*v);
            }
            return out;
        }
    }
    return json(nullptr);
}

}  // namespace synapse::detail::plugin_config_yaml
