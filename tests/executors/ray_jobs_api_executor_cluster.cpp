// The Ray Jobs executor against the real local Ray head (cluster suite): the regression
// example's C++ plugin binary runs as a Ray job.
#include <synapse/executors/ray_jobs_api_executor.hpp>

#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "../common/closing_proxy.hpp"
#include "../common/temp_dir.hpp"
#include "regression.hpp"

using synapse::json;

namespace {
synapse::ray_jobs_api_executor make_executor() {
    synapse::ray_executor_options o;
    o.transport.base_url = std::getenv("RAY_DASHBOARD_URL");
    o.working_dir = SYNAPSE_REGRESSION_PLUGIN_DIR;
    o.binary = "regression";
    o.package_excludes = {"*.p", "*.a", "*.o"};  // the build's own files beside the plugin
    o.env = synapse::plugin_environment::from_map({{"REGRESSION_MODE", "ray"}});
    auto exec = synapse::ray_jobs_api_executor::create(o);
    REQUIRE(exec);
    return std::move(*exec);
}
}  // namespace

TEST_CASE("a C++ plugin action runs as a Ray job and returns its typed result",
          "[cluster][ray_jobs]") {
    test_support::temp_dir work;
    auto exec = make_executor();
    auto id = exec.submit("download", {{"work_dir", work.path().string()}});
    REQUIRE(id);
    auto result = exec.get_result<regression::download>(*id, std::chrono::minutes(3));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK(result->rows == 240);
    CHECK(std::filesystem::exists(result->dataset_path));
    auto status = exec.get_status(*id);
    REQUIRE(status);
    CHECK(*status == synapse::job_status::succeeded);
    auto logs = exec.get_logs(*id);
    REQUIRE(logs);
    CHECK(logs->find("INFO: dataset_ready") != std::string::npos);
    auto deleted = exec.remove(*id);
    REQUIRE(deleted);
    CHECK(*deleted);
}

TEST_CASE("a failing action ends FAILED and get_result carries the log tail",
          "[cluster][ray_jobs]") {
    auto exec = make_executor();
    auto id = exec.submit("train", {{"epochs", 0}});
    REQUIRE(id);
    auto result = exec.get_result(*id, std::chrono::minutes(3));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::job_failed);
    CHECK(result.error().job_id == *id);
    CHECK(result.error().exit_code == 1);
    CHECK(result.error().message.find("FAILED") != std::string::npos);
    CHECK(result.error().message.find("epochs: must be between 1 and 100000, got 0") !=
          std::string::npos);
}

TEST_CASE("params of 32,000 characters or more travel inside the package", "[cluster][ray_jobs]") {
    test_support::temp_dir work;
    auto exec = make_executor();
    json params = {{"work_dir", work.path().string()}, {"padding", std::string(40000, 'p')}};
    auto id = exec.submit("download", params);
    REQUIRE(id);
    auto result = exec.get_result(*id, std::chrono::minutes(3));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK((*result)["rows"] == 240);
    // Nothing was written into the plugin directory.
    CHECK_FALSE(std::filesystem::exists(std::filesystem::path(SYNAPSE_REGRESSION_PLUGIN_DIR) /
                                        ".synapse_params.json"));
}

TEST_CASE("resubmitting a submission id returns the existing job", "[cluster][ray_jobs]") {
    test_support::temp_dir work;
    auto exec = make_executor();
    synapse::ray_job_options job;
    job.submission_id = "synapse_resubmit_" + std::to_string(::getpid()) + "_" +
                        std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    auto first = exec.submit("download", {{"work_dir", work.path().string()}}, job);
    REQUIRE(first);
    auto second = exec.submit("download", {{"work_dir", work.path().string()}}, job);
    REQUIRE(second);
    CHECK(*second == *first);
    REQUIRE(exec.get_result(*first, std::chrono::minutes(3)));
}

TEST_CASE("a Python synapse-sdk action submitted from C++ returns its result",
          "[cluster][ray_jobs]") {
    synapse::ray_executor_options o;
    o.transport.base_url = std::getenv("RAY_DASHBOARD_URL");
    o.working_dir = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
    auto exec = synapse::ray_jobs_api_executor::create(o);
    REQUIRE(exec);
    auto id = exec->submit("adder_actions.AddAction", {{"a", 20}, {"b", 22}});
    REQUIRE(id);
    auto result = exec->get_result(*id, std::chrono::minutes(3));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK((*result)["total"] == 42);
    CHECK((*result)["language"] == "python");
}

TEST_CASE("stop on a long job ends it STOPPED", "[cluster][ray_jobs]") {
    auto exec = make_executor();
    synapse::job_submission s;
    s.entrypoint = "echo started; sleep 300";
    s.submission_id = "synapse_long_" + std::to_string(::getpid()) + "_" +
                      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    auto id = exec.api().submit(s);
    REQUIRE(id);
    // Wait (on a condition) until the job runs, then stop it.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while (true) {
        auto status = exec.get_status(*id);
        REQUIRE(status);
        if (*status == synapse::job_status::running) break;
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto stopped = exec.stop(*id);
    REQUIRE(stopped);
    CHECK(*stopped);
    auto status = exec.get_status(*id);
    REQUIRE(status);
    CHECK(*status == synapse::job_status::stopped);
    auto result = exec.get_result(*id);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::job_failed);
    CHECK(result.error().message.find("ended STOPPED") != std::string::npos);
}

