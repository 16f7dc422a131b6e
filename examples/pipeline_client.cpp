// The pipeline service client end to end: registers a two-action pipeline, starts a run,
// reports its progress as the actions would, and follows the run's SSE progress stream on a
// second connection until it completes.
//
//     build/examples/pipeline_client [URL]   (else $SYNAPSE_PIPELINE_SERVICE_URL, else
//                                              http://127.0.0.1:8100)
//
// Any pipeline service works: synapse-sdk's dev-api (`uvicorn app.main:app --port 8100`) or
// `synapse service --port 8100`.
#include <synapse/pipeline/service_client.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

namespace ps = synapse::pipeline_service;

int main(int argc, char** argv) {
    const char* from_env = std::getenv("SYNAPSE_PIPELINE_SERVICE_URL");
    const std::string url = argc > 1 ? argv[1] : from_env ? from_env : "http://127.0.0.1:8100";
    auto connect = [&] {
        return synapse::pipeline_service_client::create(synapse::pipeline_service_options(url));
    };
    auto client = connect();
    if (!client) return std::cerr << "error: " << client.error() << '\n', 1;
    if (auto h = client->health(); !h) return std::cerr << "error: " << h.error() << '\n', 1;

    auto pipeline =
        client->create_pipeline({.name = "example",
                                 .actions = {{.name = "download", .entrypoint = "plugin.Download"},
                                             {.name = "train", .entrypoint = "plugin.Train"}}});
    if (!pipeline) return std::cerr << "error: " << pipeline.error() << '\n', 1;
    auto run = client->create_run(pipeline->id, {.params = synapse::json{{"dataset", 7}}});
    if (!run) return std::cerr << "error: " << run.error() << '\n', 1;
    std::cout << "run " << run->id << '\n';

    // The watcher: its own connection, printing each state until a terminal event.
    std::jthread watcher([&](std::stop_token stop) {
        auto watch = connect();
        if (!watch) return;
        auto done = watch->stream_progress(
            run->id,
            [](const ps::pipeline_progress& p) {
                std::printf("%-9s %3.0f%%  %zu/%zu actions done  %s\n",
                            std::string(ps::to_string(p.status)).c_str(),
                            p.overall_progress() * 100, p.completed_actions(), p.total_actions(),
                            p.current_action.value_or("").c_str());
                return true;
            },
            stop);
        if (!done) std::cerr << "error: " << done.error() << '\n';
    });

    // The worker: what a pipeline runner reports for each action.
    auto report = [&](ps::progress_update u) {
        if (auto r = client->report_progress(run->id, u); !r)
            std::cerr << "error: " << r.error() << '\n';
    };
    report({.status = ps::run_status::running});
    const char* actions[] = {"download", "train"};
    for (int i = 0; i < 2; ++i) {
        for (int step = 1; step <= 4; ++step) {
            std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the action's work
            report(
                {.current_action = actions[i],
                 .current_action_index = i,
                 .action_progress = ps::action_progress{
                     .name = actions[i],
                     .status = step < 4 ? ps::action_status::running : ps::action_status::completed,
                     .progress = step / 4.0,
                     .message = std::to_string(step) + "/4"}});
        }
        (void)client->create_checkpoint(run->id, {.action_name = actions[i], .action_index = i});
    }
    report({.status = ps::run_status::completed});
    watcher.join();
    auto latest = client->latest_checkpoint(run->id);
    if (latest && *latest) std::cout << "latest checkpoint: " << (*latest)->action_name << '\n';
    return 0;
}
