// basic_ray_jobs_api_executor: waiting (backoff, timeouts, stop tokens) and deadlines, on a
// manual clock.
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

TEST_CASE("deadlines travel in the metadata and a job past its run deadline is stopped",
          "[ray_jobs][deadlines]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 1000;
    ray.state().start_time = clock->unix_ms() - 60'000;  // submitted a minute ago
    auto exec = fake_executor(ray, clock);
    synapse::ray_job_options o;
    o.deadlines.run = 30s;
    auto id = exec.submit("m.A", json::object(), o);
    REQUIRE(id);
    CHECK(ray.state().jobs.at(*id).submission["metadata"]["synapse_run_deadline_ms"] == "30000");
    auto result = exec.get_result(*id, 10s);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::timeout);
    CHECK(result.error().job_id == *id);
    CHECK(result.error().message ==
          "job " + *id + " was stopped by the client: RUNNING past its run deadline of 30000 ms");
    CHECK(ray.state().stops == 1);
    CHECK(ray.state().jobs.at(*id).status == "STOPPED");
}

TEST_CASE("a job still pending after its pending deadline is stopped", "[ray_jobs][deadlines]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().pending_reads = 1000;
    ray.state().start_time = clock->unix_ms() - 5'000;
    auto exec = fake_executor(ray, clock);
    synapse::ray_job_options o;
    o.deadlines.pending = 1s;
    auto id = exec.submit("m.A", json::object(), o);
    REQUIRE(id);
    auto job = exec.wait(*id, 10s);
    REQUIRE_FALSE(job);
    CHECK(job.error().message.find("still PENDING after its pending deadline of 1000 ms (Ray "
                                   "applies the stop once the job is scheduled") !=
          std::string::npos);
    CHECK(ray.state().stops == 1);
}

TEST_CASE("wait gives a timeout naming the job's status when it does not end in time",
          "[ray_jobs]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 1'000'000;
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto job = exec.wait(*id, 50ms);
    REQUIRE_FALSE(job);
    CHECK(job.error().code == synapse::errc::timeout);
    CHECK(job.error().message == "job " + *id + " is still RUNNING after 50 ms");
    CHECK(ray.state().stops == 0);  // a client timeout does not stop the job
    CHECK(clock->slept() == 50ms);  // the last look is at the deadline
}

TEST_CASE("wait reads the status 20 ms after the call, then 1.5x less often up to the interval",
          "[ray_jobs][wait]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 8;
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto job = exec.wait(*id);
    REQUIRE(job);
    CHECK(job->status == synapse::job_status::succeeded);
    CHECK(clock->sleeps() == std::vector<std::chrono::milliseconds>{20ms, 30ms, 45ms, 67ms, 100ms,
                                                                    150ms, 200ms, 200ms});
}

TEST_CASE("a stop request ends wait and get_result as cancelled; the job goes on",
          "[ray_jobs][wait]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 1000;
    auto exec = fake_executor(ray, clock);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    std::stop_source source;
    source.request_stop();
    auto job = exec.wait(*id, 1h, source.get_token());
    REQUIRE_FALSE(job);
    CHECK(job.error().code == synapse::errc::cancelled);
    CHECK(job.error().job_id == *id);
    auto result = exec.get_result(*id, 1h, source.get_token());
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::cancelled);
    CHECK(ray.state().stops == 0);
    CHECK(clock->slept() == 0ms);
}

TEST_CASE("poll is one look: past a deadline it asks Ray to stop the job and answers at once",
          "[ray_jobs][deadlines]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 1000;
    ray.state().start_time = clock->unix_ms() - 10'000;
    auto exec = fake_executor(ray, clock);
    synapse::ray_job_options o;
    o.deadlines.run = 5s;
    auto id = exec.submit("m.A", json::object(), o);
    REQUIRE(id);
    auto job = exec.poll(*id);
    REQUIRE_FALSE(job);
    CHECK(job.error().code == synapse::errc::timeout);
    CHECK(ray.state().stops == 1);
    CHECK(clock->slept() == 0ms);
}
