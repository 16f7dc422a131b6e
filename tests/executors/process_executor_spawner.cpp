// basic_process_executor's error paths with a scripted spawner: no child process is started.
#include <synapse/executors/process_executor.hpp>

#include <catch2/catch.hpp>
#include <csignal>
#include <string>
#include <synapse/testing/scripted_spawner.hpp>
#include <vector>

using synapse::json;
using synapse::testing::scripted_spawner;

namespace {

using scripted_executor = synapse::basic_process_executor<scripted_spawner>;

scripted_executor spawner_executor(scripted_spawner spawner,
                                   std::vector<std::string>* shown = nullptr) {
    synapse::process_options o;
    o.on_output = [shown](bool, std::string_view line) {
        if (shown) shown->emplace_back(line);
    };
    o.job_id = "job-7";
    return scripted_executor({"plugin"}, o, spawner);
}

}  // namespace

TEST_CASE("the executor tells the spawner the job protocol's environment",
          "[process_executor][spawner]") {
    scripted_spawner spawner;
    spawner.push({.lines = {{false, "__SYNAPSE_RESULT_START__"},
                            {false, R"({"ok": true})"},
                            {false, "__SYNAPSE_RESULT_END__"}}});
    auto r = spawner_executor(spawner).execute("train", {{"epochs", 3}});
    REQUIRE(r);
    CHECK(*r == json{{"ok", true}});
    const auto runs = spawner.runs();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].argv == std::vector<std::string>{"plugin"});
    CHECK(runs[0].set_env.at("SYNAPSE_ACTION_ENTRYPOINT") == "train");
    CHECK(runs[0].set_env.at("SYNAPSE_ACTION_PARAMS") == R"({"epochs":3})");
    CHECK(runs[0].set_env.at("SYNAPSE_JOB_ID") == "job-7");
}

TEST_CASE("a child that cannot be started is process_failed naming the program",
          "[process_executor][spawner]") {
    scripted_spawner spawner;
    synapse::error cannot(synapse::errc::process_failed,
                          "cannot start 'plugin': Permission denied");
    cannot.where = "plugin";
    spawner.push({.start_failure = cannot});
    auto r = spawner_executor(spawner).execute("train", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::process_failed);
    CHECK(r.error().message == "cannot start 'plugin': Permission denied");
}

TEST_CASE("a child killed by a signal is reported with the signal's name and its last line",
          "[process_executor][spawner]") {
    scripted_spawner spawner;
    spawner.push(
        {.lines = {{true, "loading model"}, {true, "allocating 80 GiB"}}, .signal = SIGKILL});
    auto r = spawner_executor(spawner).execute("train", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::process_failed);
    CHECK(r.error().exit_code == 128 + SIGKILL);
    CHECK(r.error().job_id == "job-7");
    CHECK(r.error().message ==
          "action 'train' was killed by signal 9 (Killed); its last line: allocating 80 GiB");
}

TEST_CASE("garbage on stdout without a result is a protocol error and is shown, not parsed",
          "[process_executor][spawner]") {
    scripted_spawner spawner;
    spawner.push({.lines = {{false, "\x01\x02 binary noise"},
                            {false, "__SYNAPSE_RESULT_START__"},
                            {false, "{not json"},
                            {false, "__SYNAPSE_RESULT_END__"}}});
    std::vector<std::string> shown;
    auto r = spawner_executor(spawner, &shown).execute("train", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::protocol_error);
    CHECK(r.error().message.starts_with("action 'train': invalid JSON in the result line"));
    CHECK(shown == std::vector<std::string>{"\x01\x02 binary noise"});

    spawner.push({.lines = {{false, "just text"}}});
    auto none = spawner_executor(spawner).execute("train", json::object());
    REQUIRE_FALSE(none);
    CHECK(none.error().code == synapse::errc::protocol_error);
    CHECK(none.error().message.starts_with("action 'train': result markers not found"));
}

TEST_CASE("a child's own one-line error is surfaced with its kind, once",
          "[process_executor][spawner]") {
    scripted_spawner spawner;
    spawner.push({.lines = {{true, "reading the model"},
                            {true, "error: io_error: cannot read model 'x' (at x)"}},
                  .exit_code = 1});
    std::vector<std::string> shown;
    auto r = spawner_executor(spawner, &shown).execute("evaluate", json::object());
    CHECK(shown == std::vector<std::string>{"reading the model"});  // the error is not shown too
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::io_error);
    CHECK(r.error().message == "cannot read model 'x'");
    CHECK(r.error().where == "x");
    CHECK(r.error().exit_code == 1);
    const std::string line = synapse::to_string(r.error());
    CHECK(line.find("(at x)") == line.rfind("(at x)"));

    spawner.push({.lines = {{true, "Traceback ..."}, {true, "ValueError: nope"}}, .exit_code = 2});
    spawner.push({.lines = {{true, "error: io_error: a warning that looks like an error"},
                            {false, "__SYNAPSE_RESULT_START__"},
                            {false, "{}"},
                            {false, "__SYNAPSE_RESULT_END__"}}});
    auto other = spawner_executor(spawner).execute("evaluate", json::object());
    REQUIRE_FALSE(other);
    CHECK(other.error().code == synapse::errc::process_failed);
    CHECK(other.error().message == "action 'evaluate' exited with status 2: ValueError: nope");
    shown.clear();
    auto fine = spawner_executor(spawner, &shown).execute("evaluate", json::object());
    REQUIRE(fine);
    CHECK(shown == std::vector<std::string>{"error: io_error: a warning that looks like an error"});
}

TEST_CASE("a timed-out child is a timeout naming the limit", "[process_executor][spawner]") {
    scripted_spawner spawner;
    spawner.push({.timed_out = true});
    synapse::process_options o;
    o.timeout = std::chrono::milliseconds(1500);
    scripted_executor exec({"plugin"}, o, spawner);
    auto r = exec.execute("slow", json::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::timeout);
    CHECK(r.error().message == "action 'slow' did not finish within 1500 ms");
}
