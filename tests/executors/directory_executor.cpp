#include <synapse/executors/directory_executor.hpp>

#include <catch2/catch.hpp>
#include <fstream>

#include "../common/temp_dir.hpp"

using synapse::json;

namespace {
synapse::directory_options quiet() {
    synapse::directory_options o;
    o.python = SYNAPSE_VENV_PYTHON;
    o.process.on_output = [](bool, std::string_view) {};
    return o;
}
}  // namespace

TEST_CASE("a C++ plugin directory runs its binary's actions", "[directory_executor]") {
    test_support::temp_dir dir;
    auto exec = synapse::directory_executor::open(SYNAPSE_REGRESSION_PLUGIN_DIR, quiet());
    REQUIRE(exec);
    CHECK(exec->is_cpp());
    auto r = exec->execute("download", {{"work_dir", dir.path().string()}});
    REQUIRE(r);
    CHECK((*r)["rows"] == 240);
}

TEST_CASE("a Python plugin directory runs its synapse-sdk entrypoints",
          "[directory_executor][python]") {
    auto exec = synapse::directory_executor::open(
        std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin", quiet());
    REQUIRE(exec);
    CHECK_FALSE(exec->is_cpp());
    CHECK(exec->entrypoint("add").value() == "adder_actions.AddAction");
    auto r = exec->execute("add", {{"a", 1}, {"b", 2}});
    REQUIRE(r);
    CHECK((*r)["total"] == 3);
}

TEST_CASE("config.yaml env reaches the child, explicit env wins", "[directory_executor]") {
    test_support::temp_dir dir;
    std::ofstream(dir / "config.yaml") << "name: Env\ncode: env\nruntime: cpp\nbinary: show.sh\n"
                                          "env:\n  FROM_CONFIG: config\n  OVERRIDDEN: config\n"
                                          "actions:\n  show: {}\n";
    // A stand-in plugin binary that reports its environment as its result.
    std::ofstream(dir / "show.sh")
        << "#!/bin/sh\nprintf "
           "'__SYNAPSE_RESULT_START__\\n{\"c\":\"%s\",\"o\":\"%s\",\"a\":\"%s\"}\\n"
           "__SYNAPSE_RESULT_END__\\n' \"$FROM_CONFIG\" \"$OVERRIDDEN\" "
           "\"$SYNAPSE_ACTION_ENTRYPOINT\"\n";
    std::filesystem::permissions(dir / "show.sh", std::filesystem::perms::owner_all);
    auto options = quiet();
    options.process.env = {{"OVERRIDDEN", "explicit"}};
    auto exec = synapse::directory_executor::open(dir.path(), options);
    REQUIRE(exec);
    auto r = exec->execute("show", json::object());
    REQUIRE(r);
    CHECK(*r == json({{"c", "config"}, {"o", "explicit"}, {"a", "show"}}));
}

TEST_CASE("an unknown action lists the actions of config.yaml", "[directory_executor]") {
    auto exec = synapse::directory_executor::open(SYNAPSE_REGRESSION_PLUGIN_DIR, quiet());
    REQUIRE(exec);
    auto r = exec->execute("deploy", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::unknown_action);
    CHECK(r.error().message ==
          "unknown action 'deploy'; available: download, convert, train, evaluate");
}

TEST_CASE("a directory without config.yaml is config_not_found", "[directory_executor]") {
    test_support::temp_dir dir;
    auto exec = synapse::directory_executor::open(dir.path(), quiet());
    REQUIRE_FALSE(exec);
    CHECK(exec.error().code == synapse::errc::config_not_found);
}

TEST_CASE("a C++ plugin whose binary is missing says so before running", "[directory_executor]") {
    test_support::temp_dir dir;
    std::ofstream(dir / "config.yaml")
        << "name: Gone\ncode: gone\nruntime: cpp\nbinary: bin/gone\nactions:\n  run: {}\n";
    auto exec = synapse::directory_executor::open(dir.path(), quiet());
    REQUIRE(exec);
    auto r = exec->execute("run", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::process_failed);
    CHECK(r.error().message.find("bin/gone' (binary: in ") != std::string::npos);
    CHECK(r.error().message.find("does not exist; build the plugin first") != std::string::npos);
}
