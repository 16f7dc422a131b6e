// basic_ray_jobs_api_executor against an in-memory Jobs API (fake_jobs_transport) on a manual
// clock: submit and result, failure reports, and fail_nth (every request of submit + wait +
// result fails once in turn).
#include <synapse/executors/basic_ray_jobs_api_executor.hpp>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <synapse/testing/fail_nth.hpp>

#include "../common/fake_ray.hpp"

using synapse::json;
using synapse::testing::fail_nth;
using synapse::testing::fake_jobs_transport;
using synapse::testing::manual_clock;
using test_support::fake_executor;
using test_support::result_log;
using namespace std::chrono_literals;

TEST_CASE("get_result streams the log in pieces and returns the result", "[ray_jobs]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 3;
    ray.state().log = result_log;
    ray.state().chunk_size = 3;
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("adder_actions.AddAction", {{"a", 40}, {"b", 2}});
    REQUIRE(id);
    auto result = exec.get_result(*id, 10s);
    REQUIRE(result);
    CHECK(*result == json{{"total", 42}});
    const auto& job = ray.state().jobs.at(*id);
    CHECK(job.submission["runtime_env"]["env_vars"]["SYNAPSE_ACTION_ENTRYPOINT"] ==
          "adder_actions.AddAction");
    CHECK(job.submission["metadata"]["synapse_action"] == "adder_actions.AddAction");
}

TEST_CASE("a failed job's error names the stage, the exit code and the last lines", "[ray_jobs]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().final_status = "FAILED";
    ray.state().exit_code = 1;
    ray.state().error_type = "JOB_ENTRYPOINT_COMMAND_ERROR";
    std::string log;
    for (int i = 0; i < 100; ++i) log += "line " + std::to_string(i) + "\n";
    ray.state().log = log + "ValueError: bad input\n";
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto result = exec.get_result(*id, 10s);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::job_failed);
    CHECK(result.error().exit_code == 1);
    CHECK(result.error().job_id == *id);
    const std::string& m = result.error().message;
    CHECK(m.find("ended FAILED at the action stage (JOB_ENTRYPOINT_COMMAND_ERROR)") !=
          std::string::npos);
    CHECK(m.find("line 99\nValueError: bad input\n") != std::string::npos);
    CHECK(m.find("line 80\n") == std::string::npos);  // only the last 20 lines
}

TEST_CASE("a job without result lines gives a protocol error naming the job", "[ray_jobs]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().log = "__SYNAPSE_RESULT_START__\n{\"half\": 1}\n";
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto result = exec.get_result(*id, 10s);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::protocol_error);
    CHECK(result.error().job_id == *id);
    CHECK(result.error().message.starts_with("job " + *id + ": result markers not found"));
}

TEST_CASE("a submission whose answer was lost is found again, not duplicated", "[ray_jobs]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().lose_next_submit_answer = true;
    ray.state().log = result_log;
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    CHECK(ray.state().submissions == 2);  // the retry with the same id found the job
    CHECK(ray.state().jobs.size() == 1);
    CHECK(exec.get_result(*id, 10s));
}

TEST_CASE("a failure at any request of submit, wait and get_result is reported and recoverable",
          "[ray_jobs][fail_nth]") {
    auto clock = std::make_shared<manual_clock>();
    // A clean run first, to count the requests.
    std::size_t requests = 0;
    {
        fake_jobs_transport ray;
        ray.state().running_reads = 2;
        ray.state().log = result_log;
        auto exec = fake_executor(fail_nth(ray, 0), clock);
        auto id = exec.submit("m.A", json::object());
        REQUIRE(id);
        REQUIRE(exec.get_result(*id, 10s));
        requests = exec.api().transport().count();
    }
    REQUIRE(requests >= 5);  // submit, several status reads, the log

    for (std::size_t n = 1; n <= requests; ++n) {
        INFO("request " << n << " of " << requests << " fails");
        fake_jobs_transport ray;
        ray.state().running_reads = 2;
        ray.state().log = result_log;
        auto exec = fake_executor(fail_nth(ray, n), clock);
        synapse::ray_job_options o;
        o.submission_id = "job_" + std::to_string(n);

        auto id = exec.submit("m.A", json::object(), o);
        if (!id) {  // a failed submit says so and can simply be repeated
            CHECK(id.error().code == synapse::errc::transport_error);
            CHECK(id.error().message.find("injected failure") != std::string::npos);
            id = exec.submit("m.A", json::object(), o);
        }
        REQUIRE(id);
        CHECK(*id == "job_" + std::to_string(n));

        auto result = exec.get_result(*id, 10s);
        if (!result) {  // a failed read says which and loses nothing: ask again
            CHECK(result.error().code == synapse::errc::transport_error);
            CHECK(result.error().message.find("injected failure of operation " +
                                              std::to_string(n)) != std::string::npos);
            result = exec.get_result(*id, 10s);
        }
        REQUIRE(result);
        CHECK(*result == json{{"total", 42}});
        CHECK(ray.state().jobs.size() == 1);  // never a duplicate job
    }
}
