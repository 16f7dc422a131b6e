// The JSON Schemas of a pipeline's steps, for checking at submit time that each action's required
// params are provided (check_pipeline): a C++ plugin's from its binary (`<binary> list --json`,
// one process for all), synapse-sdk actions' from their Pydantic models (one Python process,
// whose answer is kept in a cache until a module file its imports loaded changes).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"
#include "synapse/executors/spawner.hpp"
#include "synapse/pipeline/pipeline_check.hpp"
#include "synapse/pipeline/pipeline_definition.hpp"
#include "synapse/plugin/plugin_config.hpp"

namespace synapse {

namespace detail {

/// Prints `[{"entrypoint", "params", "result"}, ..., {"files": [[path, mtime_ns, size], ...]}]`
/// for the `module.Class` arguments; the last item lists every module file the imports loaded.
inline constexpr std::string_view python_schemas_script = R"(import importlib, json, os, sys
sys.path.insert(0, os.getcwd())
before = set(sys.modules)
def schema(model):
    return model.model_json_schema() if hasattr(model, 'model_json_schema') else {}
out = []
for ep in sys.argv[1:]:
    module, _, name = ep.rpartition('.')
    cls = getattr(importlib.import_module(module), name)
    out.append({'entrypoint': ep, 'params': schema(getattr(cls, 'params_model', None)),
                'result': schema(getattr(cls, 'result_model', None))})
files = []
for name, m in list(sys.modules.items()):
    f = getattr(m, '__file__', None)
    if name not in before and f:
        try:
            st = os.stat(f)
            files.append([os.path.abspath(f), st.st_mtime_ns, st.st_size])
        except OSError:
            pass
out.append({'files': files})
print(json.dumps(out))
)";

/// Where the Python steps' schemas are kept between runs: `$XDG_CACHE_HOME/synapse/schemas`,
/// else `~/.cache/synapse/schemas`; nothing is kept when neither variable is set.
inline std::optional<std::filesystem::path> schema_cache_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "synapse" / "schemas";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::filesystem::path(home) / ".cache" / "synapse" / "schemas";
    return std::nullopt;
}

/// A cache entry: its file (named by a hash of the key) and the key it must hold.
struct schema_cache_entry {
    std::filesystem::path file;
    std::string key;
};

inline std::optional<schema_cache_entry> schema_cache_for(const std::string& python,
                                                          const std::filesystem::path& dir,
                                                          const std::vector<std::string>& eps) {
    auto root = schema_cache_dir();
    if (!root) return std::nullopt;
    std::error_code ec;
    std::string key = python + "\n" + std::filesystem::absolute(dir, ec).string();
    for (const auto& ep : eps) key += "\n" + ep;
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a: a file name, not a guarantee
    for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
    static constexpr char digits[] = "0123456789abcdef";
    std::string name(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) name[static_cast<std::size_t>(i)] = digits[h & 0xF];
    return schema_cache_entry{*root / (name + ".json"), std::move(key)};
}

