// The client against a real pipeline service: synapse-sdk's own FastAPI dev-api (or
// `synapse service`), started by tests/pipeline/run_service.py, which sets
// SYNAPSE_PIPELINE_SERVICE_URL and stops the service afterwards, also on failure. Without it
// the tests are skipped (exit status 77).
#define CATCH_CONFIG_RUNNER
#include <synapse/pipeline/service_client.hpp>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ps = synapse::pipeline_service;
using synapse::errc;
using synapse::json;

namespace {

synapse::pipeline_service_client connect() {
    auto client = synapse::pipeline_service_client::create(
        synapse::pipeline_service_options(std::getenv("SYNAPSE_PIPELINE_SERVICE_URL")));
    REQUIRE(client);
    return std::move(*client);
}

/// Follows a run's progress stream on its own thread (with its own connection) and records
/// every state, so the test can wait for conditions on what arrived.
class stream_recorder {
  public:
    explicit stream_recorder(std::string run_id) {
        thread_ = std::jthread([this, run_id](std::stop_token stop) {
            auto client = connect_quietly();
            synapse::expected<void> outcome =
                client ? client->stream_progress(
                             run_id,
                             [this](const ps::pipeline_progress& p) {
                                 std::lock_guard lock(m_);
                                 states_.push_back(p);
                                 cv_.notify_all();
                                 return true;
                             },
                             stop)
                       : synapse::expected<void>(synapse::fail(client.error()));
            std::lock_guard lock(m_);
            outcome_ = std::move(outcome);
            cv_.notify_all();
        });
    }

    /// Waits (up to a minute) until `pred(states)` holds or the stream ended; true if it holds.
    template <class Pred>
    bool wait_for(Pred pred) {
        std::unique_lock lock(m_);
        return cv_.wait_for(lock, std::chrono::minutes(1), [&] {
            return pred(states_) || outcome_.has_value();
        }) && pred(states_);
    }
    /// Waits for the end of the stream and returns how it ended.
    synapse::expected<void> finish() {
        std::unique_lock lock(m_);
        if (!cv_.wait_for(lock, std::chrono::minutes(1), [&] { return outcome_.has_value(); })) {
            return synapse::fail(errc::timeout, "the progress stream did not end");
        }
        return *outcome_;
    }
    /// How the stream ended, for failure messages ("still open" while it runs).
    std::string outcome_text() {
        std::lock_guard lock(m_);
        if (!outcome_) return "still open";
        return *outcome_ ? "ended normally" : synapse::to_string(outcome_->error());
    }
    std::vector<ps::pipeline_progress> states() {
        std::lock_guard lock(m_);
        return states_;
    }

  private:
    static synapse::expected<synapse::pipeline_service_client> connect_quietly() {
        return synapse::pipeline_service_client::create(
            synapse::pipeline_service_options(std::getenv("SYNAPSE_PIPELINE_SERVICE_URL")));
    }

    std::mutex m_;
    std::condition_variable cv_;
    std::vector<ps::pipeline_progress> states_;
    std::optional<synapse::expected<void>> outcome_;
    std::jthread thread_;  // last: joined before the members it uses are destroyed
};

/// The error of `e`, for failure messages ("" when it holds a value).
template <class E>
std::string why(const E& e) {
    return e ? std::string() : synapse::to_string(e.error());
}

ps::pipeline create_two_action_pipeline(synapse::pipeline_service_client& c) {
    auto p = c.create_pipeline({.name = "interop",
                                .description = "download then train",
                                .actions = {{.name = "download", .entrypoint = "plugin.Download"},
                                            {.name = "train", .entrypoint = "plugin.Train"}}});
    REQUIRE(p);
    return *p;
}

}  // namespace

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

TEST_CASE("the service's errors keep their status and detail", "[interop]") {
    auto c = connect();
    auto run = c.get_run("no-such-run");
    REQUIRE_FALSE(run);
    CHECK(run.error().code == errc::not_found);
    CHECK(run.error().http_status == 404);
    CHECK(run.error().message.find("Run not found") != std::string::npos);

    auto pipeline = c.create_run("no-such-pipeline");
    REQUIRE_FALSE(pipeline);
    CHECK(pipeline.error().message.find("Pipeline not found") != std::string::npos);

    auto no_run = c.latest_checkpoint("no-such-run");
    REQUIRE_FALSE(no_run);
    CHECK(no_run.error().code == errc::not_found);

    const auto p = create_two_action_pipeline(c);
    auto fresh = c.create_run(p.id);
    REQUIRE(fresh);
    auto none = c.latest_checkpoint(fresh->id);
    INFO(why(none));
    REQUIRE(none);
    CHECK_FALSE(*none);

    auto limit = c.get_logs(fresh->id, {.limit = 0});  // the service wants 1..10000
    REQUIRE_FALSE(limit);
    CHECK(limit.error().code == errc::validation_failed);
    CHECK(limit.error().http_status == 422);
    REQUIRE(limit.error().fields.size() == 1);
    CHECK(limit.error().fields[0].path == "limit");

    auto stream =
        c.stream_progress("no-such-run", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(stream);
    CHECK(stream.error().code == errc::not_found);
    CHECK(stream.error().http_status == 404);
    REQUIRE(c.delete_pipeline(p.id));
}

TEST_CASE("a run deleted while its progress is streamed ends the stream with not_found",
          "[interop]") {
    auto c = connect();
    const auto p = create_two_action_pipeline(c);
    auto run = c.create_run(p.id);
    REQUIRE(run);
    stream_recorder stream(run->id);
    const bool first_state = stream.wait_for([](const auto& states) { return !states.empty(); });
    INFO("progress stream: " << stream.outcome_text());
    REQUIRE(first_state);
    REQUIRE(c.delete_run(run->id));
    auto ended = stream.finish();
    REQUIRE_FALSE(ended);
    CHECK(ended.error().code == errc::not_found);
    REQUIRE(c.delete_pipeline(p.id));
}

int main(int argc, char** argv) {
    if (!std::getenv("SYNAPSE_PIPELINE_SERVICE_URL")) {
        std::cout << "SYNAPSE_PIPELINE_SERVICE_URL is not set: run under "
                     "tests/pipeline/run_service.py\n";
        return 77;
    }
    return Catch::Session().run(argc, argv);
}
