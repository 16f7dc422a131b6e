// Which files of a plugin directory go into its working_dir package: synapse-sdk's default
// excludes, extra patterns, the top-level .gitignore, and paths kept whatever the rules say.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fnmatch.h>

#include "synapse/core/expected.hpp"

namespace synapse::detail::packaging {

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

}  // namespace synapse::detail::packaging
