// local_pipeline_executor against the real `synapse service` (a temporary SQLite database on a
// free loopback port): the example plugin's C++ actions in its binary's pipeline mode, synapse-sdk
// actions through the Python host, a mixed pipeline, failure and resumption, cancellation, a
// service that goes away for a while, and a runner that is killed.
#include <synapse/pipeline/local_pipeline_executor.hpp>

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <synapse/pipeline/typed_pipeline.hpp>

#include "../common/temp_dir.hpp"
#include "../service/service_process.hpp"
#include "regression.hpp"

using synapse::json;
namespace ps = synapse::pipeline_service;
using test_support::service_process;

namespace local_pipelines {

const std::string cpp_plugin = SYNAPSE_REGRESSION_PLUGIN_DIR;
const std::string py_plugin = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
const std::string samples = "synapse_sdk.plugins.testing.sample_actions.";

struct fixture {
    test_support::temp_dir dir;
    service_process service{dir / "pipeline.db"};
    std::vector<std::string> printed;
    std::mutex printed_mutex;

    synapse::local_pipeline_executor open(const std::string& plugin) {
        synapse::local_pipeline_options o;
        o.service = synapse::pipeline_service_options(service.url());
        o.python = SYNAPSE_VENV_PYTHON;
        o.print = [this](std::string_view line) {
            std::lock_guard lock(printed_mutex);
            printed.emplace_back(line);
        };
        auto exec = synapse::local_pipeline_executor::open(plugin, o);
        REQUIRE(exec);
        return std::move(*exec);
    }

    synapse::pipeline_service_client client() {
        auto c = synapse::pipeline_service_client::create(
            synapse::pipeline_service_options(service.url()));
        REQUIRE(c);
        return std::move(*c);
    }
};

std::string describe(const synapse::error& e) {
    return synapse::to_string(e);
}

}  // namespace local_pipelines

using namespace local_pipelines;

namespace local_pipelines {
struct regression_inputs {
    std::string work_dir;
    std::string source;  // the data set (beside the plugin binary; this test binary has none)
    int epochs = 20;
};
}  // namespace local_pipelines
SYNAPSE_REFLECT(local_pipelines::regression_inputs, work_dir, source, epochs)

TEST_CASE("a pipeline whose params are not provided is refused before anything runs",
          "[local_pipeline]") {
    fixture f;
    auto exec = f.open(cpp_plugin);
    auto run = exec.submit("download,train", {{"work_dir", (f.dir / "w").string()}});
    REQUIRE_FALSE(run);
    CHECK(run.error().code == synapse::errc::invalid_argument);
    CHECK(run.error().message ==
          "pipeline: action 'train' needs 'train_path' (string), which neither the inputs nor "
          "the results of download provide");
    auto runs = f.client().list_runs();
    REQUIRE(runs);
    CHECK(runs->empty());  // nothing was registered
}

TEST_CASE("a typed pipeline runs its C++ actions in this process", "[local_pipeline]") {
    using regression_pipeline =
        synapse::pipeline<regression_inputs, regression::download, regression::convert,
                          regression::train, regression::evaluate>;
    fixture f;
    auto exec = f.open(cpp_plugin);
    auto run = exec.submit<regression_pipeline>(
        {.work_dir = (f.dir / "t").string(), .source = cpp_plugin + "/data/houses.csv"}, "typed");
    REQUIRE(run);
    auto result = exec.get_result(*run, std::chrono::minutes(2));
    INFO((result ? "" : describe(result.error())));
    REQUIRE(result);
    CHECK((*result)["rows"] == 46);
    auto pipeline = f.client().get_pipeline(f.client().get_run(*run)->pipeline_id);
    REQUIRE(pipeline);
    CHECK(pipeline->name == "typed");
    CHECK(pipeline->actions.size() == 4);
}

