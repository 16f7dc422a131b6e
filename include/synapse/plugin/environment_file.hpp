// Reads a TOML environment file (synapse-sdk's `PluginEnvironment.from_file`) into a JSON object:
//
//     auto env = synapse::load_toml_environment("plugin.env.toml");
//     if (!env) { std::cerr << env.error() << '\n'; return 1; }
//     std::string url = env->value("backend_url", "");
//
// Tables stay nested objects; arrays, strings, integers, floats and booleans map to their JSON
// counterparts; dates, times and date-times become ISO 8601 strings ("1979-05-27T07:32:00Z").
// Missing file → errc::config_not_found; unreadable → errc::io_error; TOML syntax error →
// errc::config_invalid with `where` = "<file>:<line>:<column>".
//
// Needs toml++ 3 (pkg-config tomlplusplus; the Debian package is a compiled library, so link it).
#pragma once

#include <exception>
#include <filesystem>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>

#include <toml++/toml.h>

#include "synapse/core/error.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/plugin/environment.hpp"

namespace synapse {

namespace detail::toml_environment {

template <class T>
std::string iso_text(const T& value) {
    std::ostringstream out;
    out << value;  // toml++ prints dates and times in ISO 8601 / RFC 3339 form
    return out.str();
}

/// One TOML node as JSON.
inline json node_to_json(const toml::node& node) {
    if (const auto* table = node.as_table()) {
        json out = json::object();
        for (const auto& [key, value] : *table) out[std::string(key.str())] = node_to_json(value);
        return out;
    }
    if (const auto* array = node.as_array()) {
        json out = json::array();
        for (const auto& value : *array) out.push_back(node_to_json(value));
        return out;
    }
    if (const auto* v = node.as_string()) return v->get();
    if (const auto* v = node.as_integer()) return v->get();
    if (const auto* v = node.as_floating_point()) return v->get();
    if (const auto* v = node.as_boolean()) return v->get();
    if (const auto* v = node.as_date()) return iso_text(v->get());
    if (const auto* v = node.as_time()) return iso_text(v->get());
    if (const auto* v = node.as_date_time()) return iso_text(v->get());
    return nullptr;
}

inline error parse_failure(const std::filesystem::path& file, const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    if (begin.line == 0) {  // toml++ could not open or read the file
        error err{errc::io_error,
                  "cannot read config file " + file.string() + ": " + std::string(e.description())};
        err.where = file.string();
        return err;
    }
    std::string where =
        file.string() + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column);
    error err{errc::config_invalid, where + ": TOML syntax error: " + std::string(e.description())};
    err.where = std::move(where);
    return err;
}

}  // namespace detail::toml_environment

/// Reads the TOML file `file` into a JSON object (see the top of this header).
[[nodiscard]] inline expected<json> load_toml_environment(const std::filesystem::path& file) {
    namespace fs = std::filesystem;
    namespace d = detail::toml_environment;
    std::error_code ec;
    const fs::file_status status = fs::status(file, ec);
    if (status.type() == fs::file_type::not_found) {
        error e{errc::config_not_found, "config file not found: " + file.string()};
        e.where = file.string();
        return fail(std::move(e));
    }
    if (ec || !fs::is_regular_file(status)) {
        error e{errc::io_error, "cannot read config file " + file.string() + ": " +
                                    (ec ? ec.message() : std::string("not a regular file"))};
        e.where = file.string();
        return fail(std::move(e));
    }
    try {
#if TOML_EXCEPTIONS
        toml::table table = toml::parse_file(file.string());
#else
        toml::parse_result result = toml::parse_file(file.string());
        if (!result) return fail(d::parse_failure(file, result.error()));
        toml::table table = std::move(result).table();
#endif
        return d::node_to_json(table);
#if TOML_EXCEPTIONS
    } catch (const toml::parse_error& e) {
        return fail(d::parse_failure(file, e));
#endif
    } catch (const std::exception& e) {
        error err{errc::io_error, "cannot read config file " + file.string() + ": " + e.what()};
        err.where = file.string();
        return fail(std::move(err));
    }
}

/// A plugin_environment from a TOML file (nested tables stay nested).
[[nodiscard]] inline expected<plugin_environment> load_environment_file(
    const std::filesystem::path& file) {
    auto values = load_toml_environment(file);
    if (!values) return fail(std::move(values).error());
    return plugin_environment(std::move(*values));
}

}  // namespace synapse
