// `synapse pipeline run|status|list|logs` as a user runs them: a local run of the example
// plugin reported to the real `synapse service`.
#include "../common/run.hpp"
#include "local_fixture.hpp"

using namespace local_pipelines;

TEST_CASE("synapse pipeline run runs locally, and status, list and logs show the run",
          "[local_pipeline][cli]") {
    fixture f;
    const std::string url = f.service.url();
    auto ran = test_support::run({SYNAPSE_CLI, "pipeline", "run", "download,convert", "--path",
                                  cpp_plugin, "--mode", "local", "--service", url, "--json",
                                  "--params", json{{"work_dir", (f.dir / "w").string()}}.dump()},
                                 {}, {}, {}, std::chrono::minutes(5));
    INFO(ran.err);
    REQUIRE(ran.exit_code == 0);
    CHECK(json::parse(ran.out)["train_rows"].get<int>() > 0);
    auto runs = f.client().list_runs();
    REQUIRE(runs);
    REQUIRE(runs->size() == 1);
    const std::string run = (*runs)[0].id;
    CHECK(ran.err.find("started run " + run) != std::string::npos);

    auto status =
        test_support::run({SYNAPSE_CLI, "pipeline", "status", run, "--service", url, "--json"});
    REQUIRE(status.exit_code == 0);
    const auto progress = json::parse(status.out);
    CHECK(progress["status"] == "completed");
    CHECK(progress["pipeline_id"] == (*runs)[0].pipeline_id);  // the GET has none: filled in
    CHECK(progress["progress"].size() == 2);

    auto listed = test_support::run({SYNAPSE_CLI, "pipeline", "list", "--service", url});
    REQUIRE(listed.exit_code == 0);
    CHECK(listed.out.find(run) != std::string::npos);

    auto logs = test_support::run(
        {SYNAPSE_CLI, "pipeline", "logs", run, "--service", url, "--action", "convert"});
    REQUIRE(logs.exit_code == 0);
    CHECK(logs.out.find("Starting action: convert") != std::string::npos);
    CHECK(logs.out.find("Starting action: download") == std::string::npos);

    auto missing =
        test_support::run({SYNAPSE_CLI, "pipeline", "status", "no-such-run", "--service", url});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.rfind("error: not_found: ", 0) == 0);
}
