// job_log_reader and failure_report: a finished job's log read with bounded memory.
#include <synapse/ray/detail/job_report.hpp>

#include <catch2/catch.hpp>
#include <string>

namespace {

synapse::job_details ended(synapse::job_status status, std::optional<int> exit_code = {},
                           std::optional<std::string> error_type = {}) {
    synapse::job_details d;
    d.submission_id = "job_1";
    d.status = status;
    d.driver_exit_code = exit_code;
    d.error_type = std::move(error_type);
    d.message = "Job failed";
    return d;
}

}  // namespace

TEST_CASE("job_log_reader finds the last complete result and keeps only the last lines",
          "[job_report]") {
    synapse::detail::job_log_reader reader(3);
    std::string log = "user prints __SYNAPSE_RESULT_START__\n__SYNAPSE_RESULT_START__\n";
    log += "{\"early\": true}\n__SYNAPSE_RESULT_END__\n";
    for (int i = 0; i < 1000; ++i) log += "noise " + std::to_string(i) + "\n";
    log += "__SYNAPSE_RESULT_START__\n{\"total\": 42}\n__SYNAPSE_RESULT_END__\nbye";
    for (std::size_t at = 0; at < log.size(); at += 13) reader.feed(log.substr(at, 13));
    reader.finish();
    auto result = reader.scanner().result();
    REQUIRE(result);
    CHECK((*result)["total"] == 42);
    CHECK(reader.tail() == "{\"total\": 42}\n__SYNAPSE_RESULT_END__\nbye\n");
}

TEST_CASE("job_log_reader cuts very long lines in the tail", "[job_report]") {
    synapse::detail::job_log_reader reader(2);
    reader.feed(std::string(5000, 'x') + "\nshort\n");
    reader.finish();
    CHECK(reader.tail() == std::string(2000, 'x') + "\nshort\n");
}

TEST_CASE("failure_report names the stage, Ray's message, the exit code and the tail",
          "[job_report]") {
    using synapse::job_status;
    using synapse::detail::failure_stage;
    CHECK(failure_stage(ended(job_status::failed, 1, "JOB_ENTRYPOINT_COMMAND_ERROR")) == "action");
    CHECK(failure_stage(ended(job_status::failed, 127)) == "entrypoint start");
    CHECK(failure_stage(ended(job_status::failed, 126)) == "entrypoint start");
    CHECK(failure_stage(ended(job_status::failed, {}, "RUNTIME_ENV_SETUP_FAILURE")) ==
          "runtime_env setup");
    CHECK(failure_stage(ended(job_status::failed, {}, "JOB_SUPERVISOR_ACTOR_START_TIMEOUT")) ==
          "job start");
    CHECK(failure_stage(ended(job_status::stopped)) == "stopped");

    auto e = synapse::detail::failure_report(
        ended(job_status::failed, 1, "JOB_ENTRYPOINT_COMMAND_ERROR"), "boom\n");
    CHECK(e.code == synapse::errc::job_failed);
    CHECK(e.job_id == "job_1");
    CHECK(e.exit_code == 1);
    CHECK(e.message ==
          "job job_1 ended FAILED at the action stage (JOB_ENTRYPOINT_COMMAND_ERROR): Job failed\n"
          "last log lines:\nboom\n");
}