TEST_CASE("the example plugin's four actions run as one pipeline and the service holds every step",
          "[local_pipeline]") {
    fixture f;
    auto exec = f.open(cpp_plugin);
    const auto work = (f.dir / "work").string();
    auto run = exec.submit("download,convert,train,evaluate", {{"work_dir", work}});
    REQUIRE(run);
    auto result = exec.get_result(*run, std::chrono::minutes(2));
    INFO((result ? "" : describe(result.error())));
    REQUIRE(result);
    CHECK((*result)["r2"].get<double>() > 0.9);

    auto client = f.client();
    auto stored = client.get_run(*run);
    REQUIRE(stored);
    CHECK(stored->status == ps::run_status::completed);
    CHECK(stored->started_at);
    CHECK(stored->completed_at);
    CHECK(stored->result == *result);
    REQUIRE(stored->progress);
    const std::vector<std::string> names = {"download", "convert", "train", "evaluate"};
    REQUIRE(stored->progress->size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& a = (*stored->progress)[i];
        CHECK(a.name == names[i]);
        CHECK(a.status == ps::action_status::completed);
        CHECK(a.progress == 1.0);
        CHECK(a.started_at);  // kept when the action completed
        CHECK(a.completed_at);
    }
    CHECK((*stored->progress)[2].metrics.contains("train"));  // the train action's metrics
    auto checkpoints = client.list_checkpoints(*run);
    REQUIRE(checkpoints);
    REQUIRE(checkpoints->size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK((*checkpoints)[i].action_index == static_cast<std::int64_t>(i));
        CHECK((*checkpoints)[i].action_name == names[i]);
    }
    CHECK((*checkpoints)[1].params_snapshot->at("train_path").is_string());
    CHECK((*checkpoints)[3].result == *result);
    auto logs = client.get_logs(*run, {.action_name = "train"});
    REQUIRE(logs);
    REQUIRE_FALSE(logs->empty());
    CHECK(logs->front().message == "Starting action: train");
}

TEST_CASE("a failed action fails the run; resuming with corrected params skips what completed",
          "[local_pipeline]") {
    fixture f;
    auto exec = f.open(cpp_plugin);
    const auto work = (f.dir / "work").string();
    auto first =
        exec.submit("download,convert,train,evaluate", {{"work_dir", work}, {"epochs", 0}});
    REQUIRE(first);
    auto failed = exec.wait(*first, std::chrono::minutes(2));
    REQUIRE(failed);
    CHECK(failed->status == ps::run_status::failed);
    REQUIRE(failed->error);
    CHECK(failed->error->starts_with("validation_failed: invalid params for action 'train'"));
    CHECK(failed->actions()[2].status == ps::action_status::failed);
    auto client = f.client();
    auto checkpoints = client.list_checkpoints(*first);
    REQUIRE(checkpoints);
    CHECK(checkpoints->size() == 2);
    auto result_of_failed = exec.get_result(*first);
    REQUIRE_FALSE(result_of_failed);
    CHECK(result_of_failed.error().code == synapse::errc::action_failed);

    auto second =
        exec.submit("download,convert,train,evaluate", {{"epochs", 30}}, {.resume_from = *first});
    REQUIRE(second);
    auto result = exec.get_result(*second, std::chrono::minutes(2));
    INFO((result ? "" : describe(result.error())));
    REQUIRE(result);
    CHECK((*result)["r2"].get<double>() > 0.5);
    auto resumed = client.get_progress(*second);
    REQUIRE(resumed);
    CHECK(resumed->actions()[0].status == ps::action_status::skipped);
    CHECK(resumed->actions()[1].status == ps::action_status::skipped);
    CHECK(resumed->actions()[2].status == ps::action_status::completed);
    CHECK(resumed->actions()[3].status == ps::action_status::completed);
    auto run = client.get_run(*second);
    REQUIRE(run);
    CHECK(run->params->at("epochs") == 30);            // given now, over the snapshot's 0
    CHECK(run->params->at("train_path").is_string());  // from the snapshot
}

TEST_CASE("resuming is refused for an unknown run, a run without checkpoint or other actions",
          "[local_pipeline]") {
    fixture f;
    auto exec = f.open(cpp_plugin);
    auto unknown = exec.submit("download", json::object(), {.resume_from = "no-such-run"});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == synapse::errc::not_found);
    CHECK(unknown.error().message.starts_with("resuming run no-such-run"));

    auto first = exec.submit("download,convert", {{"work_dir", (f.dir / "w").string()}});
    REQUIRE(first);
    REQUIRE(exec.wait(*first, std::chrono::minutes(2)));
    auto other = exec.submit("convert,download", json::object(), {.resume_from = *first});
    REQUIRE_FALSE(other);
    CHECK(other.error().code == synapse::errc::invalid_argument);
    CHECK(other.error().message ==
          "cannot resume run " + *first +
              ": its action 0 is 'download', this pipeline's is 'convert' (convert)");
}

