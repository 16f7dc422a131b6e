// working_dir packaging for Ray: a plugin directory becomes a zip named `_ray_pkg_<hash>.zip`
// (docs/ray-http-api.md §6), ready to upload to `PUT /api/packages/gcs/<name>`.
//
// Differences from synapse-sdk (docs/synapse-sdk-reference.md §1.3), on purpose:
// * the name depends on relative paths and file contents only, never on mtimes, so the same
//   plugin checked out twice gives the same package (synapse-sdk hashes the zip bytes, whose
//   entries carry mtimes);
// * the top-level `.gitignore` is honoured besides synapse-sdk's default exclude list;
// * `keep` paths (the plugin binary) are never excluded, even inside an excluded directory;
// * entries store the file's unix mode; since Ray's unzip may drop it anyway, start the binary
//   with `executable_launcher`;
// * a package over the limit (Ray's 100 MiB HTTP body cap) is refused before the zip is built.
//
// Needs libzip (pkg-config libzip) and OpenSSL's libcrypto (pkg-config libcrypto).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/ray/detail/package_files.hpp"
#include "synapse/ray/detail/sha1.hpp"
#include "synapse/ray/detail/zip_writer.hpp"

namespace synapse {

/// A built working_dir package.
struct package {
    std::string name;                 ///< `_ray_pkg_<16 hex>.zip`
    std::string uri;                  ///< `gcs://<name>`
    std::vector<std::uint8_t> bytes;  ///< the zip
    std::size_t file_count = 0;       ///< entries in the zip
};

struct package_options {
    /// More fnmatch patterns, applied like the default excludes.
    std::vector<std::string> extra_excludes;
    /// Relative paths never excluded, e.g. the plugin binary. A directory keeps all it holds.
    std::vector<std::filesystem::path> keep;
    /// Relative path -> content, added only inside the zip (e.g. a params file). Replaces a file
    /// of the directory with the same path.
    std::vector<std::pair<std::string, std::string>> extra_files;
    /// Largest total uncompressed size accepted (Ray's HTTP body limit is 100 MiB).
    std::size_t max_bytes = 100 * 1024 * 1024;
    /// False: the name and URI only (the content hash), `bytes` left empty; enough to ask Ray
    /// whether it holds the package before compressing it.
    bool zip = true;
};

/// synapse-sdk's default exclude list, matched with fnmatch against the relative path, the file
/// name and every path component. Note that any directory named `env`, `build` or `dist` goes.
inline const std::vector<std::string>& default_package_excludes() {
    static const std::vector<std::string> list = {
        "__pycache__", "*.pyc",         "*.pyo",       "*.pyd",          ".python-version",
        "*.egg-info",  "*.egg",         ".venv",       "venv",           ".env",
        "env",         ".git",          ".gitignore",  ".gitattributes", ".svn",
        ".hg",         ".idea",         ".vscode",     "*.swp",          "*.swo",
        ".DS_Store",   "Thumbs.db",     "dist",        "build",          "node_modules",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache",         ".tox",
        ".coverage",   "htmlcov",       "*.log",
    };
    return list;
}

/// Builds the working_dir package of `dir`: its files (sorted by relative path) minus the
/// default excludes, `extra_excludes` and the top-level `.gitignore`, plus `extra_files`.
/// Errors: io_error when `dir` or a file cannot be read, too_large when the total size of the
/// files exceeds `max_bytes` (the message names the five largest files).
[[nodiscard]] inline expected<package> make_package(const std::filesystem::path& dir,
                                                    const package_options& options = {}) {
    namespace fs = std::filesystem;
    namespace dp = detail::packaging;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return fail(errc::io_error, "working directory not found: " + dir.string());

    std::vector<std::string> excludes = default_package_excludes();
    excludes.insert(excludes.end(), options.extra_excludes.begin(), options.extra_excludes.end());
    auto ignore = dp::read_gitignore(dir);
    std::vector<std::string> keep;
    for (const auto& k : options.keep) {
        auto s = k.lexically_normal().generic_string();
        while (s.starts_with("./")) s.erase(0, 2);
        while (!s.empty() && s.back() == '/') s.pop_back();
        if (!s.empty() && s != ".") keep.push_back(std::move(s));
    }

    std::vector<dp::file_item> files;
    dp::walker w{excludes, ignore, keep, files};
    if (auto r = w.walk(dir, {}, false); !r) return fail(std::move(r).error());

    for (const auto& [rel, content] : options.extra_files) {
        auto norm = fs::path(rel).lexically_normal().generic_string();
        if (norm.empty() || norm.starts_with("/") || norm.starts_with("..") || norm.back() == '/')
            return fail(errc::invalid_argument,
                        "extra file path must be a relative file path: " + rel);
        std::erase_if(files, [&](const dp::file_item& f) { return f.rel == norm; });
        dp::file_item f;
        f.rel = norm;
        f.extra = &content;
        f.size = content.size();
        files.push_back(std::move(f));
    }
    std::sort(files.begin(), files.end(),
              [](const dp::file_item& a, const dp::file_item& b) { return a.rel < b.rel; });

    std::uintmax_t total = 0;
    for (const auto& f : files) total += f.size;
    if (total > options.max_bytes) {
        std::vector<const dp::file_item*> largest;
        for (const auto& f : files) largest.push_back(&f);
        std::stable_sort(largest.begin(), largest.end(),
                         [](auto* a, auto* b) { return a->size > b->size; });
        if (largest.size() > 5) largest.resize(5);
        std::string msg = "package of " + dir.string() + " is too large: " + std::to_string(total) +
                          " bytes (" + dp::human_size(total) + ") exceed the limit of " +
                          std::to_string(options.max_bytes) + " bytes (" +
                          dp::human_size(options.max_bytes) + "); largest files: ";
        for (std::size_t i = 0; i < largest.size(); ++i) {
            if (i) msg += ", ";
            msg += largest[i]->rel + " (" + std::to_string(largest[i]->size) + " bytes)";
        }
        return fail(errc::too_large, std::move(msg));
    }

    // Contents, and the hash over (path, NUL, size, NUL, content) of each file in order; the
    // size makes the framing unambiguous. Paths and contents only, so mtimes do not matter.
    std::vector<std::string> contents;
    contents.reserve(files.size());
    dp::sha1 hash;
    for (const auto& f : files) {
        if (f.extra) {
            contents.push_back(*f.extra);
        } else {
            auto data = dp::read_all(f.source);
            if (!data) return fail(std::move(data).error());
            contents.push_back(std::move(*data));
        }
        const auto& c = contents.back();
        hash.update(f.rel);
        hash.update(std::string_view("\0", 1));
        hash.update(std::to_string(c.size()));
        hash.update(std::string_view("\0", 1));
        hash.update(c);
    }
    std::string hex = hash.hex();
    if (hex.size() < 16) return fail(errc::io_error, "cannot compute the package hash (OpenSSL)");

    package out;
    out.name = "_ray_pkg_" + hex.substr(0, 16) + ".zip";  // 16 hex chars, as Ray's own names
    out.uri = "gcs://" + out.name;
    out.file_count = files.size();
    if (!options.zip) return out;
    std::vector<std::string> paths;
    std::vector<std::uint32_t> modes;
    for (const auto& f : files) {
        paths.push_back(f.rel);
        modes.push_back(static_cast<std::uint32_t>(f.mode));
    }
    auto bytes = dp::write_zip(paths, modes, contents);
    if (!bytes) return fail(std::move(bytes).error());
    out.bytes = std::move(*bytes);
    return out;
}

/// A shell command that starts the plugin binary from the unpacked working_dir, restoring its
/// executable bit first (Python's zipfile, which Ray unzips with, drops file modes):
/// `chmod +x './bin/plugin' 2>/dev/null; exec './bin/plugin'`.
inline std::string executable_launcher(std::string_view binary_relative_path) {
    std::string path(binary_relative_path);
    if (!path.starts_with("/") && !path.starts_with("./")) path = "./" + path;
    std::string quoted = "'";
    for (char c : path) {
        if (c == '\'')
            quoted += "'\\''";
        else
            quoted += c;
    }
    quoted += "'";
    return "chmod +x " + quoted + " 2>/dev/null; exec " + quoted;
}

}  // namespace synapse
