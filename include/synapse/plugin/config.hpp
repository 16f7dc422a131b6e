// Plugin discovery: reads a plugin's `config.yaml` (the synapse-sdk PluginConfig format) into a
// `synapse::plugin_config`, validating every field and reporting problems as
// `errc::config_invalid` with `where` = "<file>:<line>".
//
//     auto cfg = synapse::load_plugin_config("plugins/regression");  // or ".../config.yaml"
//     if (!cfg) { std::cerr << cfg.error() << '\n'; return 1; }
//     for (const auto& a : cfg->actions) std::cout << a.name << " -> " << a.method << '\n';
//     if (cfg->runtime == "cpp") run(cfg->binary_path(), "train");
//
// Differences from synapse-sdk, all on purpose: an empty file or a top level that is not a
// mapping is a clear error (the SDK crashes); a legacy `train: module.Class` action is kept as an
// action with that entrypoint (the SDK drops it); duplicate keys at the top level or under
// `actions` are errors; a null value (`key:` with nothing after it) means "not set".
// Additive fields: `runtime` ("python" or "cpp") and `binary` (required for cpp plugins). In a cpp
// plugin an action without an entrypoint gets its own name as entrypoint; in a python plugin
// every action needs one.
//
// Needs yaml-cpp (pkg-config yaml-cpp).
#pragma once

#include <exception>
#include <filesystem>
#include <fstream>
#include <ios>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "synapse/core/error.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/plugin/detail/config_parser.hpp"
#include "synapse/plugin/detail/yaml_node.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse {

/// Parses config.yaml text. `file` is used in error locations and sets `file` / `directory`
/// (its parent, or "." when it has none); nothing is read from disk.
[[nodiscard]] inline expected<plugin_config> parse_plugin_config(
    std::string_view yaml_text, const std::filesystem::path& file) {
    namespace d = detail::plugin_config_yaml;
    try {
        const YAML::Node root = YAML::Load(std::string(yaml_text));
        return d::parse(root, file);
    } catch (const YAML::ParserException& e) {
        const int line = d::line_of(e.mark);
        const int column = e.mark.column >= 0 ? e.mark.column + 1 : 1;
        return fail(d::invalid(file, line,
                               "YAML syntax error at line " + std::to_string(line) + ", column " +
                                   std::to_string(column) + ": " + e.msg));
    } catch (const YAML::Exception& e) {
        return fail(d::invalid(file, d::line_of(e.mark), "cannot read YAML: " + e.msg));
    } catch (const std::exception& e) {
        return fail(d::invalid(file, 1, std::string("cannot read YAML: ") + e.what()));
    }
}

/// Reads `<dir>/config.yaml` (or the file itself when given one) and parses it. `file` and
/// `directory` of the result are absolute. Missing → errc::config_not_found; unreadable →
/// errc::io_error; malformed → errc::config_invalid.
[[nodiscard]] inline expected<plugin_config> load_plugin_config(
    const std::filesystem::path& dir_or_file) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path file = dir_or_file;
    if (fs::is_directory(dir_or_file, ec)) file /= "config.yaml";
    if (fs::path abs = fs::absolute(file, ec); !ec) file = abs.lexically_normal();

    const fs::file_status status = fs::status(file, ec);
    if (status.type() == fs::file_type::not_found) {
        error e{errc::config_not_found, "config file not found: " + file.string()};
        e.where = file.string();
        return fail(std::move(e));
    }
    if (ec) {
        error e{errc::io_error, "cannot read config file " + file.string() + ": " + ec.message()};
        e.where = file.string();
        return fail(std::move(e));
    }
    if (!fs::is_regular_file(status)) {
        error e{errc::io_error,
                "cannot read config file " + file.string() + ": not a regular file"};
        e.where = file.string();
        return fail(std::move(e));
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    if (!in || in.bad()) {
        error e{errc::io_error, "cannot read config file " + file.string()};
        e.where = file.string();
        return fail(std::move(e));
    }
    return parse_plugin_config(text.str(), file);
}

}  // namespace synapse
