#include <synapse/executors/warm_process_executor.hpp>
#include <synapse/testing/recording_logger.hpp>

#include <catch2/catch.hpp>
#include <set>
#include <thread>
#include <vector>

#include "../common/temp_dir.hpp"
#include "regression.hpp"

using synapse::json;

namespace {

const std::string fixture = SYNAPSE_WORKER_PLUGIN;
const std::string regression_plugin = std::string(SYNAPSE_REGRESSION_PLUGIN_DIR) + "/regression";

synapse::warm_process_options quiet_warm(std::size_t workers = 1) {
    synapse::warm_process_options o;
    o.workers = workers;
    o.on_output = [](std::string_view) {};
    return o;
}

using recording_executor = synapse::basic_warm_process_executor<synapse::testing::recording_logger>;

}  // namespace

TEST_CASE("calls from four threads share two warm workers, each call getting its own answer",
          "[warm_process_executor]") {
    auto exec = synapse::warm_process_executor::for_binary(fixture, quiet_warm(2));
    REQUIRE(exec.start());
    const auto workers = exec.pids();
    REQUIRE(workers.size() == 2);
    std::vector<std::thread> callers;
    std::vector<int> wrong(4, 0);
    for (int t = 0; t < 4; ++t)
        callers.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) {
                const std::string text = std::to_string(t) + ":" + std::to_string(i);
                auto r = exec.execute("noisy", {{"text", text}});
                if (!r || (*r)["text"] != text) ++wrong[t];
            }
        });
    for (auto& c : callers) c.join();
    CHECK(wrong == std::vector<int>(4, 0));
    CHECK(exec.pids() == workers);  // the same two processes answered all 100 calls
    // Each worker counted its own calls; together they saw every call.
    int calls = 0;
    for (int i = 0; i < 2; ++i) {
        auto r = exec.execute("count", {{"add", 0}});
        REQUIRE(r);
        calls += (*r)["calls"].get<int>();
    }
    CHECK(calls >= 2);
}

TEST_CASE("a worker that crashed is replaced by a fresh one for the next call",
          "[warm_process_executor]") {
    auto exec = synapse::warm_process_executor::for_binary(fixture, quiet_warm());
    REQUIRE(exec.execute("count", {{"add", 10}}));
    const auto before = exec.pids();
    auto crashed = exec.execute("crash", {});
    REQUIRE_FALSE(crashed);
    CHECK(crashed.error().code == synapse::errc::process_failed);
    CHECK(crashed.error().message.find("signal 6") != std::string::npos);
    CHECK(exec.pids().empty());
    auto next = exec.execute("count", {{"add", 1}});
    REQUIRE(next);
    CHECK((*next)["total"] == 1);  // a new process: the old total is gone with the old one
    CHECK(exec.pids() != before);
}

TEST_CASE("a call past the timeout fails and the next call gets a fresh worker",
          "[warm_process_executor]") {
    auto options = quiet_warm();
    options.timeout = std::chrono::milliseconds(300);
    auto exec = synapse::warm_process_executor::for_binary(fixture, options);
    auto hung = exec.execute("hang", {});
    REQUIRE_FALSE(hung);
    CHECK(hung.error().code == synapse::errc::timeout);
    auto next = exec.execute("count", {});
    REQUIRE(next);
    CHECK((*next)["calls"] == 1);
}

TEST_CASE("what an action reports reaches the executor's logger", "[warm_process_executor]") {
    auto exec = recording_executor::for_binary(fixture, quiet_warm());
    REQUIRE(exec.execute("count", {{"add", 4}}));
    REQUIRE(exec.execute("noisy", {{"text", "x"}}));
    const auto& logger = exec.logger();
    REQUIRE(logger.logs.size() == 1);
    CHECK(logger.logs[0].event == "counted");
    CHECK(logger.logs[0].data["total"] == 4);
    REQUIRE(logger.progress.size() == 3);
    CHECK(logger.progress[2].percent == 100.0);
}

