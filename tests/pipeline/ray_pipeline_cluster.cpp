// ray_pipeline_executor against the real local Ray 2.60 head (cluster suite) and a real
// `synapse service` on a free loopback port: the example pipeline as one Ray job, failure and
// resumption, synapse-sdk's sample actions run by the packaged `synapse` runner, cancellation,
// a runner killed with SIGKILL, and a run that synapse-sdk's runner started, resumed.
#include <synapse/pipeline/ray_pipeline_executor.hpp>

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "../common/run.hpp"
#include "../common/temp_dir.hpp"
#include "../service/service_process.hpp"

using synapse::json;
namespace ps = synapse::pipeline_service;

namespace ray_pipelines {

const std::string samples = "synapse_sdk.plugins.testing.sample_actions.";

struct fixture {
    test_support::temp_dir dir;
    test_support::service_process service{dir / "pipeline.db"};

    synapse::ray_pipeline_executor open(const std::string& plugin_dir) {
        synapse::ray_executor_options base;
        base.transport.base_url = std::getenv("RAY_DASHBOARD_URL");
        auto plugin = synapse::ray_plugin_options(plugin_dir, base);
        REQUIRE(plugin);
        synapse::ray_pipeline_options o;
        o.service = synapse::pipeline_service_options(service.url());
        o.runner_program = SYNAPSE_CLI;
        o.local_python = SYNAPSE_VENV_PYTHON;
        auto exec = synapse::ray_pipeline_executor::create(std::move(*plugin), o);
        REQUIRE(exec);
        return std::move(*exec);
    }
    synapse::pipeline_service_client client() {
        auto c = synapse::pipeline_service_client::create(
            synapse::pipeline_service_options(service.url()));
        REQUIRE(c);
        return std::move(*c);
    }
    bool action_running(const std::string& run, std::size_t index) {
        auto c = client();
        return test_support::eventually(
            [&] {
                auto p = c.get_progress(run);
                return p && p->actions().size() > index &&
                       p->actions()[index].status == ps::action_status::running;
            },
            std::chrono::minutes(2));
    }
};

}  // namespace ray_pipelines

using namespace ray_pipelines;

TEST_CASE("the example pipeline runs as one Ray job and the service holds every step",
          "[cluster][ray_pipeline]") {
    fixture f;
    auto exec = f.open(SYNAPSE_REGRESSION_PLUGIN_DIR);
    auto run =
        exec.submit("download,convert,train,evaluate", {{"work_dir", (f.dir / "work").string()}});
    REQUIRE(run);
    auto result = exec.get_result(*run, std::chrono::minutes(5));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK((*result)["r2"].get<double>() > 0.9);
    // The run ends before its runner process does: the job follows a moment later.
    auto job = exec.jobs().wait(synapse::pipeline_job_id(*run), std::chrono::minutes(1));
    REQUIRE(job);
    CHECK(job->status == synapse::job_status::succeeded);
    CHECK(job->metadata["synapse_run_id"] == *run);
    auto client = f.client();
    auto checkpoints = client.list_checkpoints(*run);
    REQUIRE(checkpoints);
    CHECK(checkpoints->size() == 4);
    auto progress = client.get_progress(*run);
    REQUIRE(progress);
    for (const auto& a : progress->actions()) {
        CHECK(a.status == ps::action_status::completed);
        CHECK(a.started_at);
        CHECK(a.completed_at);
    }
}

TEST_CASE("a run that failed at its third action is resumed on Ray with corrected params",
          "[cluster][ray_pipeline]") {
    fixture f;
    auto exec = f.open(SYNAPSE_REGRESSION_PLUGIN_DIR);
    auto first = exec.submit("download,convert,train,evaluate",
                             {{"work_dir", (f.dir / "w").string()}, {"epochs", 0}});
    REQUIRE(first);
    auto failed = exec.wait(*first, std::chrono::minutes(5));
    REQUIRE(failed);
    CHECK(failed->status == ps::run_status::failed);
    auto second =
        exec.submit("download,convert,train,evaluate", {{"epochs", 40}}, {.resume_from = *first});
    REQUIRE(second);
    auto result = exec.get_result(*second, std::chrono::minutes(5));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    auto progress = f.client().get_progress(*second);
    REQUIRE(progress);
    CHECK(progress->actions()[0].status == ps::action_status::skipped);
    CHECK(progress->actions()[1].status == ps::action_status::skipped);
    CHECK(progress->actions()[3].status == ps::action_status::completed);
}

