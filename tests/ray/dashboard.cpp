// Where the dashboard is and Ray's token: dashboard_transport_options reads them; plain
// transport_options never do.
#include <synapse/ray/dashboard.hpp>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "../common/env_guard.hpp"
#include "../common/http_test_server.hpp"
#include "../common/temp_dir.hpp"

using namespace test_support;

namespace {

void write_dashboard_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

/// Sends one GET with dashboard_transport_options(server) and returns the Authorization header
/// the server saw ("" when none).
std::string authorization_sent(test_server& server, synapse::transport_options o) {
    auto t = make_transport(std::move(o));
    REQUIRE(t.send(request("GET", "/api/version")));
    const auto seen = server.seen();
    REQUIRE(seen.size() == 1);
    return seen[0].authorization;
}

struct version_server : test_server {
    version_server() {
        server.Get("/api/version", [](const httplib::Request&, httplib::Response& res) {
            res.set_content("{}", "application/json");
        });
        start();
    }
};

}  // namespace

TEST_CASE("default transport options carry no token even when RAY_AUTH_TOKEN is set",
          "[dashboard][auth]") {
    env_guard env;
    env.set("RAY_AUTH_TOKEN", "env-token");
    synapse::transport_options o;
    CHECK_FALSE(o.token);
    CHECK(o.base_url.empty());
    version_server server;
    o.base_url = server.url();
    CHECK(authorization_sent(server, o).empty());
}

TEST_CASE("dashboard options take the token from RAY_AUTH_TOKEN", "[dashboard][auth]") {
    env_guard env;
    test_support::temp_dir home;
    env.set("HOME", home.path().string());
    env.unset("RAY_AUTH_TOKEN_PATH");
    env.set("RAY_AUTH_TOKEN", "env-token");
    version_server server;
    CHECK(authorization_sent(server, synapse::dashboard_transport_options(server.url())) ==
          "Bearer env-token");
}

TEST_CASE("dashboard options take the token from the file named by RAY_AUTH_TOKEN_PATH",
          "[dashboard][auth]") {
    env_guard env;
    test_support::temp_dir dir;
    write_dashboard_file(dir / "token", "path-token\n");
    env.set("HOME", (dir / "home").string());
    env.unset("RAY_AUTH_TOKEN");
    env.set("RAY_AUTH_TOKEN_PATH", (dir / "token").string());
    version_server server;
    CHECK(authorization_sent(server, synapse::dashboard_transport_options(server.url())) ==
          "Bearer path-token");
}

TEST_CASE("dashboard options take the token from ~/.ray/auth_token", "[dashboard][auth]") {
    env_guard env;
    test_support::temp_dir home;
    write_dashboard_file(home / ".ray/auth_token", "home-token\n");
    env.set("HOME", home.path().string());
    env.unset("RAY_AUTH_TOKEN");
    env.unset("RAY_AUTH_TOKEN_PATH");
    version_server server;
    CHECK(authorization_sent(server, synapse::dashboard_transport_options(server.url())) ==
          "Bearer home-token");
}

TEST_CASE("the dashboard URL comes from RAY_DASHBOARD_ADDRESS, else the local head",
          "[dashboard]") {
    env_guard env;
    env.unset("RAY_DASHBOARD_URL");
    env.unset("RAY_DASHBOARD_ADDRESS");
    CHECK(synapse::dashboard_url_from_environment() == "http://127.0.0.1:8265");
    env.set("RAY_DASHBOARD_URL", "http://10.0.0.1:8265");
    CHECK(synapse::dashboard_url_from_environment() == "http://10.0.0.1:8265");
    env.set("RAY_DASHBOARD_ADDRESS", "http://head:8265");
    CHECK(synapse::dashboard_url_from_environment() == "http://head:8265");
    CHECK(synapse::dashboard_transport_options().base_url == "http://head:8265");
}

TEST_CASE("an unauthorized answer of the dashboard says where the token comes from",
          "[dashboard][auth]") {
    synapse::error e(synapse::errc::unauthorized, "reading job x: HTTP 401");
    CHECK(synapse::detail::with_ray_token_hint(e).message ==
          "reading job x: HTTP 401 (check the Ray auth token: RAY_AUTH_TOKEN, "
          "RAY_AUTH_TOKEN_PATH or ~/.ray/auth_token)");
    synapse::error other(synapse::errc::not_found, "x");
    CHECK(synapse::detail::with_ray_token_hint(other).message == "x");
}
