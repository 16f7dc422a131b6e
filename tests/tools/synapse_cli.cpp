// The `synapse` command-line tool, run as a program.
#include <catch2/catch.hpp>
#include <fstream>
#include <synapse/core/json.hpp>

#include "../common/run.hpp"
#include "../common/temp_dir.hpp"

using synapse::json;
using test_support::run;

namespace {
const std::string cli = SYNAPSE_CLI;
const std::string cpp_plugin = SYNAPSE_REGRESSION_PLUGIN_DIR;
const std::string py_plugin = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
const std::map<std::string, std::string> env = {{"SYNAPSE_PYTHON", SYNAPSE_VENV_PYTHON}};
}  // namespace

TEST_CASE("synapse plugin run --json prints only the result on stdout", "[cli]") {
    test_support::temp_dir dir;
    json params = {{"work_dir", dir.path().string()}};
    auto r = run({cli, "plugin", "run", "download", "--path", cpp_plugin, "--params", params.dump(),
                  "--mode", "local", "--json"},
                 env);
    REQUIRE(r.exit_code == 0);
    auto result = json::parse(r.out);
    CHECK(result["rows"] == 240);
    CHECK(r.err.find("INFO: dataset_ready") != std::string::npos);
}

TEST_CASE("synapse plugin run chains the example's four actions", "[cli]") {
    test_support::temp_dir dir;
    auto step = [&](const std::string& action, const json& params) {
        auto r = run(
            {cli, "plugin", "run", action, "-p", cpp_plugin, "--params", params.dump(), "--json"},
            env);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return json::parse(r.out);
    };
    auto d = step("download", {{"work_dir", dir.path().string()}});
    auto c =
        step("convert", {{"dataset_path", d["dataset_path"]}, {"work_dir", dir.path().string()}});
    std::ofstream(dir / "train.json")
        << json{{"train_path", c["train_path"]}, {"work_dir", dir.path().string()}}.dump();
    auto r = run({cli, "plugin", "run", "train", "-p", cpp_plugin, "--params",
                  "@" + (dir / "train.json").string()},
                 env);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("INFO: [train] Progress: 100.0%") != std::string::npos);
    CHECK(r.out.find("result of train:") != std::string::npos);
    auto model = dir / "model" / "model.json";
    auto e = step("evaluate", {{"model_path", model.string()}, {"test_path", c["test_path"]}});
    CHECK(e["r2"].get<double>() > 0.9);
}

TEST_CASE("synapse plugin run runs a Python synapse-sdk plugin", "[cli][python]") {
    auto r = run({cli, "plugin", "run", "add", "--path", py_plugin, "--params",
                  R"({"a": 5, "b": 6})", "--json"},
                 env);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["total"] == 11);
}

TEST_CASE("synapse plugin list and schema describe a plugin", "[cli]") {
    auto list = run({cli, "plugin", "list", "--path", cpp_plugin}, env);
    REQUIRE(list.exit_code == 0);
    CHECK(list.out.find("Regression (regression 0.1.0, cpp)") != std::string::npos);
    CHECK(list.out.find("  evaluate  [job]") != std::string::npos);
    auto list_json = run({cli, "plugin", "list", "--path", cpp_plugin, "--json"}, env);
    REQUIRE(list_json.exit_code == 0);
    CHECK(json::parse(list_json.out).at(2)["name"] == "train");

    auto schema = run({cli, "plugin", "schema", "train", "--path", cpp_plugin}, env);
    REQUIRE(schema.exit_code == 0);
    CHECK(json::parse(schema.out)["params"]["properties"]["learning_rate"]["default"] == 0.1);

    auto py_schema = run({cli, "plugin", "schema", "add", "--path", py_plugin}, env);
    REQUIRE(py_schema.exit_code == 0);
    CHECK(json::parse(py_schema.out)["params"]["required"] == json::array({"a"}));
}

TEST_CASE("synapse plugin errors are one line and exit non-zero", "[cli]") {
    auto unknown = run({cli, "plugin", "run", "fly", "--path", cpp_plugin}, env);
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err ==
          "error: unknown_action: unknown action 'fly'; available: download, "
          "convert, train, evaluate\n");

    auto bad_json =
        run({cli, "plugin", "run", "train", "--path", cpp_plugin, "--params", "{oops"}, env);
    CHECK(bad_json.exit_code == 1);
    CHECK(bad_json.err.rfind("error: invalid_json: invalid JSON in --params at line 1, column 2",
                             0) == 0);

    test_support::temp_dir empty;
    auto no_config = run({cli, "plugin", "list", "--path", empty.path().string()}, env);
    CHECK(no_config.exit_code == 1);
    CHECK(no_config.err.rfind("error: config_not_found:", 0) == 0);

    auto bad_mode =
        run({cli, "plugin", "run", "train", "--path", cpp_plugin, "--mode", "moon"}, env);
    CHECK(bad_mode.exit_code != 0);

    auto failing = run(
        {cli, "plugin", "run", "train", "--path", cpp_plugin, "--params", R"({"epochs": 0})"}, env);
    CHECK(failing.exit_code == 1);
    CHECK(failing.err.find("error: process_failed: action 'train' exited with status 1") !=
          std::string::npos);
}