TEST_CASE("synapse-sdk's sample actions run on Ray with the packaged synapse runner",
          "[cluster][ray_pipeline][python]") {
    fixture f;
    auto exec = f.open(std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin");
    auto run = exec.submit(
        samples + "DownloadAction," + samples + "ConvertAction," + samples + "TrainAction",
        {{"dataset", 5}});
    REQUIRE(run);
    auto result = exec.get_result(*run, std::chrono::minutes(5));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK((*result)["metrics"]["mAP50"] == 0.85);
}

TEST_CASE("cancelling a run on Ray stops its job and marks the action and the run cancelled",
          "[cluster][ray_pipeline]") {
    fixture f;
    auto exec = f.open(SYNAPSE_REGRESSION_PLUGIN_DIR);
    auto long_run = exec.submit("download,convert,train",
                                {{"work_dir", (f.dir / "w2").string()}, {"epochs", 100000}});
    REQUIRE(long_run);
    REQUIRE(f.action_running(*long_run, 2));
    REQUIRE(exec.cancel(*long_run));
    // The run is marked at once, its action by whoever writes first: the runner on SIGTERM, or
    // the service when the run ends cancelled.
    auto job = exec.jobs().wait(synapse::pipeline_job_id(*long_run), std::chrono::minutes(1));
    REQUIRE(job);
    CHECK(job->status == synapse::job_status::stopped);
    auto c = f.client();
    auto p = c.get_progress(*long_run);
    REQUIRE(p);
    auto log = exec.jobs().get_logs(synapse::pipeline_job_id(*long_run));
    INFO("the runner's log ends: "
         << (log ? log->substr(log->size() - std::min<std::size_t>(log->size(), 3000))
                 : synapse::to_string(log.error())));
    CHECK(p->status == ps::run_status::cancelled);
    CHECK(p->actions()[2].status == ps::action_status::failed);
    CHECK(p->actions()[2].error == "cancelled");
}

TEST_CASE("a runner killed with SIGKILL on Ray: waiting on the run finds the job's end",
          "[cluster][ray_pipeline]") {
    fixture f;
    auto exec = f.open(SYNAPSE_REGRESSION_PLUGIN_DIR);
    auto run = exec.submit("download,convert,train",
                           {{"work_dir", (f.dir / "w").string()}, {"epochs", 100000}});
    REQUIRE(run);
    REQUIRE(f.action_running(*run, 2));
    bool killed = false;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream in(entry.path() / "environ", std::ios::binary);
        std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (env.find("SYNAPSE_PIPELINE_SPEC=") != std::string::npos &&
            env.find(*run) != std::string::npos) {
            killed = ::kill(std::stoi(entry.path().filename().string()), SIGKILL) == 0;
            break;
        }
    }
    REQUIRE(killed);
    auto ended = exec.wait(*run, std::chrono::minutes(2));
    REQUIRE(ended);
    CHECK(ended->status == ps::run_status::failed);
    REQUIRE(ended->error);
    CHECK(ended->error->starts_with("job_failed: the run's Ray job ended FAILED"));
}

TEST_CASE("a run that synapse-sdk's runner started is resumed: its checkpoints name classes",
          "[cluster][ray_pipeline][python]") {
    fixture f;
    // What synapse-sdk's RayPipelineExecutor writes: actions by class, checkpoints by class.
    auto client = f.client();
    auto pipeline = client.create_pipeline(
        {.name = "sdk pipeline",
         .actions = {{.name = "DownloadAction", .entrypoint = samples + "DownloadAction"},
                     {.name = "ConvertAction", .entrypoint = samples + "ConvertAction"},
                     {.name = "TrainAction", .entrypoint = samples + "TrainAction"}}});
    REQUIRE(pipeline);
    auto old = client.create_run(pipeline->id, {.params = json{{"dataset", 9}}});
    REQUIRE(old);
    REQUIRE(client.create_checkpoint(
        old->id, {.action_name = "DownloadAction",
                  .action_index = 0,
                  .params_snapshot = json{{"dataset", 9}, {"dataset_path", "/tmp/datasets/9"}},
                  .result = json{{"dataset", 9}, {"dataset_path", "/tmp/datasets/9"}}}));
    REQUIRE(client.update_run(old->id, {.status = ps::run_status::failed, .error = "boom"}));

    auto exec = f.open(std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin");
    auto run = exec.submit(
        samples + "DownloadAction," + samples + "ConvertAction," + samples + "TrainAction",
        json::object(), {.resume_from = old->id});
    REQUIRE(run);
    auto result = exec.get_result(*run, std::chrono::minutes(5));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    auto progress = client.get_progress(*run);
    REQUIRE(progress);
    CHECK(progress->actions()[0].status == ps::action_status::skipped);
    CHECK(progress->actions()[1].status == ps::action_status::completed);
}

TEST_CASE("synapse pipeline run --mode job ends with the job's report when its runner cannot start",
          "[cluster][ray_pipeline][cli]") {
    fixture f;
    // The plugin's binary answers `list` (the check before submitting) and fails as a runner.
    const auto plugin = f.dir / "broken";
    std::filesystem::create_directories(plugin);
    std::filesystem::copy_file(std::filesystem::path(SYNAPSE_REGRESSION_PLUGIN_DIR) / "config.yaml",
                               plugin / "config.yaml");
    {
        std::ofstream script(plugin / "regression");
        script << "#!/bin/sh\nif [ \"$1\" = list ]; then exec '" << SYNAPSE_REGRESSION_PLUGIN_DIR
               << "/regression' \"$@\"; fi\necho 'this runner cannot start' >&2\nexit 3\n";
    }
    std::filesystem::permissions(plugin / "regression", std::filesystem::perms::owner_all);
    auto r = test_support::run(
        {SYNAPSE_CLI, "pipeline", "run", "download", "--path", plugin.string(), "--mode", "job",
         "--service", f.service.url(), "--dashboard", std::getenv("RAY_DASHBOARD_URL"), "--params",
         json{{"work_dir", (f.dir / "w").string()}}.dump()},
        {}, {}, {}, std::chrono::minutes(5));
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("this runner cannot start") != std::string::npos);
    auto runs = f.client().list_runs();
    REQUIRE(runs);
    REQUIRE(runs->size() == 1);
    CHECK((*runs)[0].status == ps::run_status::failed);
}