TEST_CASE("typed calls of a C++ action check params and result types at compile time",
          "[warm_process_executor]") {
    test_support::temp_dir dir;
    auto exec = synapse::warm_process_executor::for_binary(regression_plugin, quiet_warm());
    auto downloaded = exec.execute<regression::download>({dir.path(), std::nullopt});
    INFO((downloaded ? std::string() : downloaded.error().message));
    REQUIRE(downloaded);
    CHECK(downloaded->rows == 240);
}

TEST_CASE("the example plugin keeps its model loaded between evaluate calls",
          "[warm_process_executor]") {
    test_support::temp_dir dir;
    auto exec = recording_executor::for_binary(regression_plugin, quiet_warm());
    auto d = exec.execute<regression::download>({dir.path(), std::nullopt});
    REQUIRE(d);
    auto c = exec.execute<regression::convert>({d->dataset_path, dir.path()});
    REQUIRE(c);
    auto t = exec.execute<regression::train>({c->train_path, dir.path(), 20});
    REQUIRE(t);
    auto first = exec.execute<regression::evaluate>({t->model_path, c->test_path});
    auto second = exec.execute<regression::evaluate>({t->model_path, c->test_path});
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->mse == second->mse);
    std::vector<bool> cached;
    for (const auto& l : exec.logger().logs)
        if (l.event == "model_ready") cached.push_back(l.data["cached"].get<bool>());
    CHECK(cached == std::vector<bool>{false, true});
}

TEST_CASE("after shutdown the workers are gone and calls are cancelled",
          "[warm_process_executor]") {
    auto exec = synapse::warm_process_executor::for_binary(fixture, quiet_warm(2));
    REQUIRE(exec.start());
    const auto pids = exec.pids();
    REQUIRE(pids.size() == 2);
    exec.shutdown();
    CHECK(exec.pids().empty());
    for (auto pid : pids) CHECK(::kill(pid, 0) != 0);  // exited and reaped
    auto r = exec.execute("count", {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::cancelled);
    exec.shutdown();  // idempotent
}

TEST_CASE("a plugin binary that does not exist fails the call naming it",
          "[warm_process_executor]") {
    auto exec = synapse::warm_process_executor::for_binary("/nonexistent/plugin", quiet_warm());
    auto r = exec.execute("count", {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::process_failed);
    CHECK(r.error().where == "/nonexistent/plugin");
}

TEST_CASE("synapse-sdk actions run warm through the Python host", "[warm_process_executor]") {
    test_support::temp_dir host;
    auto options = quiet_warm();
    options.working_dir = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
    auto exec =
        synapse::warm_process_executor::for_python(SYNAPSE_VENV_PYTHON, host.path(), options);
    REQUIRE(exec);
    auto sum = exec->execute("adder_actions.AddAction", {{"a", 2}, {"b", 3}});
    REQUIRE(sum);
    CHECK((*sum)["total"] == 5);
    const auto pid = exec->pids();
    auto again = exec->execute("adder_actions.AddAction", {{"a", 1}});
    REQUIRE(again);
    CHECK((*again)["total"] == 1);
    CHECK(exec->pids() == pid);

    auto invalid = exec->execute("adder_actions.AddAction", {{"a", 1}, {"b", -1}});
    REQUIRE_FALSE(invalid);
    CHECK(invalid.error().code == synapse::errc::validation_failed);
    REQUIRE_FALSE(invalid.error().fields.empty());
    CHECK(invalid.error().fields[0].path == "b");

    auto failed = exec->execute("adder_actions.FailAction", {{"a", 1}});
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == synapse::errc::action_failed);
    CHECK(failed.error().message.find("python action failed on purpose") != std::string::npos);

    auto unknown = exec->execute("adder_actions.NoSuchAction", {});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == synapse::errc::unknown_action);
    CHECK(unknown.error().message.find("NoSuchAction") != std::string::npos);
    CHECK(exec->pids() == pid);  // errors are answers: the same process goes on
}
