// basic_ray_jobs_api_executor's policies swapped at compile time: a recording serializer, the
// package managers, the scripted log tail (no socket); typed submission; and malformed answers.
#include <synapse/executors/basic_ray_jobs_api_executor.hpp>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <string>
#include <synapse/testing/scripted_transport.hpp>
#include <vector>

#include "../common/fake_ray.hpp"
#include "../common/temp_dir.hpp"

using synapse::json;
using synapse::testing::fake_jobs_transport;
using synapse::testing::manual_clock;
using synapse::testing::scripted_websocket;
using test_support::fake_executor;
using test_support::result_log;
using namespace std::chrono_literals;

namespace {

/// Writes params as the job protocol's JSON and records every text it writes and reads.
struct recording_serializer {
    using serializer_concept = synapse::serializer_tag;
    std::shared_ptr<std::vector<std::string>> written =
        std::make_shared<std::vector<std::string>>();
    std::shared_ptr<std::vector<std::string>> read = std::make_shared<std::vector<std::string>>();

    synapse::expected<std::string> write_params(const json& params) const {
        written->push_back(synapse::dump(params));
        return written->back();
    }
    synapse::expected<json> read_result(std::string_view line) const {
        read->emplace_back(line);
        return synapse::json_serializer().read_result(line);
    }
};

struct echo_params {
    std::string word;
    int times = 1;
};
struct echo_result {
    std::string text;
};

}  // namespace

SYNAPSE_REFLECT(echo_params, word, times)
SYNAPSE_REFLECT(echo_result, text)

namespace {
struct echo {
    static constexpr std::string_view name = "echo";
    using params_type = echo_params;
    using result_type = echo_result;
    synapse::expected<echo_result> execute(const echo_params& p, synapse::context&) {
        return echo_result{p.word};
    }
};
}  // namespace

TEST_CASE("a recording serializer swapped in at compile time sees the params and the result",
          "[ray_jobs][serializer]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().log = result_log;
    auto exec = fake_executor<recording_serializer>(ray, clock);
    STATIC_REQUIRE(std::is_same_v<decltype(exec)::serializer_type, recording_serializer>);
    auto id = exec.submit("m.A", {{"a", 40}, {"b", 2}});
    REQUIRE(id);
    auto result = exec.get_result(*id);
    REQUIRE(result);
    CHECK(*result == json{{"total", 42}});
    const auto& env = ray.state().jobs.at(*id).submission["runtime_env"]["env_vars"];
    CHECK(env["SYNAPSE_ACTION_PARAMS"] == R"({"a":40,"b":2})");
    CHECK(*exec.serializer().written == std::vector<std::string>{R"({"a":40,"b":2})"});
    CHECK(*exec.serializer().read == std::vector<std::string>{R"({"total": 42})"});
}

TEST_CASE("the default serializer keeps the job protocol's bytes", "[ray_jobs][serializer]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    auto exec = fake_executor(ray, clock);
    json params = {{"text", "caf\xc3\xa9 \xff"}, {"n", 1.5}};  // invalid UTF-8 is replaced
    auto id = exec.submit("m.A", params);
    REQUIRE(id);
    const auto& env = ray.state().jobs.at(*id).submission["runtime_env"]["env_vars"];
    CHECK(env["SYNAPSE_ACTION_PARAMS"] == "{\"text\":\"caf\xc3\xa9 \xef\xbf\xbd\",\"n\":1.5}");
}

