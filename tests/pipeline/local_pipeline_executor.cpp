// local_pipeline_executor against the real `synapse service`: the example plugin in its pipeline
// mode, synapse-sdk actions, a mixed pipeline, resumption, typed pipelines.
#include "local_fixture.hpp"

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
    {  // the run's error is reported once, by its state: the runner's own `error:` line is not
       // printed beside it
        std::lock_guard lock(f.printed_mutex);
        for (const auto& line : f.printed) CHECK_FALSE(line.starts_with("error: "));
    }

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
