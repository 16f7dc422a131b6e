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
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fnmatch.h>
#include <openssl/evp.h>
#include <zip.h>

#include "synapse/core/expected.hpp"

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

namespace detail::packaging {

namespace fs = std::filesystem;

inline bool fnmatches(const std::string& pattern, const std::string& text, int flags = 0) {
    return ::fnmatch(pattern.c_str(), text.c_str(), flags) == 0;
}

/// One simple .gitignore rule.
struct ignore_rule {
    std::string pattern;
    bool dir_only = false;  ///< written with a trailing '/'
    bool anchored = false;  ///< leading '/' or a '/' inside: matched against the relative path
};

/// Reads `<dir>/.gitignore`. Supported: blank and `#` lines skipped, trailing `/` (directories
/// only), leading `/` or an inner `/` (anchored at the top), a leading `**/` (anywhere), and the
/// fnmatch wildcards `*`, `?`, `[...]`. Negation (`!pattern`) is ignored: a negated line
/// re-includes nothing. Nested .gitignore files are not read.
inline std::vector<ignore_rule> read_gitignore(const fs::path& dir) {
    std::vector<ignore_rule> rules;
    std::ifstream in(dir / ".gitignore");
    if (!in) return rules;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.pop_back();
        if (line.empty() || line[0] == '#' || line[0] == '!') continue;
        ignore_rule r;
        if (line.back() == '/') {
            r.dir_only = true;
            line.pop_back();
        }
        if (line.starts_with("**/")) {
            line.erase(0, 3);
        } else if (line.starts_with("/")) {
            r.anchored = true;
            line.erase(0, 1);
        } else if (line.find('/') != std::string::npos) {
            r.anchored = true;
        }
        if (line.empty()) continue;
        r.pattern = std::move(line);
        rules.push_back(std::move(r));
    }
    return rules;
}

/// The walk's view of a path: its relative form and its components.
struct entry_path {
    std::string rel;                      ///< "a/b/c" (POSIX separators)
    std::vector<std::string> components;  ///< {"a", "b", "c"}
};

/// True when a default / extra exclude pattern matches the path itself or its name. Ancestors
/// were checked when the walk reached them.
inline bool matches_exclude(const std::vector<std::string>& patterns, const entry_path& p) {
    for (const auto& pat : patterns)
        if (fnmatches(pat, p.rel) || fnmatches(pat, p.components.back())) return true;
    return false;
}

inline bool matches_gitignore(const std::vector<ignore_rule>& rules, const entry_path& p,
                              bool is_dir) {
    for (const auto& r : rules) {
        if (r.dir_only && !is_dir) continue;
        if (r.anchored ? fnmatches(r.pattern, p.rel, FNM_PATHNAME)
                       : fnmatches(r.pattern, p.components.back()))
            return true;
    }
    return false;
}

/// True when `rel` is a kept path or lies inside a kept directory.
inline bool is_kept(const std::vector<std::string>& keep, const std::string& rel) {
    for (const auto& k : keep)
        if (rel == k || (rel.size() > k.size() && rel.starts_with(k) && rel[k.size()] == '/'))
            return true;
    return false;
}

/// True when some kept path lies inside the directory `rel`.
inline bool holds_kept(const std::vector<std::string>& keep, const std::string& rel) {
    for (const auto& k : keep)
        if (k.size() > rel.size() && k.starts_with(rel) && k[rel.size()] == '/') return true;
    return false;
}

struct file_item {
    std::string rel;
    fs::path source;  ///< empty for an extra file
    const std::string* extra = nullptr;
    std::uintmax_t size = 0;
    std::uint32_t mode = 0644;
};

struct walker {
    const std::vector<std::string>& excludes;
    const std::vector<ignore_rule>& ignore;
    const std::vector<std::string>& keep;
    std::vector<file_item>& out;

