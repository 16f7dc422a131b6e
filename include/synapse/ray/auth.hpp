// Where the Ray auth token comes from, with the same rules as Ray's own loaders: the env var
// RAY_AUTH_TOKEN, else the file named by RAY_AUTH_TOKEN_PATH, else ~/.ray/auth_token.
#pragma once

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "synapse/core/detail/text.hpp"

namespace synapse {

namespace detail {

inline std::optional<std::string> nonempty_token(std::string_view raw) {
    const auto t = trim(raw);
    if (t.empty()) return std::nullopt;
    return std::string(t);
}

inline std::optional<std::string> read_token_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return nonempty_token(text);
}

inline std::string auth_home_directory() {
    if (const char* home = std::getenv("HOME"); home && *home) return home;
    if (const char* profile = std::getenv("USERPROFILE"); profile && *profile) return profile;
    return {};
}

}  // namespace detail

/// The Ray auth token, trimmed of surrounding whitespace, or nullopt when there is none:
/// 1. the env var RAY_AUTH_TOKEN, when set and not blank;
/// 2. else, when RAY_AUTH_TOKEN_PATH is set, the contents of that file (a leading "~/" means the
///    home directory), and nothing else;
/// 3. else the contents of ~/.ray/auth_token.
/// A missing, unreadable or blank file means no token. The token is never logged.
[[nodiscard]] inline std::optional<std::string> ray_auth_token() {
    if (const char* env = std::getenv("RAY_AUTH_TOKEN"); env) {
        if (auto token = detail::nonempty_token(env)) return token;
    }
    if (const char* path = std::getenv("RAY_AUTH_TOKEN_PATH"); path && *path) {
        std::string p = path;
        if (p.starts_with("~/")) {
            const std::string home = detail::auth_home_directory();
            if (home.empty()) return std::nullopt;
            p = home + p.substr(1);
        }
        return detail::read_token_file(p);
    }
    const std::string home = detail::auth_home_directory();
    if (home.empty()) return std::nullopt;
    return detail::read_token_file(home + "/.ray/auth_token");
}

}  // namespace synapse
