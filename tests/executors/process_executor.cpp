#include <synapse/executors/process_executor.hpp>

#include <catch2/catch.hpp>
#include <fstream>

#include "../common/env_guard.hpp"
#include "../common/temp_dir.hpp"

using synapse::json;

namespace {
const std::string plugin = std::string(SYNAPSE_REGRESSION_PLUGIN_DIR) + "/regression";
const std::string python_plugin_dir =
    std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";

synapse::process_options quiet(std::vector<std::string>* lines = nullptr) {
    synapse::process_options o;
    o.on_output = [lines](bool, std::string_view line) {
        if (lines) lines->emplace_back(line);
    };
    return o;
}
}  // namespace

TEST_CASE("a plugin binary runs through the job protocol and returns its result",
          "[process_executor]") {
    test_support::temp_dir dir;
    std::vector<std::string> lines;
    auto exec = synapse::process_executor::for_binary(plugin, quiet(&lines));
    auto r = exec.execute("download", {{"work_dir", dir.path().string()}});
    REQUIRE(r);
    CHECK((*r)["rows"] == 240);
    // Log lines are forwarded; the result lines are not.
    REQUIRE_FALSE(lines.empty());
    CHECK(lines[0].rfind("INFO: dataset_ready", 0) == 0);
    for (const auto& l : lines) CHECK(l.find("__SYNAPSE_RESULT") == std::string::npos);
}

TEST_CASE("params of 32,000 characters or more travel in a temporary file", "[process_executor]") {
    test_support::temp_dir dir, tmp;
    test_support::env_guard env;
    env.set("TMPDIR", tmp.path().string());  // a temporary directory of this test's own
    auto exec = synapse::process_executor::for_binary(plugin, quiet());
    json params = {{"work_dir", dir.path().string()}, {"padding", std::string(40000, 'x')}};
    auto r = exec.execute("download", params);
    REQUIRE(r);
    CHECK((*r)["rows"] == 240);
    // The params file was made in TMPDIR and removed.
    CHECK(std::filesystem::is_empty(tmp.path()));
}

TEST_CASE("a failing action's own error comes back once, with its kind and exit status",
          "[process_executor]") {
    auto exec = synapse::process_executor::for_binary(plugin, quiet());
    auto r = exec.execute("train", {{"epochs", -1}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::validation_failed);
    CHECK(r.error().exit_code == 1);
    CHECK(r.error().message.starts_with("invalid params for action 'train': "));
    CHECK(synapse::to_string(r.error()).find("validation_failed") ==
          synapse::to_string(r.error()).rfind("validation_failed"));
}

TEST_CASE("a missing binary is a clear error", "[process_executor]") {
    auto exec = synapse::process_executor::for_binary("/nonexistent/plugin", quiet());
    auto r = exec.execute("train", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::process_failed);
    CHECK(r.error().message == "cannot start '/nonexistent/plugin': No such file or directory");
    CHECK(synapse::to_string(r.error()) ==
          "process_failed: cannot start '/nonexistent/plugin': No such file or directory");
}

TEST_CASE("a program that prints no result markers is a protocol error", "[process_executor]") {
    synapse::process_executor exec({"/bin/sh", "-c", "echo hello"}, quiet());
    auto r = exec.execute("anything", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::protocol_error);
}

TEST_CASE("a child that runs too long is killed and reported", "[process_executor]") {
    auto options = quiet();
    options.timeout = std::chrono::milliseconds(200);
    synapse::process_executor exec({"/bin/sh", "-c", "exec sleep 30"}, options);
    auto r = exec.execute("slow", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::timeout);
    CHECK(r.error().message == "action 'slow' did not finish within 200 ms");
}

TEST_CASE("a synapse-sdk Python action runs from C++ and returns its result",
          "[process_executor][python]") {
    auto options = quiet();
    options.working_dir = python_plugin_dir;
    options.job_id = "interop-1";
    auto exec = synapse::process_executor::for_python(SYNAPSE_VENV_PYTHON, options);
    auto r = exec.execute("adder_actions.AddAction", {{"a", 40}, {"b", 2}});
    REQUIRE(r);
    CHECK((*r)["total"] == 42);
    CHECK((*r)["language"] == "python");
}

TEST_CASE("a failing synapse-sdk Python action reports its exception",
          "[process_executor][python]") {
    auto options = quiet();
    options.working_dir = python_plugin_dir;
    auto exec = synapse::process_executor::for_python(SYNAPSE_VENV_PYTHON, options);
    auto r = exec.execute("adder_actions.FailAction", {{"a", 1}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::process_failed);
    CHECK(r.error().message.find("python action failed on purpose") != std::string::npos);
}
