#include <synapse/executors/worker_process.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using synapse::json;
using synapse::worker_process;

namespace {

const std::string fixture = SYNAPSE_WORKER_PLUGIN;

worker_process start(std::vector<std::string>* lines = nullptr) {
    synapse::process_spec spec;
    spec.argv = {fixture, "worker"};
    auto w = worker_process::start(spec, [lines](std::string_view l) {
        if (lines) lines->emplace_back(l);
    });
    REQUIRE(w);
    return std::move(*w);
}

bool contains(const std::vector<std::string>& lines, std::string_view text) {
    for (const auto& l : lines)
        if (l.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("a worker says it is ready, with its pid and actions", "[worker_process]") {
    auto w = start();
    CHECK(w.alive());
    CHECK(w.ready()["pid"] == w.pid());
    CHECK(w.ready()["actions"] ==
          json::array({"count", "noisy", "big", "crash", "hang", "refuse"}));
}

TEST_CASE("an action keeps its state between calls to the same worker", "[worker_process]") {
    auto w = start();
    auto first = w.call({"1", "count", {{"add", 5}}});
    auto second = w.call({"2", "count", {{"add", 2}}});
    REQUIRE(first);
    REQUIRE(second);
    CHECK((*first)["total"] == 5);
    CHECK((*second)["total"] == 7);
    CHECK((*second)["calls"] == 2);
}

TEST_CASE("the events of a call come back with it, in order", "[worker_process]") {
    auto w = start();
    std::vector<json> events;
    auto r = w.call({"1", "count", {{"add", 3}}}, [&](const json& e) { events.push_back(e); });
    REQUIRE(r);
    REQUIRE(events.size() == 1);
    CHECK(events[0]["type"] == "log");
    CHECK(events[0]["event"] == "counted");
    CHECK(events[0]["data"]["total"] == 3);
}

TEST_CASE("what an action prints to stdout cannot corrupt the frames", "[worker_process]") {
    std::vector<std::string> lines;
    auto w = start(&lines);
    std::vector<json> events;
    auto r = w.call(
        {"1", "noisy", {{"text", "hello"}}}, [&](const json& e) { events.push_back(e); },
        [&](std::string_view l) { lines.emplace_back(l); });
    REQUIRE(r);
    CHECK((*r)["text"] == "hello");
    CHECK(events.size() == 3);  // the three progress reports
    CHECK(contains(lines, "cout: hello"));
    CHECK(contains(lines, "printf: hello"));
    CHECK(contains(lines, R"("id":"forged")"));  // a forged frame is only output
    // The half line printed last does not stick to the next call's frames.
    auto next = w.call({"2", "count", {}});
    REQUIRE(next);
    CHECK((*next)["total"] == 1);
}

TEST_CASE("a result of 48 MiB arrives whole", "[worker_process]") {
    auto w = start();
    auto r = w.call({"1", "big", {{"megabytes", 48}}});
    REQUIRE(r);
    const auto& data = (*r)["data"].get_ref<const std::string&>();
    CHECK(data.size() == std::size_t{48} << 20);
    CHECK(data.find_first_not_of('x') == std::string::npos);
}

TEST_CASE("an action that aborts fails its call naming the signal and the last lines",
          "[worker_process]") {
    auto w = start();
    const auto pid = w.pid();
    auto r = w.call({"1", "crash", {{"abort", true}}}, {}, [](std::string_view) {});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::process_failed);
    CHECK(r.error().message.find("pid " + std::to_string(pid)) != std::string::npos);
    CHECK(r.error().message.find("killed by signal 6") != std::string::npos);
    CHECK(r.error().message.find("while running 'crash'") != std::string::npos);
    CHECK(r.error().message.find("loading the broken model") != std::string::npos);
    CHECK_FALSE(w.alive());
    auto after = w.call({"2", "count", {}});
    REQUIRE_FALSE(after);
    CHECK(after.error().message == "the worker is not running");
}

TEST_CASE("an action that exits fails its call naming the exit status", "[worker_process]") {
    auto w = start();
    auto r = w.call({"1", "crash", {{"abort", false}}}, {}, [](std::string_view) {});
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("exited with status 3") != std::string::npos);
    CHECK(r.error().exit_code == 3);
}

TEST_CASE("an action's own error, a validation error and an unknown action come back as errors",
          "[worker_process]") {
    auto w = start();
    auto refused = w.call({"1", "refuse", {}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == synapse::errc::action_failed);
    CHECK(refused.error().message == "action 'refuse' failed: the input is not a house");

    auto invalid = w.call({"2", "count", {{"add", "five"}}});
    REQUIRE_FALSE(invalid);
    CHECK(invalid.error().code == synapse::errc::validation_failed);
    REQUIRE(invalid.error().fields.size() == 1);
    CHECK(invalid.error().fields[0].path == "add");

    auto unknown = w.call({"3", "fly", {}});
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message.find("'fly'") != std::string::npos);
    CHECK(unknown.error().message.find("count") != std::string::npos);
    CHECK(w.alive());  // errors are answers: the worker goes on
}

TEST_CASE("malformed request lines get error frames and the worker goes on", "[worker_process]") {
    synapse::process_spec spec;
    spec.argv = {fixture, "worker"};
    auto child = synapse::detail::launch(spec, true);
    REQUIRE(child);
    const std::string input =
        "not json\n[1]\n{\"id\": \"4\", \"params\": {}}\n{\"id\": \"5\", \"action\": \"count\"}\n";
    REQUIRE(::write(child->in_fd, input.data(), input.size()) ==
            static_cast<ssize_t>(input.size()));
    ::close(child->in_fd);  // the worker ends at the end of its input
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = ::read(child->out_fd, buffer, sizeof buffer)) > 0;)
        out.append(buffer, static_cast<std::size_t>(n));
    ::close(child->out_fd);
    ::close(child->err_fd);
    int status = 0;
    REQUIRE(::waitpid(child->pid, &status, 0) == child->pid);
    CHECK(synapse::detail::outcome_of(status).exit_code == 0);

    std::vector<json> frames;
    for (std::size_t start = 0, nl; (nl = out.find('\n', start)) != std::string::npos;
         start = nl + 1) {
        auto f = synapse::parse_json(std::string_view(out).substr(start, nl - start));
        REQUIRE(f);
        frames.push_back(*f);
    }
    REQUIRE(frames.size() == 6);
    CHECK(frames[0]["type"] == "ready");
    CHECK(frames[1]["type"] == "error");
    CHECK(frames[1]["error"]["code"] == "invalid_json");
    CHECK(frames[2]["error"]["message"].get<std::string>().find("got array") != std::string::npos);
    CHECK(frames[3]["id"] == "4");
    CHECK(frames[3]["error"]["message"].get<std::string>().find("\"action\"") != std::string::npos);
    CHECK(frames[4]["type"] == "event");  // count logs what it counted
    CHECK(frames[5]["type"] == "result");
    CHECK(frames[5]["id"] == "5");
}

