// The client against a real pipeline service: a run from created to completed, with progress,
// its stream, checkpoints and logs, read back.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support.hpp"

using namespace interop;
using synapse::json;

TEST_CASE("the service is healthy", "[interop]") {
    auto c = connect();
    auto h = c.health();
    REQUIRE(h);
    CHECK(h->status == "healthy");
}

TEST_CASE("a pipeline run goes from created to completed with progress, checkpoints and logs",
          "[interop]") {
    auto c = connect();
    const auto pipeline = create_two_action_pipeline(c);
    CHECK(pipeline.id.size() == 36);
    CHECK(pipeline.description == "download then train");
    auto read_back = c.get_pipeline(pipeline.id);
    REQUIRE(read_back);
    CHECK(read_back->actions.at(1).entrypoint == "plugin.Train");
    auto all = c.list_pipelines({.skip = 0, .limit = 1000});
    REQUIRE(all);
    CHECK(std::any_of(all->begin(), all->end(),
                      [&](const ps::pipeline& p) { return p.id == pipeline.id; }));

    auto run = c.create_run(pipeline.id, {.params = json{{"dataset", 7}}});
    REQUIRE(run);
    CHECK(run->status == ps::run_status::pending);
    CHECK(run->params == json{{"dataset", 7}});
    REQUIRE(run->progress);
    REQUIRE(run->progress->size() == 2);
    CHECK(run->progress->at(1).name == "train");
    CHECK(run->progress->at(1).status == ps::action_status::pending);

    stream_recorder stream(run->id);
    const bool first_state = stream.wait_for([](const auto& states) { return !states.empty(); });
    INFO("progress stream: " << stream.outcome_text());
    REQUIRE(first_state);
    CHECK(stream.states().front().status == ps::run_status::pending);

    // The run starts; the first action reports a step, then completes with a checkpoint.
    auto started = c.report_progress(run->id, {.status = ps::run_status::running});
    REQUIRE(started);
    CHECK(started->started_at.has_value());
    auto step = c.report_progress(
        run->id, {.current_action = "download",
                  .current_action_index = 0,
                  .action_progress = ps::action_progress{.name = "download",
                                                         .status = ps::action_status::running,
                                                         .progress = 0.5,
                                                         .progress_step = "fetch",
                                                         .message = "1/2",
                                                         .metrics = json{{"bytes", 1024}}}});
    REQUIRE(step);
    REQUIRE(step->progress);
    CHECK(step->progress->at(0).progress == 0.5);
    CHECK(step->progress->at(0).progress_step == "fetch");
    CHECK(step->progress->at(0).metrics == json{{"bytes", 1024}});
    CHECK(step->current_action == "download");
    REQUIRE(stream.wait_for(
        [](const auto& states) { return states.back().overall_progress() == Approx(0.25); }));

    REQUIRE(c.report_progress(
        run->id,
        {.current_action_index = 0,
         .action_progress = ps::action_progress{
             .name = "download", .status = ps::action_status::completed, .progress = 1.0}}));
    auto first =
        c.create_checkpoint(run->id, {.action_name = "download",
                                      .action_index = 0,
                                      .params_snapshot = json{{"dataset", 7}, {"path", "/data/7"}},
                                      .result = json{{"path", "/data/7"}}});
    REQUIRE(first);
    CHECK(first->run_id == run->id);
    CHECK(first->status == ps::action_status::completed);
    auto logs = c.append_logs(
        run->id,
        {{.action_name = "download", .message = "downloaded"},
         {.action_name = "download", .level = ps::log_level::warning, .message = "slow mirror"}});
    REQUIRE(logs);
    REQUIRE(logs->size() == 2);
    CHECK(logs->at(1).level == ps::log_level::warning);

    // The second action runs, checkpoints, and the run completes.
    REQUIRE(c.report_progress(
        run->id, {.current_action = "train",
                  .current_action_index = 1,
                  .action_progress = ps::action_progress{
                      .name = "train", .status = ps::action_status::completed, .progress = 1.0}}));
    REQUIRE(c.create_checkpoint(run->id, {.action_name = "train",
                                          .action_index = 1,
                                          .params_snapshot = json{{"dataset", 7}},
                                          .result = json{{"model", "m.pt"}},
                                          .artifacts_path = "/artifacts/train"}));
    auto done = c.report_progress(run->id, {.status = ps::run_status::completed});
    REQUIRE(done);
    CHECK(done->completed_at.has_value());

    REQUIRE(stream.finish());
    const auto states = stream.states();
    REQUIRE_FALSE(states.empty());
    CHECK(states.back().status == ps::run_status::completed);
    CHECK(states.back().overall_progress() == 1.0);
    CHECK(states.back().completed_actions() == 2);
    CHECK(states.back().completed_at.has_value());
    for (std::size_t i = 1; i < states.size(); ++i)
        CHECK(states[i].overall_progress() >= states[i - 1].overall_progress());

    // Read everything back.
    auto progress = c.get_progress(run->id);
    REQUIRE(progress);
    CHECK(progress->status == ps::run_status::completed);
    CHECK(progress->current_action == "train");
    CHECK(progress->current_action_index == 1);
    auto latest = c.latest_checkpoint(run->id);
    REQUIRE(latest);
    REQUIRE(*latest);
    CHECK((*latest)->action_name == "train");
    CHECK((*latest)->artifacts_path == "/artifacts/train");
    auto download = c.checkpoint_for(run->id, "download");
    REQUIRE(download);
    REQUIRE(*download);
    CHECK((*download)->params_snapshot == json{{"dataset", 7}, {"path", "/data/7"}});
    auto none = c.checkpoint_for(run->id, "evaluate");
    REQUIRE(none);
    CHECK_FALSE(*none);
    auto listed = c.list_checkpoints(run->id);
    REQUIRE(listed);
    REQUIRE(listed->size() == 2);
    CHECK(listed->at(0).action_index == 0);
    auto warnings = c.get_logs(run->id, {.level = ps::log_level::warning});
    REQUIRE(warnings);
    REQUIRE(warnings->size() == 1);
    CHECK(warnings->at(0).message == "slow mirror");
    auto all_logs = c.get_logs(run->id);
    REQUIRE(all_logs);
    CHECK(all_logs->size() == 2);
    auto after_first = c.get_logs(run->id, {.since = all_logs->at(0).timestamp});
    REQUIRE(after_first);
    CHECK(after_first->size() <= 1);

    auto patched = c.update_run(run->id, {.result = json{{"model", "m.pt"}}});
    REQUIRE(patched);
    CHECK(patched->result == json{{"model", "m.pt"}});
    CHECK(patched->status == ps::run_status::completed);  // untouched: not sent
    auto completed_runs = c.list_runs(ps::run_status::completed, {.skip = 0, .limit = 1000});
    REQUIRE(completed_runs);
    CHECK(std::any_of(completed_runs->begin(), completed_runs->end(),
                      [&](const ps::run& r) { return r.id == run->id; }));
    auto runs = c.list_pipeline_runs(pipeline.id);
    REQUIRE(runs);
    CHECK(runs->size() == 1);

    REQUIRE(c.delete_pipeline(pipeline.id));
    auto gone = c.get_run(run->id);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == errc::not_found);
}
