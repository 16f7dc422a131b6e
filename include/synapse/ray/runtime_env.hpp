// The Ray runtime_env a plugin job runs with, built as synapse-sdk's BaseRayExecutor does
// (docs/synapse-sdk-reference.md §1.2, steps 2-11): working_dir URI, pip / uv packages from
// requirements.txt and wheels, install options, env_vars and Synapse credentials.
//
// Differences from synapse-sdk, on purpose:
// * env_vars hold the plugin environment only (config.yaml `env` + explicit values); the whole
//   local process environment is never forwarded;
// * inline comments (` # ...`) in requirements.txt are removed, as pip does;
// * env_vars values are always strings (Ray rejects others);
// * wheels are listed in file-name order (synapse-sdk uses glob order);
// * a package already listed is not repeated.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "synapse/core/detail/text.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/ray/package_manager.hpp"

namespace synapse {

struct runtime_env_options {
    /// The uploaded working_dir, `gcs://_ray_pkg_<hash>.zip`.
    std::optional<std::string> working_dir_uri;
    /// config.yaml `package_manager_options`, appended after the manager's default without
    /// duplicates.
    std::vector<std::string> manager_options;
    /// Wins over `<working_dir>/requirements.txt`.
    std::optional<std::filesystem::path> requirements_file;
    /// The local plugin directory: requirements.txt and wheels are looked up here.
    std::optional<std::filesystem::path> working_dir;
    std::string wheels_dir = "wheels";
    /// config.yaml `env` merged with explicit values (already). Non-strings are stringified.
    json env_vars = json::object();
    std::optional<std::string> synapse_host, synapse_access_token;
    /// The user's runtime_env from config.yaml; its keys are kept.
    json base = json::object();
};

namespace detail::runtime_env {

/// POSIX shell-style splitting (Python's shlex.split): whitespace separates, '...' is literal,
/// "..." and a backslash escape. An unterminated quote is invalid_argument.
[[nodiscard]] inline expected<std::vector<std::string>> shell_split(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    bool in_token = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (in_token) {
                out.push_back(std::move(cur));
                cur.clear();
                in_token = false;
            }
        } else if (c == '\'') {
            in_token = true;
            auto end = s.find('\'', i + 1);
            if (end == std::string_view::npos)
                return fail(errc::invalid_argument, "unterminated quote in: " + std::string(s));
            cur.append(s.substr(i + 1, end - i - 1));
            i = end;
        } else if (c == '"') {
            in_token = true;
            std::size_t j = i + 1;
            for (; j < s.size() && s[j] != '"'; ++j) {
                if (s[j] == '\\' && j + 1 < s.size() &&
                    std::string_view("\\\"$`\n").find(s[j + 1]) != std::string_view::npos)
                    ++j;
                cur += s[j];
            }
            if (j >= s.size())
                return fail(errc::invalid_argument, "unterminated quote in: " + std::string(s));
            i = j;
        } else if (c == '\\') {
            in_token = true;
            if (i + 1 < s.size()) cur += s[++i];
        } else {
            in_token = true;
            cur += c;
        }
    }
    if (in_token) out.push_back(std::move(cur));
    return out;
}

/// requirements.txt lines: stripped, blank and `#` lines dropped. Unlike synapse-sdk (which
/// keeps them), inline comments (whitespace then `#`) are removed as pip does.
inline expected<std::vector<std::string>> read_requirements(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return fail(errc::io_error, "cannot read requirements file " + file.string());
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        for (std::size_t i = 1; i < line.size(); ++i) {
            if (line[i] == '#' && (line[i - 1] == ' ' || line[i - 1] == '\t')) {
                line.erase(i);
                break;
            }
        }
        const auto t = synapse::detail::trim(line);
        if (t.empty() || t[0] == '#') continue;
        lines.emplace_back(t);
    }
    if (in.bad()) return fail(errc::io_error, "cannot read requirements file " + file.string());
    return lines;
}

}  // namespace detail::runtime_env

