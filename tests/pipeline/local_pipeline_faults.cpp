// Local pipelines when things go wrong: cancellation, a service away for a while, a killed runner.
#include "local_fixture.hpp"

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
