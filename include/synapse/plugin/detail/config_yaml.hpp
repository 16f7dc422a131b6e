// Internals of config.hpp: config.yaml nodes to synapse::plugin_config, with file:line errors.
#pragma once

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse {

namespace detail::plugin_config_yaml {

inline constexpr std::array<std::string_view, 8> categories = {
    "neural_net",      "export",         "upload",          "smart_tool",
    "post_annotation", "pre_annotation", "data_validation", "custom"};
inline constexpr std::array<std::string_view, 5> data_types = {"image", "text", "video", "pcd",
                                                               "audio"};
inline constexpr std::array<std::string_view, 2> package_managers = {"pip", "uv"};
inline constexpr std::array<std::string_view, 2> runtimes = {"python", "cpp"};
inline constexpr std::array<std::string_view, 4> methods = {"job", "task", "serve", "restapi"};

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

inline bool all_digits(std::string_view s, int base) {
    if (s.empty()) return false;
    for (char c : s) {
        const bool ok = base == 16  ? std::isxdigit(static_cast<unsigned char>(c)) != 0
                        : base == 8 ? c >= '0' && c <= '7'
                                    : c >= '0' && c <= '9';
        if (!ok) return false;
    }
    return true;
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the YAML 1.2 core-schema float.
inline bool is_float_text(std::string_view s) {
    std::size_t i = 0, n = s.size();
    auto digits = [&] {
        std::size_t start = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        return i - start;
    };
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t mantissa = digits();
    if (i < n && s[i] == '.') {
        ++i;
        mantissa += digits();
    }
    if (mantissa == 0) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == n;
}

/// A plain (unquoted, untagged) YAML scalar as JSON, per the YAML 1.2 core schema:
/// booleans, null, integers (decimal, 0x, 0o) and floats become typed; the rest stays a string.
inline json resolve_plain_scalar(const std::string& text) {
    std::string_view s = text;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;

    const bool negative = s.front() == '-';
    std::string_view body = (s.front() == '-' || s.front() == '+') ? s.substr(1) : s;
    int base = 10;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o') && !negative &&
        s.front() != '+') {
        base = body[1] == 'x' ? 16 : 8;
        body.remove_prefix(2);
    }
    if (all_digits(body, base)) {
        std::uint64_t magnitude = 0;
        auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), magnitude, base);
        if (ec == std::errc{} && ptr == body.data() + body.size()) {
            constexpr auto max =
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
            if (!negative) {
                if (magnitude <= max) return static_cast<std::int64_t>(magnitude);
                return magnitude;
            }
            if (magnitude <= max) return -static_cast<std::int64_t>(magnitude);
            if (magnitude == max + 1) return std::numeric_limits<std::int64_t>::min();
        }
        if (base != 10) return text;  // out of range: keep the text
        // Out-of-range decimal integers fall through to floating point.
    }
    if (is_float_text(s)) {
        std::string_view digits = s.front() == '+' ? s.substr(1) : s;
        double value = 0;
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec == std::errc{} && ptr == digits.data() + digits.size()) return value;
    }
    return text;
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

}  // namespace detail::plugin_config_yaml

}  // namespace synapse
