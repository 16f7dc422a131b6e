// The Jobs API client against scripted answers: the error paths a real cluster does not give
// on demand. tests/ray/cluster.cpp runs the same calls against a real Ray head.
#include <synapse/ray/jobs_api.hpp>

#include <catch2/catch.hpp>
#include <synapse/testing/scripted_transport.hpp>

using synapse::errc;
using synapse::job_status;
using synapse::json;
using synapse::testing::scripted_transport;

namespace {
const char* running_job = R"({"type": "SUBMISSION", "job_id": null, "submission_id": "sub_1",
  "driver_info": null, "status": "RUNNING", "entrypoint": "./plugin", "message": "Job is currently running.",
  "error_type": null, "start_time": 1763770000123, "end_time": null, "metadata": {"action": "train"},
  "runtime_env": {}, "driver_exit_code": null, "some_future_key": 1})";
}  // namespace

TEST_CASE("submit sends only the fields that are set and returns the submission id", "[jobs_api]") {
    scripted_transport t;
    t.respond(200, R"({"job_id": "sub_1", "submission_id": "sub_1"})");
    synapse::basic_jobs_api api(std::move(t));
    synapse::job_submission s;
    s.entrypoint = "./plugin";
    s.submission_id = "sub_1";
    s.entrypoint_num_gpus = 1;
    s.metadata = {{"action", "train"}};
    auto id = api.submit(s);
    REQUIRE(id);
    CHECK(*id == "sub_1");
    const auto& sent = api.transport().requests().at(0);
    CHECK(sent.method == "POST");
    CHECK(sent.target == "/api/jobs/");
    CHECK(sent.content_type == "application/json");
    CHECK(json::parse(sent.body) == json({{"entrypoint", "./plugin"},
                                          {"submission_id", "sub_1"},
                                          {"metadata", {{"action", "train"}}},
                                          {"entrypoint_num_gpus", 1.0}}));
}

TEST_CASE("a taken submission id (Ray's 500 with text) is already_exists", "[jobs_api]") {
    scripted_transport t;
    t.respond(500,
              "Request failed with status code 400: Job with submission_id sub_1 already exists. "
              "Please use a different submission_id.");
    synapse::basic_jobs_api api(std::move(t));
    synapse::job_submission s;
    s.entrypoint = "x";
    s.submission_id = "sub_1";
    auto id = api.submit(s);
    REQUIRE_FALSE(id);
    CHECK(id.error().code == errc::already_exists);
    CHECK(id.error().http_status == 500);
    CHECK(id.error().job_id == "sub_1");
}

TEST_CASE("job details are parsed leniently", "[jobs_api]") {
    scripted_transport t;
    t.respond(200, running_job);
    synapse::basic_jobs_api api(std::move(t));
    auto job = api.get_job("sub_1");
    REQUIRE(job);
    CHECK(job->status == job_status::running);
    CHECK_FALSE(synapse::is_terminal(job->status));
    CHECK(job->submission_id == "sub_1");
    CHECK_FALSE(job->job_id.has_value());
    CHECK(job->start_time == 1763770000123);
    CHECK(job->metadata["action"] == "train");
    CHECK(job->raw["some_future_key"] == 1);
    CHECK(api.transport().requests().at(0).target == "/api/jobs/sub_1");
}

TEST_CASE("Ray's plain-text errors keep the status and the message", "[jobs_api]") {
    scripted_transport t;
    t.respond(404, "Job nope does not exist");
    synapse::basic_jobs_api api(std::move(t));
    auto job = api.get_job("nope");
    REQUIRE_FALSE(job);
    CHECK(job.error().code == errc::not_found);
    CHECK(job.error().http_status == 404);
    CHECK(job.error().job_id == "nope");
    CHECK(job.error().message.find("Job nope does not exist") != std::string::npos);
}

TEST_CASE("malformed answers are malformed_response, never a crash", "[jobs_api]") {
    scripted_transport t;
    t.respond(200, "<html>not json</html>")
        .respond(200, R"({"status": "EXPLODED"})")
        .respond(200, R"({"logs": 42})")
        .respond(200, R"({"stopped": "yes"})")
        .respond(200, R"({"job_id": null})")
        .respond(200, R"({"jobs": []})");
    synapse::basic_jobs_api api(std::move(t));
    auto a = api.get_job("a");
    REQUIRE_FALSE(a);
    CHECK(a.error().code == errc::malformed_response);
    auto b = api.get_job("b");
    REQUIRE_FALSE(b);
    CHECK(b.error().message.find("unknown job status \"EXPLODED\"") != std::string::npos);
    CHECK(api.logs("c").error().code == errc::malformed_response);
    CHECK(api.stop("d").error().code == errc::malformed_response);
    synapse::job_submission s;
    s.entrypoint = "x";
    CHECK(api.submit(s).error().code == errc::malformed_response);
    CHECK(api.list_jobs().error().code == errc::malformed_response);
}

TEST_CASE("ids are percent-encoded in paths", "[jobs_api]") {
    scripted_transport t;
    t.respond(200, R"({"stopped": false})");
    synapse::basic_jobs_api api(std::move(t));
    auto stopped = api.stop("a b/c");
    REQUIRE(stopped);
    CHECK_FALSE(*stopped);
    CHECK(api.transport().requests().at(0).target == "/api/jobs/a%20b%2Fc/stop");
}

TEST_CASE("package_exists maps 404 to false and upload PUTs the bytes", "[jobs_api]") {
    scripted_transport t;
    t.respond(404, "Package gcs://_ray_pkg_ab.zip does not exist")
        .respond(200, "")
        .respond(200, "");
    synapse::basic_jobs_api api(std::move(t));
    CHECK(api.package_exists("_ray_pkg_ab.zip") == false);
    REQUIRE(api.upload_package("_ray_pkg_ab.zip", "PK\x03\x04"));
    CHECK(api.package_exists("_ray_pkg_ab.zip") == true);
    const auto& put = api.transport().requests().at(1);
    CHECK(put.method == "PUT");
    CHECK(put.target == "/api/packages/gcs/_ray_pkg_ab.zip");
    CHECK(put.body == std::string("PK\x03\x04"));
}

TEST_CASE("a transport failure passes through with its code", "[jobs_api]") {
    scripted_transport t;
    t.fail_with(synapse::error(errc::transport_error, "cannot connect to 127.0.0.1:1"));
    synapse::basic_jobs_api api(std::move(t));
    auto v = api.version();
    REQUIRE_FALSE(v);
    CHECK(v.error().code == errc::transport_error);
}
