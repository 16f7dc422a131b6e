// The PackageManager policies and the one place a run-time name becomes one of them.
#include <synapse/ray/package_manager.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <synapse/ray/runtime_env.hpp>

#include "../common/temp_dir.hpp"

using synapse::json;

namespace {

/// A policy of the user's: conda's section instead of pip's.
struct conda_env {
    using package_manager_concept = synapse::package_manager_tag;
    static constexpr std::string_view name = "conda";
    synapse::expected<void> apply(json& env, const synapse::package_request& r) const {
        if (!r.packages.empty()) env["conda"] = {{"dependencies", r.packages}};
        return {};
    }
};

struct untagged {
    static constexpr std::string_view name = "x";
    synapse::expected<void> apply(json&, const synapse::package_request&) const { return {}; }
};

}  // namespace

TEST_CASE("pip, uv, no_packages and a user's policy are package managers", "[package_manager]") {
    STATIC_REQUIRE(synapse::PackageManager<synapse::pip>);
    STATIC_REQUIRE(synapse::PackageManager<synapse::uv>);
    STATIC_REQUIRE(synapse::PackageManager<synapse::no_packages>);
    STATIC_REQUIRE(synapse::PackageManager<conda_env>);
    STATIC_REQUIRE_FALSE(synapse::PackageManager<untagged>);
    STATIC_REQUIRE(std::is_empty_v<synapse::pip>);
}

TEST_CASE("a user's package manager writes its own section", "[package_manager]") {
    test_support::temp_dir dir;
    std::ofstream(dir / "requirements.txt") << "numpy\n";
    synapse::runtime_env_options options;
    options.working_dir = dir.path();
    auto env = synapse::build_runtime_env(options, conda_env{});
    REQUIRE(env);
    CHECK(*env == json::parse(R"({"conda": {"dependencies": ["numpy"]}, "env_vars": {}})"));
}

TEST_CASE("no_packages installs nothing and refuses a package list", "[package_manager]") {
    synapse::no_packages none;
    json env = json::object();
    REQUIRE(none.apply(env, {}));
    CHECK(env == json::object());

    synapse::package_request request;
    request.packages = {"numpy", "scipy", "torch", "pandas"};
    auto refused = none.apply(env, request);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == synapse::errc::invalid_argument);
    CHECK(refused.error().message ==
          "package manager 'none' installs nothing, but 4 package(s) were asked for (numpy, "
          "scipy, torch, ...) by requirements.txt or wheels");

    json with_pip = {{"pip", {"numpy"}}};
    auto base = none.apply(with_pip, {});
    REQUIRE_FALSE(base);
    CHECK(base.error().code == synapse::errc::config_invalid);
    CHECK(base.error().message == "runtime_env: 'pip' is set, but the package manager is 'none'");
}

TEST_CASE("with_package_manager maps config.yaml's name onto the policy", "[package_manager]") {
    auto name_of = [](std::string_view name) {
        return synapse::with_package_manager(name, []<class P>(P) { return std::string(P::name); });
    };
    CHECK(name_of("pip").value() == "pip");
    CHECK(name_of("uv").value() == "uv");
    CHECK(name_of("none").value() == "none");
    auto bad = name_of("conda");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::invalid_argument);
    CHECK(bad.error().message == "unknown package manager 'conda' (expected pip, uv or none)");

    int calls = 0;
    auto nothing = synapse::with_package_manager("uv", [&](auto) { ++calls; });
    CHECK(nothing);
    CHECK(calls == 1);
}
