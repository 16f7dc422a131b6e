#include <synapse/ray/runtime_env.hpp>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "../common/temp_dir.hpp"

namespace fs = std::filesystem;
using synapse::build_runtime_env;
using synapse::errc;
using synapse::json;
using synapse::runtime_env_options;
using test_support::temp_dir;

namespace {

void write_env_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

template <class P = synapse::pip>
json build(const runtime_env_options& options, P packages = {}) {
    auto env = build_runtime_env(options, packages);
    if (!env) FAIL(synapse::to_string(env.error()));
    return std::move(*env);
}

/// Options whose requirements.txt (in `dir`) lists numpy.
runtime_env_options with_numpy(const temp_dir& dir) {
    write_env_file(dir.path() / "requirements.txt", "numpy\n");
    runtime_env_options options;
    options.working_dir = dir.path();
    return options;
}

}  // namespace

TEST_CASE("with nothing to install there is no package section, so no virtualenv",
          "[ray][runtime_env]") {
    CHECK(build({}) == json::parse(R"({"env_vars": {}})"));
    CHECK(build({}, synapse::uv{}) == json::parse(R"({"env_vars": {}})"));
    runtime_env_options options;
    options.base = json::parse(R"({"pip": {}, "uv": []})");
    CHECK(build(options) == json::parse(R"({"uv": [], "env_vars": {}})"));
}

TEST_CASE("pip starts its options with --upgrade and uv with --no-cache", "[ray][runtime_env]") {
    temp_dir dir;
    auto env = build(with_numpy(dir));
    CHECK(env["pip"] ==
          json::parse(R"({"packages": ["numpy"], "pip_install_options": ["--upgrade"]})"));
    auto uv_env = build(with_numpy(dir), synapse::uv{});
    CHECK(uv_env["uv"] ==
          json::parse(R"({"packages": ["numpy"], "uv_pip_install_options": ["--no-cache"]})"));
    CHECK_FALSE(uv_env.contains("pip"));
}

TEST_CASE("the working_dir uri is set unless the base runtime_env has one", "[ray][runtime_env]") {
    runtime_env_options options;
    options.working_dir_uri = "gcs://_ray_pkg_0123456789abcdef.zip";
    CHECK(build(options)["working_dir"] == "gcs://_ray_pkg_0123456789abcdef.zip");
    options.base = {{"working_dir", "https://example.com/x.zip"}};
    CHECK(build(options)["working_dir"] == "https://example.com/x.zip");
}

TEST_CASE("user options follow the defaults without duplicates", "[ray][runtime_env]") {
    temp_dir dir;
    auto options = with_numpy(dir);
    options.manager_options = {"--upgrade", "--no-deps", "--no-deps", "--pre"};
    CHECK(build(options)["pip"]["pip_install_options"] ==
          json::parse(R"(["--upgrade", "--no-deps", "--pre"])"));

    options.manager_options = {"--no-cache", "--prerelease=allow"};
    CHECK(build(options, synapse::uv{})["uv"]["uv_pip_install_options"] ==
          json::parse(R"(["--no-cache", "--prerelease=allow"])"));
}

TEST_CASE("options already in the base runtime_env are not repeated", "[ray][runtime_env]") {
    runtime_env_options options;
    options.base = json::parse(R"({"pip": {"packages": ["numpy"],
                                           "pip_install_options": ["--upgrade", "--quiet"]}})");
    options.manager_options = {"--quiet", "--pre"};
    auto env = build(options);
    CHECK(env["pip"] == json::parse(R"({
        "packages": ["numpy"],
        "pip_install_options": ["--upgrade", "--quiet", "--pre"]})"));
}

TEST_CASE("requirements.txt gives packages and shell-split option lines, comments dropped",
          "[ray][runtime_env]") {
    temp_dir dir;
    write_env_file(dir.path() / "requirements.txt",
                   "# pinned\n"
                   "\n"
                   "requests==2.32.0  # http client\n"
                   "   numpy>=1.26   \n"
                   "--extra-index-url https://pypi.example.com/simple\n"
                   "  # indented comment\n"
                   "-f 'https://wheels.example.com/my wheels/'\n"
                   "pandas#egg-fragment-kept\n");
    runtime_env_options options;
    options.working_dir = dir.path();
    auto env = build(options);
    CHECK(env["pip"] == json::parse(R"({
        "packages": ["requests==2.32.0", "numpy>=1.26", "pandas#egg-fragment-kept"],
        "pip_install_options": ["--extra-index-url", "https://pypi.example.com/simple",
                                "-f", "https://wheels.example.com/my wheels/", "--upgrade"]})"));
}

