// Against the real local Ray 2.60 head started by scripts/ray-cluster.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <synapse/ray/jobs_api.hpp>
#include <synapse/transport/httplib_transport.hpp>
#include <thread>

using synapse::json;

namespace {
std::string dashboard() {
    return std::getenv("RAY_DASHBOARD_URL");
}
bool token_mode() {
    return std::getenv("RAY_AUTH_TOKEN_PATH") != nullptr;
}
std::string cluster_token() {
    std::ifstream in(std::getenv("RAY_AUTH_TOKEN_PATH"));
    std::string token;
    in >> token;
    return token;
}
synapse::httplib_transport connect(std::optional<std::string> token) {
    synapse::transport_options options;
    options.base_url = dashboard();
    options.token = std::move(token);
    auto t = synapse::httplib_transport::create(options);
    REQUIRE(t);
    return std::move(*t);
}
synapse::http_request get(std::string target) {
    synapse::http_request r;
    r.method = "GET";
    r.target = std::move(target);
    return r;
}
}  // namespace

TEST_CASE("the local Ray head answers /api/version with Ray 2.60.0", "[cluster]") {
    auto transport = connect(token_mode() ? std::optional(cluster_token()) : std::nullopt);
    auto response = synapse::check_status(transport.send(get("/api/version")), "version");
    REQUIRE(response);
    auto body = json::parse(response->body);
    CHECK(body["ray_version"] == "2.60.0");
    CHECK(body["version"] == "4");
}

TEST_CASE("a cluster in token mode answers 401 without the token and 200 with it",
          "[cluster][token]") {
    REQUIRE(token_mode());
    auto anonymous = connect(std::nullopt);
    auto refused = synapse::check_status(anonymous.send(get("/api/jobs/")), "list jobs");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == synapse::errc::unauthorized);
    CHECK(refused.error().http_status == 401);
    CHECK(refused.error().message.find(cluster_token()) == std::string::npos);

    auto authorised = connect(cluster_token());
    auto listed = synapse::check_status(authorised.send(get("/api/jobs/")), "list jobs");
    REQUIRE(listed);
    CHECK(json::parse(listed->body).is_array());
}

namespace {
synapse::job_submission job(std::string entrypoint, std::string id) {
    synapse::job_submission s;
    s.entrypoint = std::move(entrypoint);
    s.submission_id = std::move(id);
    return s;
}

synapse::basic_jobs_api<synapse::httplib_transport> cluster_api() {
    return synapse::basic_jobs_api(
        connect(token_mode() ? std::optional(cluster_token()) : std::nullopt));
}

/// Polls the job until it is terminal (a condition, with a generous deadline).
synapse::job_details wait_terminal(synapse::basic_jobs_api<synapse::httplib_transport>& api,
                                   const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (true) {
        auto job = api.get_job(id);
        REQUIRE(job);
        if (synapse::is_terminal(job->status)) return *job;
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

std::string unique_id(const char* prefix) {
    return std::string(prefix) + "_" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}
}  // namespace

TEST_CASE("a job submitted through the Jobs API runs, logs and can be deleted",
          "[cluster][jobs_api]") {
    auto api = cluster_api();
    auto version = api.version();
    REQUIRE(version);
    CHECK(version->ray_version == "2.60.0");

    std::string id = unique_id("synapse_echo");
    auto submitted = api.submit(job("echo synapse-says-hello", id));
    REQUIRE(submitted);
    CHECK(*submitted == id);

    auto again = api.submit(job("echo twice", id));
    REQUIRE_FALSE(again);
    CHECK(again.error().code == synapse::errc::already_exists);

    auto done = wait_terminal(api, id);
    CHECK(done.status == synapse::job_status::succeeded);
    CHECK(done.end_time.has_value());
    auto logs = api.logs(id);
    REQUIRE(logs);
    CHECK(logs->find("synapse-says-hello") != std::string::npos);

    auto listed = api.list_jobs();
    REQUIRE(listed);
    bool found = false;
    for (const auto& j : *listed) found = found || j.submission_id == id;
    CHECK(found);

    auto stopped = api.stop(id);
    REQUIRE(stopped);
    CHECK_FALSE(*stopped);  // nothing left to stop
    auto deleted = api.remove(id);
    REQUIRE(deleted);
    CHECK(*deleted);
    auto gone = api.get_job(id);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == synapse::errc::not_found);
    CHECK(gone.error().http_status == 404);
}

TEST_CASE("a failing entrypoint ends FAILED with its exit code", "[cluster][jobs_api]") {
    auto api = cluster_api();
    std::string id = unique_id("synapse_fail");
    REQUIRE(api.submit(job("echo about-to-fail; exit 3", id)));
    auto done = wait_terminal(api, id);
    CHECK(done.status == synapse::job_status::failed);
    CHECK(done.driver_exit_code == 3);
    CHECK(done.message.find("exit code 3") != std::string::npos);
}

TEST_CASE("a package is uploaded once and then found", "[cluster][jobs_api]") {
    auto api = cluster_api();
    std::string name = "_ray_pkg_" + unique_id("synapse") + ".zip";
    auto before = api.package_exists(name);
    REQUIRE(before);
    CHECK_FALSE(*before);
    // An empty zip archive (end-of-central-directory record only).
    std::string empty_zip("PK\x05\x06", 4);
    empty_zip.append(18, '\0');
    REQUIRE(api.upload_package(name, empty_zip));
    auto after = api.package_exists(name);
    REQUIRE(after);
    CHECK(*after);
}
