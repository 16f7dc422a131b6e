// Internals of config.hpp: config.yaml's allowed values (categories, data types, package
// managers, runtimes, methods) and the readers of one field: a string, a list of strings, a
// mapping, a choice among allowed values.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/error.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/plugin/detail/yaml_node.hpp"

namespace synapse::detail::plugin_config_yaml {

inline constexpr std::array<std::string_view, 8> categories = {
    "neural_net",      "export",         "upload",          "smart_tool",
    "post_annotation", "pre_annotation", "data_validation", "custom"};
inline constexpr std::array<std::string_view, 5> data_types = {"image", "text", "video", "pcd",
                                                               "audio"};
inline constexpr std::array<std::string_view, 2> package_managers = {"pip", "uv"};
inline constexpr std::array<std::string_view, 2> runtimes = {"python", "cpp"};
inline constexpr std::array<std::string_view, 4> methods = {"job", "task", "serve", "restapi"};

template <std::size_t N>
std::string join(const std::array<std::string_view, N>& values) {
    std::string out;
    for (auto v : values) {
        if (!out.empty()) out += ", ";
        out += v;
    }
    return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& values, std::string_view v) {
    for (auto x : values)
        if (x == v) return true;
    return false;
}

/// A scalar field: nullopt when absent or null.
inline expected<std::optional<std::string>> scalar_field(
    const std::map<std::string, entry, std::less<>>& m, std::string_view key,
    const std::filesystem::path& file, std::string_view field) {
    const entry* e = find(m, key);
    if (!e) return std::optional<std::string>{};
    if (!e->value.IsScalar())
        return fail(invalid(
            file, e->line,
            std::string(field) + ": must be a string, got " + std::string(kind_of(e->value))));
    return std::optional<std::string>{e->value.Scalar()};
}

/// A list of scalars: empty when absent or null.
inline expected<std::vector<std::string>> list_field(
    const std::map<std::string, entry, std::less<>>& m, std::string_view key,
    const std::filesystem::path& file) {
    std::vector<std::string> out;
    const entry* e = find(m, key);
    if (!e) return out;
    if (!e->value.IsSequence())
        return fail(invalid(file, e->line,
                            std::string(key) + ": must be a list of strings, got " +
                                std::string(kind_of(e->value))));
    std::size_t index = 0;
    for (const auto& item : e->value) {
        if (!item.IsScalar())
            return fail(invalid(file, line_of(item.Mark()),
                                std::string(key) + "[" + std::to_string(index) +
                                    "]: must be a string, got " + std::string(kind_of(item))));
        out.push_back(item.Scalar());
        ++index;
    }
    return out;
}

/// Checks `value` against the allowed set; the error names the field and lists the choices.
template <std::size_t N>
std::optional<error> check_one_of(const std::string& value,
                                  const std::array<std::string_view, N>& allowed,
                                  const std::filesystem::path& file, int line,
                                  std::string_view field) {
    if (contains(allowed, value)) return std::nullopt;
    return invalid(file, line,
                   std::string(field) + ": '" + value + "' is not one of " + join(allowed));
}

/// A mapping field converted to a JSON object: an empty object when absent or null.
inline expected<json> mapping_field(const std::map<std::string, entry, std::less<>>& m,
                                    std::string_view key, bool typed,
                                    const std::filesystem::path& file) {
    const entry* e = find(m, key);
    if (!e) return json::object();
    if (!e->value.IsMap())
        return fail(invalid(
            file, e->line,
            std::string(key) + ": must be a mapping, got " + std::string(kind_of(e->value))));
    return yaml_to_json(e->value, typed, file, std::string(key));
}

}  // namespace synapse::detail::plugin_config_yaml