TEST_CASE("an explicit requirements file wins over the working_dir one", "[ray][runtime_env]") {
    temp_dir dir;
    write_env_file(dir.path() / "requirements.txt", "numpy\n");
    write_env_file(dir.path() / "other.txt", "scipy\n");
    runtime_env_options options;
    options.working_dir = dir.path();
    options.requirements_file = dir.path() / "other.txt";
    CHECK(build(options)["pip"]["packages"] == json::parse(R"(["scipy"])"));
}

TEST_CASE("a missing requirements file means no packages", "[ray][runtime_env]") {
    temp_dir dir;
    runtime_env_options options;
    options.working_dir = dir.path();
    options.requirements_file = dir.path() / "absent.txt";
    auto env = build(options);
    CHECK_FALSE(env.contains("pip"));
}

TEST_CASE("an option line with an unterminated quote is an error", "[ray][runtime_env]") {
    temp_dir dir;
    write_env_file(dir.path() / "requirements.txt", "--index-url 'https://x\n");
    runtime_env_options options;
    options.working_dir = dir.path();
    auto env = build_runtime_env(options);
    REQUIRE_FALSE(env);
    CHECK(env.error().code == errc::invalid_argument);
}

TEST_CASE("wheels become ${RAY_RUNTIME_ENV_CREATE_WORKING_DIR}/wheels/<file> after packages",
          "[ray][runtime_env]") {
    temp_dir dir;
    write_env_file(dir.path() / "requirements.txt", "numpy\n");
    write_env_file(dir.path() / "wheels/zeta-1.0-py3-none-any.whl", "w");
    write_env_file(dir.path() / "wheels/alpha-2.0-py3-none-any.whl", "w");
    write_env_file(dir.path() / "wheels/README.md", "not a wheel");
    write_env_file(dir.path() / "wheels/nested/deep-1.0-py3-none-any.whl", "not listed");
    runtime_env_options options;
    options.working_dir = dir.path();
    auto env = build(options, synapse::uv{});
    CHECK(env["uv"]["packages"] == json::parse(R"([
        "numpy",
        "${RAY_RUNTIME_ENV_CREATE_WORKING_DIR}/wheels/alpha-2.0-py3-none-any.whl",
        "${RAY_RUNTIME_ENV_CREATE_WORKING_DIR}/wheels/zeta-1.0-py3-none-any.whl"])"));
}

TEST_CASE("a custom wheels_dir is used in the wheel paths", "[ray][runtime_env]") {
    temp_dir dir;
    write_env_file(dir.path() / "dist/wheels/a-1.0-py3-none-any.whl", "w");
    runtime_env_options options;
    options.working_dir = dir.path();
    options.wheels_dir = "dist/wheels";
    CHECK(build(options)["pip"]["packages"] ==
          json::parse(
              R"(["${RAY_RUNTIME_ENV_CREATE_WORKING_DIR}/dist/wheels/a-1.0-py3-none-any.whl"])"));
}

TEST_CASE("a base package list is wrapped and extended without repeating packages",
          "[ray][runtime_env]") {
    temp_dir dir;
    write_env_file(dir.path() / "requirements.txt", "numpy\nscipy\n");
    runtime_env_options options;
    options.working_dir = dir.path();
    options.base = json::parse(R"({"pip": ["numpy", "torch"]})");
    CHECK(build(options)["pip"] == json::parse(R"({"packages": ["numpy", "torch", "scipy"],
                                                   "pip_install_options": ["--upgrade"]})"));
}

