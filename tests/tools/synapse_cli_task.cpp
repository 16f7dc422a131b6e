// `synapse plugin run --mode task` and `synapse plugin stop` against the real local Ray head
// with Serve (cluster suite).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <synapse/core/json.hpp>

#include "../common/run.hpp"
#include "../common/temp_dir.hpp"

using synapse::json;
using test_support::run;

namespace {
test_support::run_output task(const std::string& action, const json& params,
                              std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {
        SYNAPSE_CLI, "plugin", "run",      action,       "--path", SYNAPSE_REGRESSION_PLUGIN_DIR,
        "--mode",    "task",   "--params", params.dump()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run(argv);
}
}  // namespace

TEST_CASE(
    "synapse plugin run --mode task deploys once, later calls reuse the warm workers, and "
    "synapse plugin stop removes them",
    "[cluster][cli]") {
    test_support::temp_dir work;
    auto first = task("download", {{"work_dir", work.path().string()}}, {"--json"});
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(json::parse(first.out)["rows"] == 240);
    CHECK(first.err.find(": RUNNING") != std::string::npos);  // the deploy, shown on stderr
    CHECK(first.err.find("dataset_ready") != std::string::npos);

    auto second = task("download", {{"work_dir", work.path().string()}});
    INFO(second.err);
    REQUIRE(second.exit_code == 0);
    CHECK(second.out.find("INFO: dataset_ready") == 0);  // the action's log, then its result
    CHECK(second.out.find("result of download:") != std::string::npos);
    CHECK(second.err.find("DEPLOYING") == std::string::npos);

    auto invalid = task("train", {{"epochs", 0}});
    CHECK(invalid.exit_code == 1);
    CHECK(invalid.err.find("error: validation_failed:") != std::string::npos);

    auto stop = run({SYNAPSE_CLI, "plugin", "stop", "--path", SYNAPSE_REGRESSION_PLUGIN_DIR});
    INFO(stop.err);
    REQUIRE(stop.exit_code == 0);
    CHECK(stop.err.find("removed serve application synapse_regression_") == 0);
    auto again = run({SYNAPSE_CLI, "plugin", "stop", "--path", SYNAPSE_REGRESSION_PLUGIN_DIR});
    REQUIRE(again.exit_code == 0);
    CHECK(again.err.find("was running") != std::string::npos);
}