/// The runtime_env JSON for a job (synapse-sdk's `_build_runtime_env`):
/// 1. start from `base`; 2. `working_dir` = the URI unless `base` has one; 3.-5. requirements
/// (`requirements_file`, else `<working_dir>/requirements.txt`, missing means none) split into
/// option lines and packages, plus `<working_dir>/<wheels_dir>/*.whl` as
/// `${RAY_RUNTIME_ENV_CREATE_WORKING_DIR}/<wheels_dir>/<file>`; 6.-9. the package section, as the
/// package manager `P` writes it (see package_manager.hpp); 10. `env_vars` updated with
/// `env_vars` (values as strings); 11. `SYNAPSE_HOST` / `SYNAPSE_ACCESS_TOKEN` added when known
/// and not already set.
/// Errors: config_invalid for a `base` of the wrong shape, io_error for an unreadable
/// requirements file, invalid_argument for an option line with an unterminated quote.
template <PackageManager P = pip>
[[nodiscard]] expected<json> build_runtime_env(const runtime_env_options& options,
                                               const P& packages = {}) {
    namespace fs = std::filesystem;
    namespace dr = detail::runtime_env;

    // 1.
    if (!options.base.is_object() && !options.base.is_null())
        return detail::bad_runtime_env("must be a mapping, got " +
                                       std::string(json_type_name(options.base)));
    json env = options.base.is_object() ? options.base : json::object();

    // 2.
    if (options.working_dir_uri && !env.contains("working_dir"))
        env["working_dir"] = *options.working_dir_uri;

    // 3.
    std::optional<fs::path> req;
    std::error_code ec;
    if (options.requirements_file)
        req = options.requirements_file;
    else if (options.working_dir)
        req = *options.working_dir / "requirements.txt";
    std::vector<std::string> lines;
    if (req && fs::is_regular_file(*req, ec)) {
        auto r = dr::read_requirements(*req);
        if (!r) return fail(std::move(r).error());
        lines = std::move(*r);
    }

    // 4.
    package_request request;
    request.user_options = options.manager_options;
    std::vector<std::string> option_lines;
    for (auto& l : lines)
        (l.starts_with("-") ? option_lines : request.packages).push_back(std::move(l));
    for (const auto& a : option_lines) {
        auto split = dr::shell_split(a);
        if (!split) return fail(std::move(split).error().prefix("requirements option line"));
        request.install_options.insert(request.install_options.end(), split->begin(), split->end());
    }

    // 5.
    if (options.working_dir) {
        fs::path wheels = *options.working_dir / options.wheels_dir;
        std::vector<std::string> names;
        if (fs::is_directory(wheels, ec)) {
            for (fs::directory_iterator it(wheels, ec), end; !ec && it != end; it.increment(ec)) {
                std::error_code fec;
                if (it->path().extension() == ".whl" && it->is_regular_file(fec))
                    names.push_back(it->path().filename().string());
            }
        }
        std::sort(names.begin(), names.end());
        std::string prefix = "${RAY_RUNTIME_ENV_CREATE_WORKING_DIR}/";
        if (!options.wheels_dir.empty() && options.wheels_dir != ".") {
            prefix += options.wheels_dir;
            while (prefix.back() == '/') prefix.pop_back();
            prefix += '/';
        }
        for (const auto& n : names) request.packages.push_back(prefix + n);
    }

    // 6.-9.
    if (auto applied = packages.apply(env, request); !applied)
        return fail(std::move(applied).error());

    // 10.
    json& vars = env["env_vars"];
    if (vars.is_null()) vars = json::object();
    if (!vars.is_object()) return detail::bad_runtime_env("'env_vars' must be a mapping");
    if (options.env_vars.is_object()) {
        for (auto it = options.env_vars.begin(); it != options.env_vars.end(); ++it)
            if (!it->is_null()) vars[it.key()] = *it;
    } else if (!options.env_vars.is_null()) {
        return fail(errc::invalid_argument, "env_vars must be a JSON object");
    }
    json strings = json::object();  // Ray accepts string values only; a null means unset
    for (auto it = vars.begin(); it != vars.end(); ++it)
        if (!it->is_null())
            strings[it.key()] =
                it->is_string() ? *it
                                : json(it->dump(-1, ' ', false, json::error_handler_t::replace));
    vars = std::move(strings);

    // 11.
    if (options.synapse_host && !options.synapse_host->empty() && !vars.contains("SYNAPSE_HOST"))
        vars["SYNAPSE_HOST"] = *options.synapse_host;
    if (options.synapse_access_token && !options.synapse_access_token->empty() &&
        !vars.contains("SYNAPSE_ACCESS_TOKEN"))
        vars["SYNAPSE_ACCESS_TOKEN"] = *options.synapse_access_token;

    return env;
}

}  // namespace synapse
