// plugin_main, through the regression example's binary: the job protocol and the binary's CLI.
#include <synapse/plugin/plugin_main.hpp>

#include <catch2/catch.hpp>

#include "../common/run.hpp"
#include "../common/temp_dir.hpp"

using synapse::json;
using test_support::run;

namespace {
const std::string plugin = std::string(SYNAPSE_REGRESSION_PLUGIN_DIR) + "/regression";
const std::vector<std::string> no_job_env = {"SYNAPSE_ACTION_ENTRYPOINT", "SYNAPSE_ACTION_PARAMS",
                                             "SYNAPSE_ACTION_PARAMS_FILE", "SYNAPSE_JOB_ID",
                                             "RAY_JOB_ID"};
}  // namespace

TEST_CASE("with SYNAPSE_ACTION_ENTRYPOINT the binary runs the action and prints the markers",
          "[plugin_main]") {
    test_support::temp_dir dir;
    json params = {{"work_dir", dir.path().string()}};
    auto r =
        run({plugin},
            {{"SYNAPSE_ACTION_ENTRYPOINT", "download"}, {"SYNAPSE_ACTION_PARAMS", params.dump()}},
            {}, {"SYNAPSE_ACTION_PARAMS_FILE"});
    REQUIRE(r.exit_code == 0);
    auto result = synapse::job_protocol::parse_result(r.out);
    REQUIRE(result);
    CHECK((*result)["rows"] == 240);
    CHECK(std::filesystem::exists((*result)["dataset_path"].get<std::string>()));
    CHECK(r.out.find("INFO: dataset_ready") != std::string::npos);
    CHECK(r.out.rfind("__SYNAPSE_RESULT_END__\n") == r.out.size() - 23);
}

TEST_CASE("params can come from SYNAPSE_ACTION_PARAMS_FILE", "[plugin_main]") {
    test_support::temp_dir dir;
    std::ofstream(dir / "params.json") << json{{"work_dir", dir.path().string()}}.dump();
    auto r = run({plugin},
                 {{"SYNAPSE_ACTION_ENTRYPOINT", "download"},
                  {"SYNAPSE_ACTION_PARAMS_FILE", (dir / "params.json").string()}},
                 {}, {"SYNAPSE_ACTION_PARAMS"});
    REQUIRE(r.exit_code == 0);
    CHECK(synapse::job_protocol::parse_result(r.out));
}

TEST_CASE("a failing job prints the reason on stderr, no result, and exits non-zero",
          "[plugin_main]") {
    auto unknown =
        run({plugin}, {{"SYNAPSE_ACTION_ENTRYPOINT", "fly"}, {"SYNAPSE_ACTION_PARAMS", "{}"}});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err ==
          "error: unknown_action: unknown action 'fly'; available: download, convert, train, "
          "evaluate\n");
    CHECK(unknown.out.find("__SYNAPSE_RESULT_START__") == std::string::npos);

    auto no_params = run({plugin}, {{"SYNAPSE_ACTION_ENTRYPOINT", "train"}}, {},
                         {"SYNAPSE_ACTION_PARAMS", "SYNAPSE_ACTION_PARAMS_FILE"});
    CHECK(no_params.exit_code == 1);
    CHECK(no_params.err.find("no params provided via SYNAPSE_ACTION_PARAMS") != std::string::npos);

    auto invalid =
        run({plugin}, {{"SYNAPSE_ACTION_ENTRYPOINT", "train"},
                       {"SYNAPSE_ACTION_PARAMS", R"({"epochs": 0, "learning_rate": "x"})"}});
    CHECK(invalid.exit_code == 1);
    // Type errors first, then constraint violations.
    CHECK(invalid.err.find("train_path: missing required field; work_dir: missing required field; "
                           "learning_rate: expected number, got string \"x\"; epochs: must be "
                           "between 1 and 100000, got 0") != std::string::npos);
}

TEST_CASE("an action error in job mode exits 1 with the action's message", "[plugin_main]") {
    auto r = run({plugin}, {{"SYNAPSE_ACTION_ENTRYPOINT", "evaluate"},
                            {"SYNAPSE_ACTION_PARAMS",
                             R"({"model_path": "/nonexistent/m.json", "test_path": "/x"})"}});
    CHECK(r.exit_code == 1);
    CHECK(
        r.err.find("action 'evaluate' failed: io_error: cannot read model '/nonexistent/m.json'") !=
        std::string::npos);
}

TEST_CASE("the plugin binary lists its actions and prints schemas", "[plugin_main]") {
    auto list = run({plugin, "list"}, {}, {}, no_job_env);
    CHECK(list.exit_code == 0);
    CHECK(list.out == "download\nconvert\ntrain\nevaluate\n");

    auto schema = run({plugin, "schema", "train"}, {}, {}, no_job_env);
    REQUIRE(schema.exit_code == 0);
    auto s = json::parse(schema.out);
    CHECK(s["params"]["properties"]["epochs"]["default"] == 100);
    CHECK(s["params"]["properties"]["epochs"]["minimum"] == 1);
    CHECK(s["params"]["required"] == json::array({"train_path", "work_dir"}));

    auto list_json = run({plugin, "list", "--json"}, {}, {}, no_job_env);
    REQUIRE(list_json.exit_code == 0);
    CHECK(json::parse(list_json.out).size() == 4);
}

TEST_CASE("the plugin binary runs an action from its own command line", "[plugin_main]") {
    test_support::temp_dir dir;
    std::ofstream(dir / "p.json") << json{{"work_dir", dir.path().string()}}.dump();
    auto r = run({plugin, "run", "download", "--params", "@" + (dir / "p.json").string(),
                  "--log-format", "json"},
                 {}, {}, no_job_env);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["rows"] == 240);
    CHECK(json::parse(r.err.substr(0, r.err.find('\n')))["event"] == "dataset_ready");
}

TEST_CASE("the plugin binary's usage errors exit 2, bad params exit 1 with the position",
          "[plugin_main]") {
    CHECK(run({plugin}, {}, {}, no_job_env).exit_code == 2);
    CHECK(run({plugin, "dance"}, {}, {}, no_job_env).exit_code == 2);
    CHECK(run({plugin, "run", "train", "--bogus", "1"}, {}, {}, no_job_env).exit_code == 2);
    auto bad = run({plugin, "run", "train", "--params", "{\"epochs\": 1,}"}, {}, {}, no_job_env);
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("invalid JSON in --params at line 1, column 14") != std::string::npos);
    auto schema = run({plugin, "schema", "nope"}, {}, {}, no_job_env);
    CHECK(schema.exit_code == 1);
    CHECK(schema.err.find("available: download, convert, train, evaluate") != std::string::npos);
}