    /// Collects the files under `dir`; `excluded` says an ancestor was excluded (then only kept
    /// paths survive).
    expected<void> walk(const fs::path& dir, const entry_path& base, bool excluded) {
        std::error_code ec;
        fs::directory_iterator it(dir, ec), end;
        if (ec)
            return fail(errc::io_error,
                        "cannot read directory " + dir.string() + ": " + ec.message());
        for (; it != end; it.increment(ec)) {
            if (ec) break;
            const auto& de = *it;
            entry_path p = base;
            p.components.push_back(de.path().filename().string());
            p.rel = p.rel.empty() ? p.components.back() : p.rel + "/" + p.components.back();
            std::error_code sec;
            bool is_symlink = de.is_symlink(sec);
            bool is_dir = de.is_directory(sec);
            bool is_file = de.is_regular_file(sec);
            if (is_dir) {
                if (is_symlink) continue;  // as os.walk: symlinked directories are not followed
                bool ex =
                    excluded || matches_exclude(excludes, p) || matches_gitignore(ignore, p, true);
                if (ex && !is_kept(keep, p.rel) && !holds_kept(keep, p.rel)) continue;
                if (auto r = walk(de.path(), p, ex && !is_kept(keep, p.rel)); !r) return r;
            } else if (is_file) {
                bool ex =
                    excluded || matches_exclude(excludes, p) || matches_gitignore(ignore, p, false);
                if (ex && !is_kept(keep, p.rel)) continue;
                file_item f;
                f.rel = p.rel;
                f.source = de.path();
                f.size = fs::file_size(de.path(), sec);
                if (sec)
                    return fail(errc::io_error,
                                "cannot read file " + de.path().string() + ": " + sec.message());
                auto perms = fs::status(de.path(), sec).permissions();
                bool exec = (perms & (fs::perms::owner_exec | fs::perms::group_exec |
                                      fs::perms::others_exec)) != fs::perms::none;
                f.mode = exec ? 0755 : 0644;
                out.push_back(std::move(f));
            }
        }
        if (ec)
            return fail(errc::io_error,
                        "cannot read directory " + dir.string() + ": " + ec.message());
        return {};
    }
};

inline std::string human_size(std::uintmax_t n) {
    std::ostringstream os;
    os.precision(1);
    os << std::fixed;
    if (n >= 1024 * 1024)
        os << static_cast<double>(n) / (1024.0 * 1024.0) << " MiB";
    else if (n >= 1024)
        os << static_cast<double>(n) / 1024.0 << " KiB";
    else
        os << n << " B";
    return os.str();
}

inline expected<std::string> read_all(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(errc::io_error, "cannot open " + path.string());
    std::ostringstream os;
    os << in.rdbuf();
    if (in.bad()) return fail(errc::io_error, "cannot read " + path.string());
    return std::move(os).str();
}

/// SHA-1 that frees its context.
class sha1 {
  public:
    sha1() : ctx_(EVP_MD_CTX_new()) {
        if (ctx_ && EVP_DigestInit_ex(ctx_, EVP_sha1(), nullptr) != 1) reset();
    }
    sha1(const sha1&) = delete;
    sha1& operator=(const sha1&) = delete;
    ~sha1() { reset(); }
    bool ok() const { return ctx_ != nullptr; }
    void update(const void* data, std::size_t n) {
        if (ctx_ && EVP_DigestUpdate(ctx_, data, n) != 1) reset();
    }
    void update(std::string_view s) { update(s.data(), s.size()); }
    /// Lowercase hex of the digest, or an empty string on failure.
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (!ctx_ || EVP_DigestFinal_ex(ctx_, md, &len) != 1) return {};
        static constexpr char digits[] = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < len; ++i) {
            out += digits[md[i] >> 4];
            out += digits[md[i] & 0xf];
        }
        return out;
    }

  private:
    void reset() {
        if (ctx_) EVP_MD_CTX_free(ctx_);
        ctx_ = nullptr;
    }
    EVP_MD_CTX* ctx_;
};

/// Closes (discarding) an archive that was not finished.
struct zip_guard {
    zip_t* za = nullptr;
    ~zip_guard() {
        if (za) zip_discard(za);
    }
};

struct source_guard {
    zip_source_t* src = nullptr;
    ~source_guard() {
        if (src) zip_source_free(src);
    }
};

