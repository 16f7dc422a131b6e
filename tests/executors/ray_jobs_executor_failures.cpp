// The Ray Jobs executor's error paths, against an in-memory Jobs API (fake_jobs_transport) and
// fail_nth: every request of submit + wait + result fails once in turn.
#include <synapse/executors/ray_jobs_executor.hpp>

#include <catch2/catch.hpp>
#include <string>

#include <synapse/testing/fail_nth.hpp>
#include <synapse/testing/fake_jobs_transport.hpp>

using synapse::json;
using synapse::testing::fail_nth;
using synapse::testing::fake_jobs_transport;
using namespace std::chrono_literals;

namespace {

const std::string result_log =
    "starting\n__SYNAPSE_RESULT_START__\n{\"total\": 42}\n__SYNAPSE_RESULT_END__\n";

synapse::ray_executor_options python_options() {
    synapse::ray_executor_options o;  // no working_dir: nothing to upload
    return o;
}

template <class T>
synapse::basic_ray_jobs_executor<T> executor(T transport) {
    return synapse::basic_ray_jobs_executor<T>(std::move(transport), python_options());
}

}  // namespace

TEST_CASE("both Ray executors are async executors", "[ray_jobs][concept]") {
    STATIC_REQUIRE(synapse::AsyncExecutor<synapse::ray_jobs_api_executor>);
    STATIC_REQUIRE(synapse::AsyncExecutor<synapse::basic_ray_jobs_executor<fake_jobs_transport>>);
    STATIC_REQUIRE_FALSE(synapse::ExecutorProtocol<synapse::ray_jobs_api_executor>);
}

TEST_CASE("get_result streams the log in pieces and returns the result", "[ray_jobs]") {
    fake_jobs_transport ray;
    ray.state().running_reads = 3;
    ray.state().log = result_log;
    ray.state().chunk_size = 3;
    auto exec = executor(ray);
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
    fake_jobs_transport ray;
    ray.state().final_status = "FAILED";
    ray.state().exit_code = 1;
    ray.state().error_type = "JOB_ENTRYPOINT_COMMAND_ERROR";
    std::string log;
    for (int i = 0; i < 100; ++i) log += "line " + std::to_string(i) + "\n";
    ray.state().log = log + "ValueError: bad input\n";
    auto exec = executor(ray);
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
    fake_jobs_transport ray;
    ray.state().log = "__SYNAPSE_RESULT_START__\n{\"half\": 1}\n";
    auto exec = executor(ray);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto result = exec.get_result(*id, 10s);
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::protocol_error);
    CHECK(result.error().job_id == *id);
    CHECK(result.error().message.starts_with("job " + *id + ": result markers not found"));
}

TEST_CASE("deadlines travel in the metadata and a job past its run deadline is stopped",
          "[ray_jobs][deadlines]") {
    fake_jobs_transport ray;
    ray.state().running_reads = 1000;
    ray.state().start_time = synapse::unix_now_ms() - 60'000;  // submitted a minute ago
    auto exec = executor(ray);
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
    fake_jobs_transport ray;
    ray.state().pending_reads = 1000;
    ray.state().start_time = synapse::unix_now_ms() - 5'000;
    auto exec = executor(ray);
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
    fake_jobs_transport ray;
    ray.state().running_reads = 1'000'000;
    auto exec = executor(ray);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto job = exec.wait(*id, 50ms, 5ms);
    REQUIRE_FALSE(job);
    CHECK(job.error().code == synapse::errc::timeout);
    CHECK(job.error().message == "job " + *id + " is still RUNNING after 50 ms");
    CHECK(ray.state().stops == 0);  // a client timeout does not stop the job
}

TEST_CASE("a submission whose answer was lost is found again, not duplicated", "[ray_jobs]") {
    fake_jobs_transport ray;
    ray.state().lose_next_submit_answer = true;
    ray.state().log = result_log;
    auto exec = executor(ray);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    CHECK(ray.state().submissions == 2);  // the retry with the same id found the job
    CHECK(ray.state().jobs.size() == 1);
    CHECK(exec.get_result(*id, 10s));
}

TEST_CASE("a failure at any request of submit, wait and get_result is reported and recoverable",
          "[ray_jobs][fail_nth]") {
    // A clean run first, to count the requests.
    std::size_t requests = 0;
    {
        fake_jobs_transport ray;
        ray.state().running_reads = 2;
        ray.state().log = result_log;
        auto exec = executor(fail_nth(ray, 0));
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
        auto exec = executor(fail_nth(ray, n));
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