TEST_CASE("a call past its timeout ends the worker and says so", "[worker_process]") {
    auto w = start();
    auto r = w.call({"1", "hang", {}}, {}, {}, std::chrono::milliseconds(300));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::timeout);
    CHECK(r.error().message == "action 'hang' did not answer within 300 ms");
    CHECK_FALSE(w.alive());
    CHECK(w.stop().signal == SIGKILL);
}

TEST_CASE("stop asks the worker to end and it exits cleanly", "[worker_process]") {
    auto w = start();
    auto outcome = w.stop();
    CHECK(outcome.exit_code == 0);
    CHECK_FALSE(outcome.signal);
    CHECK_FALSE(w.alive());
}

TEST_CASE("a worker that cannot start names its program", "[worker_process]") {
    synapse::process_spec spec;
    spec.argv = {"/nonexistent/plugin", "worker"};
    auto w = worker_process::start(spec);
    REQUIRE_FALSE(w);
    CHECK(w.error().code == synapse::errc::process_failed);
    CHECK(w.error().where == "/nonexistent/plugin");
}

TEST_CASE("a program that ends before it is ready is a failed start with its last lines",
          "[worker_process]") {
    synapse::process_spec spec;
    spec.argv = {fixture, "worker", "extra"};  // a usage error: exits 2 at once
    auto w = worker_process::start(spec, [](std::string_view) {});
    REQUIRE_FALSE(w);
    CHECK(w.error().code == synapse::errc::process_failed);
    CHECK(w.error().message.find("exited with status 2 before it was ready") != std::string::npos);
    CHECK(w.error().message.find("worker takes no arguments") != std::string::npos);
}

TEST_CASE("a program that is not a worker is refused at its first frame", "[worker_process]") {
    synapse::process_spec spec;
    spec.argv = {"/bin/sh", "-c", "echo '{\"type\": \"hello\"}'; sleep 5"};
    auto w = worker_process::start(spec);
    REQUIRE_FALSE(w);
    CHECK(w.error().code == synapse::errc::protocol_error);
    CHECK(w.error().message.find("not `ready`") != std::string::npos);
}