TEST_CASE("submit<A> takes the action's params type and get_result<A> gives its result type",
          "[ray_jobs][typed]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().log = "__SYNAPSE_RESULT_START__\n{\"text\": \"hi\"}\n__SYNAPSE_RESULT_END__\n";
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit<echo>(echo_params{.word = "hi", .times = 2});
    REQUIRE(id);
    const auto& env = ray.state().jobs.at(*id).submission["runtime_env"]["env_vars"];
    CHECK(env["SYNAPSE_ACTION_ENTRYPOINT"] == "echo");
    CHECK(env["SYNAPSE_ACTION_PARAMS"] == R"({"word":"hi","times":2})");
    auto result = exec.get_result<echo>(*id);
    REQUIRE(result);
    CHECK(result->text == "hi");
}

TEST_CASE("the package manager policy writes the job's package section",
          "[ray_jobs][package_manager]") {
    auto clock = std::make_shared<manual_clock>();
    test_support::temp_dir plugin;
    std::ofstream(plugin / "requirements.txt") << "humanize\n";
    synapse::ray_executor_options o;
    o.working_dir = plugin.path();
    {
        fake_jobs_transport ray;
        auto exec = fake_executor<synapse::json_serializer, synapse::uv>(ray, clock, o);
        auto id = exec.submit("m.A", json::object());
        REQUIRE(id);
        const auto& env = ray.state().jobs.at(*id).submission["runtime_env"];
        CHECK(env["uv"] == json::parse(R"({"packages": ["humanize"],
                                           "uv_pip_install_options": ["--no-cache"]})"));
        CHECK_FALSE(env.contains("pip"));
    }
    {
        fake_jobs_transport ray;
        auto exec = fake_executor<synapse::json_serializer, synapse::no_packages>(ray, clock, o);
        auto id = exec.submit("m.A", json::object());
        REQUIRE_FALSE(id);
        CHECK(id.error().code == synapse::errc::invalid_argument);
        CHECK(ray.state().submissions == 0);
    }
}

TEST_CASE("follow delivers each line once over the scripted tail and returns the result",
          "[ray_jobs][follow]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 2;
    ray.state().log = "one\ntwo\n" + result_log;
    scripted_websocket tail(clock);
    tail.push({.frames = {synapse::testing::text("one\ntw"), synapse::testing::silent()}});
    auto exec = fake_executor(ray, clock, {}, tail);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    std::vector<std::string> lines;
    auto result = exec.follow(*id, [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    });
    REQUIRE(result);
    CHECK(*result == json{{"total", 42}});
    CHECK(lines == std::vector<std::string>{"one", "two", "starting"});  // result lines left out
    CHECK(tail.targets() == std::vector<std::string>{"/api/jobs/" + *id + "/logs/tail"});
}

TEST_CASE("a log that cannot be followed does not fail the job: the rest comes at its end",
          "[ray_jobs][follow]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 20;  // running long after the tail gave up
    ray.state().log = "one\ntwo\n" + result_log;
    scripted_websocket tail(clock);  // one stream, broken after a line; then every connect refused
    tail.push({.frames = {synapse::testing::text("one\n"), synapse::testing::broken()}});
    synapse::ray_executor_options o;
    std::vector<std::string> warnings;
    o.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
    auto exec = fake_executor(ray, clock, o, tail);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    std::vector<std::string> lines;
    auto result = exec.follow(*id, [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    });
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK(*result == json{{"total", 42}});
    CHECK(lines == std::vector<std::string>{"one", "two", "starting"});  // each line once
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("following the log of job " + *id + " failed") == 0);
}

TEST_CASE("stream_logs runs over the scripted tail with no socket", "[ray_jobs][follow]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 1;
    scripted_websocket tail(clock);
    tail.push({.frames = {synapse::testing::text("a\nb\n"), synapse::testing::close_normally()}});
    auto exec = fake_executor(ray, clock, {}, tail);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    std::vector<std::string> lines;
    REQUIRE(exec.stream_logs(*id, [&](std::string_view line) {
        lines.emplace_back(line);
        return true;
    }));
    CHECK(lines == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a failed job followed live gives its failure report", "[ray_jobs][follow]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().final_status = "FAILED";
    ray.state().exit_code = 1;
    ray.state().log = "boom\nerror: action_failed: it broke\n";
    ray.state().running_reads = 0;
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto result = exec.follow(*id, [](std::string_view) { return true; });
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::job_failed);
    CHECK(result.error().message.find("error: action_failed: it broke") != std::string::npos);
}

TEST_CASE("malformed answers of the dashboard are errors, never exceptions",
          "[ray_jobs][malformed]") {
    auto clock = std::make_shared<manual_clock>();
    for (std::string body : {R"({"detail": ["x"]})", R"(["not", "an", "object"])", "null",
                             R"({"status": 7})", R"({"status": "DANCING"})", "{\"status\":",
                             R"({"status": "RUNNING", "start_time": 1e300,
                                 "driver_exit_code": -1e20, "metadata": "x"})"}) {
        INFO(body);
        synapse::testing::scripted_transport t;
        t.respond(200, body);
        auto exec = fake_executor(std::move(t), clock);
        auto job = exec.get_status("raysubmit_1");
        if (body.find("RUNNING") != std::string::npos) {
            REQUIRE(job);
            CHECK(*job == synapse::job_status::running);
        } else {
            REQUIRE_FALSE(job);
            CHECK(job.error().code == synapse::errc::malformed_response);
        }
    }
}
