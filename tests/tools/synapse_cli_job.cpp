// `synapse plugin run --mode job` against the real local Ray head (cluster suite).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <synapse/core/json.hpp>

#include "../common/run.hpp"
#include "../common/temp_dir.hpp"

using synapse::json;
using test_support::run;

TEST_CASE("synapse plugin run --mode job runs the action on Ray and prints its result",
          "[cluster][cli]") {
    test_support::temp_dir work;
    auto r = run({SYNAPSE_CLI, "plugin", "run", "download", "--path", SYNAPSE_REGRESSION_PLUGIN_DIR,
                  "--mode", "job", "--dashboard", std::getenv("RAY_DASHBOARD_URL"), "--json",
                  "--params", json{{"work_dir", work.path().string()}}.dump()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["rows"] == 240);
    CHECK(r.err.find("submitted job synapse_") != std::string::npos);
    CHECK(r.err.find("INFO: dataset_ready") != std::string::npos);  // the job's log, live
}

TEST_CASE("synapse plugin run --mode job --detach prints the job id and returns",
          "[cluster][cli]") {
    test_support::temp_dir work;
    auto r = run({SYNAPSE_CLI, "plugin", "run", "download", "--path", SYNAPSE_REGRESSION_PLUGIN_DIR,
                  "--mode", "job", "--detach", "--params",
                  json{{"work_dir", work.path().string()}}.dump()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("synapse_", 0) == 0);
}

TEST_CASE("a job whose action fails makes the CLI exit 1 with the reason", "[cluster][cli]") {
    auto r = run({SYNAPSE_CLI, "plugin", "run", "train", "--path", SYNAPSE_REGRESSION_PLUGIN_DIR,
                  "--mode", "job", "--params", R"({"epochs": 0})"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("error: job_failed: job synapse_") != std::string::npos);
}

TEST_CASE("an unreachable dashboard is a transport error naming it", "[cluster][cli]") {
    auto r = run({SYNAPSE_CLI, "plugin", "run", "download", "--path", SYNAPSE_REGRESSION_PLUGIN_DIR,
                  "--mode", "job", "--dashboard", "http://127.0.0.1:1", "--params", "{}"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("error: transport_error:") == 0);
    CHECK(r.err.find("127.0.0.1:1") != std::string::npos);
}