/// The schemas kept for `entry`, if its key matches and every module file is as it was.
inline std::optional<json> cached_schemas(const schema_cache_entry& entry) {
    std::ifstream in(entry.file, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto kept = parse_json(text, "a schema cache entry");
    if (!kept || !kept->is_object() || kept->value("key", "") != entry.key) return std::nullopt;
    auto list = kept->find("schemas");
    if (list == kept->end() || !list->is_array() || list->empty()) return std::nullopt;
    const json& files = list->back().value("files", json());
    if (!files.is_array()) return std::nullopt;
    for (const auto& f : files) {
        struct stat st {};
        if (!f.is_array() || f.size() != 3 || !f[0].is_string() || !f[1].is_number_integer() ||
            !f[2].is_number_integer() || ::stat(f[0].get<std::string>().c_str(), &st) != 0)
            return std::nullopt;
        const auto mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                              static_cast<std::int64_t>(st.st_mtim.tv_nsec);
        if (f[1].get<std::int64_t>() != mtime_ns ||
            f[2].get<std::int64_t>() != static_cast<std::int64_t>(st.st_size))
            return std::nullopt;
    }
    return *list;
}

/// Keeps `schemas` for `entry` (written whole, then renamed; a cache that cannot be written is
/// only slower next time).
inline void keep_schemas(const schema_cache_entry& entry, const json& schemas) {
    std::error_code ec;
    std::filesystem::create_directories(entry.file.parent_path(), ec);
    auto part = entry.file;
    part += ".part" + std::to_string(::getpid());
    {
        std::ofstream out(part, std::ios::binary | std::ios::trunc);
        out << dump(json{{"key", entry.key}, {"schemas", schemas}});
        if (!out.flush()) {
            std::filesystem::remove(part, ec);
            return;
        }
    }
    std::filesystem::rename(part, entry.file, ec);
    if (ec) std::filesystem::remove(part, ec);
}

/// Runs `argv` in `dir` and parses the JSON array its stdout ends with.
inline expected<json> schemas_from(std::vector<std::string> argv, const std::filesystem::path& dir,
                                   std::string_view what) {
    process_spec spec;
    spec.argv = std::move(argv);
    spec.working_dir = dir;
    spec.timeout = std::chrono::minutes(2);
    std::string out, err;
    auto ran = posix_spawner().run(spec, [&](bool is_stderr, std::string_view line) {
        (is_stderr ? err : out).append(line).append("\n");
    });
    if (!ran) return fail(std::move(ran).error());
    if (ran->exit_code != 0) {
        const auto last = err.substr(err.rfind('\n', err.size() > 1 ? err.size() - 2 : 0) + 1);
        return fail(errc::process_failed, "cannot read the schemas of " + std::string(what) +
                                              " (exit status " + std::to_string(ran->exit_code) +
                                              "): " + last);
    }
    const auto start = out.rfind("\n[", out.size() > 1 ? out.size() - 2 : 0);
    auto parsed = parse_json(out.substr(start == std::string::npos ? 0 : start + 1),
                             "the schemas of " + std::string(what));
    if (!parsed) return fail(std::move(parsed).error());
    if (!parsed->is_array())
        return fail(errc::protocol_error,
                    "the schemas of " + std::string(what) + " are not a list");
    return parsed;
}

inline const json* find_schema(const json& list, std::string_view key, std::string_view value) {
    for (const auto& item : list)
        if (item.is_object() && item.contains(key) && item[std::string(key)] == value) return &item;
    return nullptr;
}

}  // namespace detail

/// The schemas of `definition`'s steps, in order: C++ steps from the plugin's binary, Python
/// steps (run with `python` in the plugin directory) from their models.
[[nodiscard]] inline expected<std::vector<pipeline_step_schema>> step_schemas(
    const plugin_config& config, const pipeline_definition& definition, const std::string& python) {
    json cpp = json::array(), py = json::array();
    std::vector<std::string> python_eps;
    bool any_cpp = false;
    for (const auto& s : definition.actions) {
        if (s.runtime == step_runtime::cpp)
            any_cpp = true;
        else
            python_eps.push_back(s.entrypoint);
    }
    if (any_cpp) {
        std::error_code ec;
        auto binary = std::filesystem::absolute(config.binary_path(), ec).string();
        auto got = detail::schemas_from({binary, "list", "--json"}, config.directory,
                                        "the plugin binary " + binary);
        if (!got) return fail(std::move(got).error());
        cpp = std::move(*got);
    }
    if (!python_eps.empty()) {
        const auto cache = detail::schema_cache_for(python, config.directory, python_eps);
        if (auto kept = cache ? detail::cached_schemas(*cache) : std::nullopt) {
            py = std::move(*kept);
        } else {
            std::vector<std::string> argv = {python, "-c",
                                             std::string(detail::python_schemas_script)};
            argv.insert(argv.end(), python_eps.begin(), python_eps.end());
            auto got =
                detail::schemas_from(std::move(argv), config.directory, "the Python actions");
            if (!got) return fail(std::move(got).error());
            py = std::move(*got);
            if (cache) detail::keep_schemas(*cache, py);
        }
    }
    std::vector<pipeline_step_schema> out;
    for (const auto& s : definition.actions) {
        const json* found = s.runtime == step_runtime::cpp
                                ? detail::find_schema(cpp, "name", s.entrypoint)
                                : detail::find_schema(py, "entrypoint", s.entrypoint);
        if (!found)
            return fail(errc::unknown_action,
                        "no schema for action '" + s.name + "' (" + s.entrypoint + ")");
        out.push_back({.name = s.name,
                       .params_schema = found->value("params", json::object()),
                       .result_schema = found->value("result", json::object())});
    }
    return out;
}

}  // namespace synapse
