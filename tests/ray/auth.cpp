#include <synapse/ray/auth.hpp>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "../common/env_guard.hpp"
#include "../common/temp_dir.hpp"

namespace transport_auth_test {

using test_support::env_guard;

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

}  // namespace transport_auth_test

using transport_auth_test::env_guard;
using transport_auth_test::write_file;

TEST_CASE("the token comes from RAY_AUTH_TOKEN first, trimmed", "[auth]") {
    env_guard env;
    test_support::temp_dir home;
    write_file(home / ".ray/auth_token", "file-token");
    env.set("HOME", home.path().string());
    env.set("RAY_AUTH_TOKEN_PATH", (home / ".ray/auth_token").string());
    env.set("RAY_AUTH_TOKEN", "  env-token\n");
    CHECK(synapse::ray_auth_token() == std::optional<std::string>("env-token"));
}

TEST_CASE("the token comes from the file named by RAY_AUTH_TOKEN_PATH when the env var is unset",
          "[auth]") {
    env_guard env;
    test_support::temp_dir dir;
    write_file(dir / "custom_token", "path-token\n");
    write_file(dir / "home/.ray/auth_token", "home-token");
    env.unset("RAY_AUTH_TOKEN");
    env.set("HOME", (dir / "home").string());
    env.set("RAY_AUTH_TOKEN_PATH", (dir / "custom_token").string());
    CHECK(synapse::ray_auth_token() == std::optional<std::string>("path-token"));
}

TEST_CASE("a blank RAY_AUTH_TOKEN falls back to the token file", "[auth]") {
    env_guard env;
    test_support::temp_dir dir;
    write_file(dir / "custom_token", "path-token");
    env.set("RAY_AUTH_TOKEN", "   ");
    env.set("RAY_AUTH_TOKEN_PATH", (dir / "custom_token").string());
    CHECK(synapse::ray_auth_token() == std::optional<std::string>("path-token"));
}

TEST_CASE("RAY_AUTH_TOKEN_PATH may start with a tilde for the home directory", "[auth]") {
    env_guard env;
    test_support::temp_dir home;
    write_file(home / "tokens/ray", "tilde-token");
    env.unset("RAY_AUTH_TOKEN");
    env.set("HOME", home.path().string());
    env.set("RAY_AUTH_TOKEN_PATH", "~/tokens/ray");
    CHECK(synapse::ray_auth_token() == std::optional<std::string>("tilde-token"));
}

TEST_CASE("a missing file named by RAY_AUTH_TOKEN_PATH means no token", "[auth]") {
    env_guard env;
    test_support::temp_dir home;
    write_file(home / ".ray/auth_token", "home-token");
    env.unset("RAY_AUTH_TOKEN");
    env.set("HOME", home.path().string());
    env.set("RAY_AUTH_TOKEN_PATH", (home / "does-not-exist").string());
    CHECK_FALSE(synapse::ray_auth_token().has_value());
}

TEST_CASE("the token comes from ~/.ray/auth_token when no env var is set", "[auth]") {
    env_guard env;
    test_support::temp_dir home;
    write_file(home / ".ray/auth_token", "\thome-token \r\n");
    env.unset("RAY_AUTH_TOKEN");
    env.unset("RAY_AUTH_TOKEN_PATH");
    env.set("HOME", home.path().string());
    CHECK(synapse::ray_auth_token() == std::optional<std::string>("home-token"));
}

TEST_CASE("there is no token when no source has one", "[auth]") {
    env_guard env;
    test_support::temp_dir home;
    env.unset("RAY_AUTH_TOKEN");
    env.unset("RAY_AUTH_TOKEN_PATH");
    env.set("HOME", home.path().string());
    CHECK_FALSE(synapse::ray_auth_token().has_value());
}

TEST_CASE("a blank token file means no token", "[auth]") {
    env_guard env;
    test_support::temp_dir home;
    write_file(home / ".ray/auth_token", " \n\n");
    env.unset("RAY_AUTH_TOKEN");
    env.unset("RAY_AUTH_TOKEN_PATH");
    env.set("HOME", home.path().string());
    CHECK_FALSE(synapse::ray_auth_token().has_value());
}