namespace {
synapse::ray_jobs_api_executor python_executor(const char* fixture) {
    synapse::ray_executor_options o;
    o.transport.base_url = std::getenv("RAY_DASHBOARD_URL");
    o.working_dir = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/" + fixture;
    auto exec = synapse::ray_jobs_api_executor::create(o);
    REQUIRE(exec);
    return std::move(*exec);
}
}  // namespace

TEST_CASE("a run deadline stops an over-long job and says why", "[cluster][ray_jobs][deadlines]") {
    auto exec = python_executor("python_plugin");
    synapse::ray_job_options o;
    o.deadlines.run = std::chrono::seconds(4);
    auto id = exec.submit("adder_actions.SleepAction", {{"seconds", 300}}, o);
    REQUIRE(id);
    auto result = exec.get_result(*id, std::chrono::minutes(3));
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::timeout);
    CHECK(result.error().job_id == *id);
    CHECK(result.error().message.find("was stopped by the client:") != std::string::npos);
    CHECK(result.error().message.find("past its run deadline of 4000 ms") != std::string::npos);
    auto status = exec.get_status(*id);
    REQUIRE(status);
    CHECK(*status == synapse::job_status::stopped);
}

TEST_CASE("a pending deadline stops a job that cannot be scheduled",
          "[cluster][ray_jobs][deadlines]") {
    auto exec = python_executor("python_plugin");
    synapse::ray_job_options o;
    o.num_gpus = 3;  // the test cluster declares 2
    o.deadlines.pending = std::chrono::seconds(2);
    auto id = exec.submit("adder_actions.AddAction", {{"a", 1}}, o);
    REQUIRE(id);
    auto job = exec.wait(*id, std::chrono::minutes(2));
    REQUIRE_FALSE(job);
    CHECK(job.error().code == synapse::errc::timeout);
    CHECK(job.error().message.find("still PENDING after its pending deadline of 2000 ms") !=
          std::string::npos);
    // Ray 2.60 queues the stop of a job that was never scheduled; the error says so.
    CHECK(job.error().message.find("Ray applies the stop once the job is scheduled") !=
          std::string::npos);
}

TEST_CASE("a pip requirement from requirements.txt is importable in the job",
          "[cluster][ray_jobs][pip]") {
    auto exec = python_executor("pip_plugin");
    auto id = exec.submit("probe_actions.ProbeAction", {{"number", 1234567}});
    REQUIRE(id);
    auto result = exec.get_result(*id, std::chrono::minutes(5));
    INFO((result ? "" : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK((*result)["text"] == "1,234,567");
    CHECK((*result)["module"] == "humanize");
}

TEST_CASE("stream_logs hands out a line of a running job before it ends", "[cluster][ray_jobs]") {
    auto exec = python_executor("python_plugin");
    auto id = exec.submit("adder_actions.SleepAction", {{"seconds", 300}});
    REQUIRE(id);
    std::vector<std::string> lines;
    auto followed = exec.stream_logs(*id, [&](std::string_view line) {
        lines.emplace_back(line);
        return line != "sleeping";  // stop once the job said it sleeps
    });
    REQUIRE(followed);
    REQUIRE_FALSE(lines.empty());
    CHECK(lines.back() == "sleeping");
    auto status = exec.get_status(*id);
    REQUIRE(status);
    CHECK(*status == synapse::job_status::running);
    REQUIRE(exec.stop(*id));
}

TEST_CASE("follow gets every line once and the result through a proxy that cuts WebSockets",
          "[cluster][ray_jobs][proxy]") {
    std::string url = std::getenv("RAY_DASHBOARD_URL");
    test_support::closing_proxy proxy(std::stoi(url.substr(url.rfind(':') + 1)), 64 * 1024);
    REQUIRE(proxy.port() > 0);
    synapse::ray_executor_options o;
    o.transport.base_url = proxy.url();
    o.working_dir = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
    std::vector<std::string> warnings;
    o.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
    auto exec = synapse::ray_jobs_api_executor::create(o);
    REQUIRE(exec);
    auto id = exec->submit("adder_actions.ChattyAction", {{"lines", 20000}});
    REQUIRE(id);
    std::vector<std::string> lines;
    auto result = exec->follow(*id, [&](std::string_view line) {
        if (line.starts_with("chatty ")) lines.emplace_back(line);
        return true;
    });
    INFO((result ? std::string() : synapse::to_string(result.error())));
    REQUIRE(result);
    CHECK((*result)["lines"] == 20000);
    REQUIRE(lines.size() == 20000);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        INFO(i);
        REQUIRE(lines[i] == "chatty " + std::to_string(i));
    }
    CHECK(proxy.websockets_cut() >= 1);
    CHECK(warnings.empty());  // nothing was lost: no "the log is incomplete" warning
}