TEST_CASE("synapse-sdk's own sample actions run as a pipeline through the Python host",
          "[local_pipeline][python]") {
    fixture f;
    auto exec = f.open(py_plugin);
    auto run = exec.submit(
        samples + "DownloadAction," + samples + "ConvertAction," + samples + "TrainAction",
        {{"dataset", 7}});
    REQUIRE(run);
    auto result = exec.get_result(*run, std::chrono::minutes(2));
    INFO((result ? "" : describe(result.error())));
    REQUIRE(result);
    CHECK((*result)["model_path"] == "/tmp/models/best.pt");
    auto checkpoints = f.client().list_checkpoints(*run);
    REQUIRE(checkpoints);
    REQUIRE(checkpoints->size() == 3);
    CHECK((*checkpoints)[0].action_name == "DownloadAction");
    CHECK((*checkpoints)[1].params_snapshot->at("converted_path") == "/tmp/datasets/7/yolo");
}

TEST_CASE("one pipeline mixes the plugin's C++ actions and a synapse-sdk action",
          "[local_pipeline][python]") {
    fixture f;
    auto exec = f.open(cpp_plugin);
    auto run = exec.submit("download," + samples + "ConvertAction",
                           {{"work_dir", (f.dir / "w").string()}});
    REQUIRE(run);
    auto result = exec.get_result(*run, std::chrono::minutes(2));
    INFO((result ? "" : describe(result.error())));
    REQUIRE(result);
    CHECK((*result)["converted_path"] == (f.dir / "w" / "raw" / "houses.csv").string() + "/yolo");
}

TEST_CASE("cancelling a run stops its action and marks the action and the run cancelled",
          "[local_pipeline][python]") {
    fixture f;
    auto exec = f.open(py_plugin);
    auto run = exec.submit("add,adder_actions.SleepAction", {{"a", 1}, {"seconds", 300}});
    REQUIRE(run);
    auto client = f.client();
    REQUIRE(test_support::eventually(
        [&] {
            auto p = client.get_progress(*run);
            return p && p->actions().size() == 2 &&
                   p->actions()[1].status == ps::action_status::running;
        },
        std::chrono::seconds(60)));
    REQUIRE(exec.cancel(*run));
    auto p = client.get_progress(*run);
    REQUIRE(p);
    CHECK(p->status == ps::run_status::cancelled);
    CHECK(p->actions()[1].status == ps::action_status::failed);
    CHECK(p->actions()[1].error == "cancelled");
}

TEST_CASE("a service away for five seconds delays the reports; the run completes with them all",
          "[local_pipeline][python]") {
    fixture f;
    auto exec = f.open(py_plugin);
    auto run = exec.submit("add,adder_actions.SleepAction,add", {{"a", 1}, {"seconds", 8}});
    REQUIRE(run);
    auto client = f.client();
    REQUIRE(test_support::eventually(
        [&] {
            auto p = client.get_progress(*run);
            return p && p->actions().size() == 3 &&
                   p->actions()[1].status == ps::action_status::running;
        },
        std::chrono::seconds(60)));
    f.service.stop();
    std::this_thread::sleep_for(std::chrono::seconds(5));  // the outage itself
    f.service.start();
    auto ended = exec.wait(*run, std::chrono::minutes(2));
    REQUIRE(ended);
    CHECK(ended->status == ps::run_status::completed);
    auto checkpoints = f.client().list_checkpoints(*run);
    REQUIRE(checkpoints);
    CHECK(checkpoints->size() == 3);
}

TEST_CASE("a runner killed with SIGKILL leaves a failed run, not a running one forever",
          "[local_pipeline]") {
    fixture f;
    auto exec = f.open(cpp_plugin);
    auto run = exec.submit("download,convert,train",
                           {{"work_dir", (f.dir / "w").string()}, {"epochs", 100000}});
    REQUIRE(run);
    auto client = f.client();
    REQUIRE(test_support::eventually(
        [&] {
            auto p = client.get_progress(*run);
            return p && p->actions().size() == 3 &&
                   p->actions()[2].status == ps::action_status::running;
        },
        std::chrono::seconds(60)));
    // The runner is the plugin binary whose environment names this run.
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
    auto ended = exec.wait(*run, std::chrono::minutes(1));
    REQUIRE(ended);
    CHECK(ended->status == ps::run_status::failed);
    REQUIRE(ended->error);
    CHECK(ended->error->find("was killed by signal 9") != std::string::npos);
}