TEST_CASE("base runtime_env keys are kept", "[ray][runtime_env]") {
    runtime_env_options options;
    options.base = json::parse(R"({"config": {"setup_timeout_seconds": 1200},
                                   "py_modules": ["gcs://_ray_pkg_aaaaaaaaaaaaaaaa.zip"],
                                   "env_vars": {"FROM_BASE": "1"},
                                   "pip": {"pip_check": false}})");
    options.env_vars = {{"EXTRA", "2"}};
    auto env = build(options);
    CHECK(env["config"] == json::parse(R"({"setup_timeout_seconds": 1200})"));
    CHECK(env["py_modules"] == json::parse(R"(["gcs://_ray_pkg_aaaaaaaaaaaaaaaa.zip"])"));
    CHECK(env["pip"]["pip_check"] == false);
    CHECK(env["env_vars"] == json::parse(R"({"FROM_BASE": "1", "EXTRA": "2"})"));
}

TEST_CASE("a base runtime_env of the wrong shape is config_invalid", "[ray][runtime_env]") {
    runtime_env_options options;
    options.base = json::array({1});
    auto env = build_runtime_env(options);
    REQUIRE_FALSE(env);
    CHECK(env.error().code == errc::config_invalid);

    options.base = json::parse(R"({"pip": "requirements.txt"})");
    env = build_runtime_env(options);
    REQUIRE_FALSE(env);
    CHECK(env.error().code == errc::config_invalid);

    options.base = json::parse(R"({"env_vars": ["A=1"]})");
    env = build_runtime_env(options);
    REQUIRE_FALSE(env);
    CHECK(env.error().code == errc::config_invalid);
}

TEST_CASE("env_vars values are stringified and explicit ones override the base",
          "[ray][runtime_env]") {
    runtime_env_options options;
    options.base = json::parse(R"({"env_vars": {"A": "base", "N": 3, "GONE": null}})");
    options.env_vars = json::parse(
        R"({"A": "explicit", "B": 7, "F": 1.5, "T": true,
            "L": [1, "x"], "O": {"k": 1}, "Z": null})");
    auto env = build(options);
    CHECK(env["env_vars"] == json::parse(R"({"A": "explicit", "N": "3", "B": "7", "F": "1.5",
                                             "T": "true", "L": "[1,\"x\"]", "O": "{\"k\":1}"})"));
}

TEST_CASE("the local process environment is never forwarded", "[ray][runtime_env]") {
    setenv("SYNAPSE_RUNTIME_ENV_TEST_SECRET", "leak", 1);
    auto env = build({});
    CHECK(env["env_vars"].empty());
}

TEST_CASE("SYNAPSE_HOST and SYNAPSE_ACCESS_TOKEN are added when known and not set",
          "[ray][runtime_env]") {
    runtime_env_options options;
    options.synapse_host = "https://synapse.example.com";
    options.synapse_access_token = "tok-123";
    auto env = build(options);
    CHECK(env["env_vars"]["SYNAPSE_HOST"] == "https://synapse.example.com");
    CHECK(env["env_vars"]["SYNAPSE_ACCESS_TOKEN"] == "tok-123");

    options.synapse_access_token.reset();
    options.synapse_host = "";
    CHECK(build(options)["env_vars"].empty());
}

TEST_CASE("explicit SYNAPSE_* env vars win over the known credentials", "[ray][runtime_env]") {
    runtime_env_options options;
    options.synapse_host = "https://from-credentials";
    options.synapse_access_token = "from-credentials";
    options.env_vars = {{"SYNAPSE_HOST", "https://explicit"}};
    options.base = json::parse(R"({"env_vars": {"SYNAPSE_ACCESS_TOKEN": "from-config"}})");
    auto env = build(options);
    CHECK(env["env_vars"]["SYNAPSE_HOST"] == "https://explicit");
    CHECK(env["env_vars"]["SYNAPSE_ACCESS_TOKEN"] == "from-config");
}

TEST_CASE("the documented pip example is reproduced", "[ray][runtime_env]") {
    temp_dir dir;
    write_env_file(dir.path() / "requirements.txt", "--extra-index-url X\nnumpy\n");
    runtime_env_options options;
    options.working_dir = dir.path();
    options.working_dir_uri = "gcs://_ray_pkg_0123456789abcdef.zip";
    auto env = build(options);
    CHECK(env == json::parse(R"({
        "working_dir": "gcs://_ray_pkg_0123456789abcdef.zip",
        "pip": {"packages": ["numpy"],
                "pip_install_options": ["--extra-index-url", "X", "--upgrade"]},
        "env_vars": {}})"));
}