inline unexpected_type<error> zip_failure(std::string_view what, zip_error_t* ze) {
    std::string msg = "cannot build the package zip: " + std::string(what);
    if (ze) msg += ": " + std::string(zip_error_strerror(ze));
    return fail(errc::io_error, std::move(msg));
}

}  // namespace detail::packaging

/// Builds the working_dir package of `dir`: its files (sorted by relative path) minus the
/// default excludes, `extra_excludes` and the top-level `.gitignore`, plus `extra_files`.
/// Errors: io_error when `dir` or a file cannot be read, too_large when the total size of the
/// files exceeds `max_bytes` (the message names the five largest files).
inline expected<package> make_package(const std::filesystem::path& dir,
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

    if (files.empty()) {
        // libzip writes nothing for an empty archive; Ray still needs a zip: the bare end record.
        out.bytes = {'P', 'K', 5, 6};
        out.bytes.resize(22, 0);
        return out;
    }

    // The zip, in memory.
    zip_error_t ze;
    zip_error_init(&ze);
    dp::source_guard buffer{zip_source_buffer_create(nullptr, 0, 0, &ze)};
    if (!buffer.src) {
        auto e = dp::zip_failure("buffer", &ze);
        zip_error_fini(&ze);
        return e;
    }
    dp::zip_guard archive{zip_open_from_source(buffer.src, ZIP_TRUNCATE, &ze)};
    if (!archive.za) {
        auto e = dp::zip_failure("open", &ze);
        zip_error_fini(&ze);
        return e;
    }
    zip_error_fini(&ze);
    zip_source_keep(buffer.src);  // the archive owns a reference; keep ours to read the bytes
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto& c = contents[i];
        zip_source_t* s = zip_source_buffer(archive.za, c.data(), c.size(), 0);
        if (!s) return dp::zip_failure(files[i].rel, zip_get_error(archive.za));
        zip_int64_t idx = zip_file_add(archive.za, files[i].rel.c_str(), s, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(s);
            return dp::zip_failure(files[i].rel, zip_get_error(archive.za));
        }
        auto u = static_cast<zip_uint64_t>(idx);
        // 1980-01-01 00:00:00 (DOS date: day 1 | month 1 << 5 | (1980 - 1980) << 9).
        if (zip_file_set_dostime(archive.za, u, 0, (1 << 5) | 1, 0) < 0 ||
            zip_file_set_external_attributes(archive.za, u, 0, ZIP_OPSYS_UNIX,
                                             static_cast<zip_uint32_t>(0100000u | files[i].mode)
                                                 << 16) < 0 ||
            zip_set_file_compression(archive.za, u, ZIP_CM_DEFLATE, 6) < 0)
            return dp::zip_failure(files[i].rel, zip_get_error(archive.za));
    }
    if (zip_close(archive.za) < 0) return dp::zip_failure("close", zip_get_error(archive.za));
    archive.za = nullptr;

    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(buffer.src, &st) < 0 || zip_source_open(buffer.src) < 0)
        return dp::zip_failure("read", zip_source_error(buffer.src));
    out.bytes.resize(static_cast<std::size_t>(st.size));
    zip_int64_t got = zip_source_read(buffer.src, out.bytes.data(), st.size);
    zip_source_close(buffer.src);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size)
        return dp::zip_failure("read", zip_source_error(buffer.src));
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

/// Which packages this process already uploaded (by name, i.e. by content hash), so an
/// unchanged plugin is not uploaded twice. Thread-safe.
class package_cache {
  public:
    bool uploaded(const std::string& name) const {
        std::lock_guard lock(mutex_);
        return names_.contains(name);
    }
    void mark_uploaded(std::string name) {
        std::lock_guard lock(mutex_);
        names_.insert(std::move(name));
    }
    /// Forgets a package, e.g. after the server lost it (a 404 on the pinning GET).
    void forget(const std::string& name) {
        std::lock_guard lock(mutex_);
        names_.erase(name);
    }

  private:
    mutable std::mutex mutex_;
    std::set<std::string> names_;
};

}  // namespace synapse
