// basic_ray_batch_executor (batches) against an in-memory Jobs API (fake_jobs_transport) on a
// manual clock.
#include <synapse/executors/basic_ray_batch_executor.hpp>

#include <catch2/catch.hpp>
#include <memory>

#include "../common/fake_ray.hpp"

using synapse::job_status;
using synapse::json;
using synapse::testing::fake_jobs_transport;
using namespace std::chrono_literals;

namespace {

using batch_type =
    synapse::basic_ray_batch_executor<fake_jobs_transport, synapse::json_serializer, synapse::pip,
                                      synapse::testing::scripted_websocket>;

std::shared_ptr<synapse::testing::manual_clock> test_clock =
    std::make_shared<synapse::testing::manual_clock>();

batch_type batch_executor(fake_jobs_transport ray) {
    return batch_type(test_support::fake_executor(std::move(ray), test_clock));
}

}  // namespace

TEST_CASE("submit_all submits every job in order and remembers the ids", "[ray_job_executor]") {
    fake_jobs_transport ray;
    auto exec = batch_executor(ray);
    std::vector<decltype(exec)::submission> batch;
    for (int i = 0; i < 5; ++i) {
        synapse::ray_job_options o;
        o.submission_id = "batch_" + std::to_string(i);
        batch.push_back({"m.A", {{"i", i}}, o});
    }
    auto ids = exec.submit_all(batch);
    REQUIRE(ids.size() == 5);
    for (int i = 0; i < 5; ++i) {
        REQUIRE(ids[i]);
        CHECK(*ids[i] == "batch_" + std::to_string(i));
    }
    CHECK(exec.ids() ==
          std::vector<std::string>{"batch_0", "batch_1", "batch_2", "batch_3", "batch_4"});
    CHECK(ray.state().jobs.at("batch_3").submission["runtime_env"]["env_vars"]
                                                   ["SYNAPSE_ACTION_PARAMS"] == "{\"i\":3}");
}

TEST_CASE("a failed submission in a batch does not stop the others", "[ray_job_executor]") {
    fake_jobs_transport ray;
    auto exec = batch_executor(ray);
    synapse::ray_job_options taken;
    taken.submission_id = "same";
    // The second uses the same id for another job: Ray refuses it, the others go on.
    auto first = exec.submit("m.A", json::object(), taken);
    REQUIRE(first);
    auto ids = exec.submit_all({{"m.B", json::object(), {}}, {"m.C", json::object(), {}}});
    CHECK(ids[0]);
    CHECK(ids[1]);
    CHECK(exec.ids().size() == 3);
}

TEST_CASE("ids it did not submit are not_found, without a request", "[ray_job_executor]") {
    fake_jobs_transport ray;
    auto exec = batch_executor(ray);
    auto status = exec.get_status("someone_elses_job");
    REQUIRE_FALSE(status);
    CHECK(status.error().code == synapse::errc::not_found);
    CHECK(status.error().job_id == "someone_elses_job");
    auto result = exec.get_result("someone_elses_job");
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::not_found);
    CHECK(result.error().message == "job someone_elses_job was not submitted by this executor");
    CHECK(ray.state().submissions == 0);

    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    auto mine = exec.get_status(*id);
    REQUIRE(mine);
    CHECK(*mine == job_status::running);
}

TEST_CASE("wait_all waits for every job and answers per id, in order", "[ray_job_executor]") {
    fake_jobs_transport ray;
    ray.state().running_reads = 3;
    ray.state().log = "__SYNAPSE_RESULT_START__\n{\"ok\": true}\n__SYNAPSE_RESULT_END__\n";
    auto exec = batch_executor(ray);
    for (int i = 0; i < 4; ++i) REQUIRE(exec.submit("m.A", {{"i", i}}));
    std::vector<std::string> ids = exec.ids();
    ids.insert(ids.begin() + 2, "not_mine");
    auto done = exec.wait_all(ids, 10s);
    REQUIRE(done.size() == 5);
    for (std::size_t i = 0; i < done.size(); ++i) {
        if (i == 2) {
            REQUIRE_FALSE(done[i]);
            CHECK(done[i].error().code == synapse::errc::not_found);
            continue;
        }
        REQUIRE(done[i]);
        CHECK(done[i]->status == job_status::succeeded);
        CHECK(done[i]->submission_id == ids[i]);
        // Each job was read until it ended, and no more.
        CHECK(ray.state().jobs.at(ids[i]).reads == 4);
    }
    for (const auto& id : exec.ids()) CHECK(exec.get_result(id, 1s) == json{{"ok", true}});
}

TEST_CASE("wait_all gives a timeout for the jobs still running at the end", "[ray_job_executor]") {
    fake_jobs_transport ray;
    ray.state().running_reads = 1'000'000;
    auto exec = batch_executor(ray);
    REQUIRE(exec.submit("m.A", json::object()));
    auto done = exec.wait_all(exec.ids(), 30ms);
    REQUIRE(done.size() == 1);
    REQUIRE_FALSE(done[0]);
    CHECK(done[0].error().code == synapse::errc::timeout);
    CHECK(done[0].error().message.find("is still RUNNING after 30 ms") != std::string::npos);
}

TEST_CASE("remove deletes the job and forgets its id", "[ray_job_executor]") {
    fake_jobs_transport ray;
    ray.state().running_reads = 0;
    auto exec = batch_executor(ray);
    auto id = exec.submit("m.A", json::object());
    REQUIRE(id);
    REQUIRE(exec.wait(*id, 1s));
    auto removed = exec.remove(*id);
    REQUIRE(removed);
    CHECK(*removed);
    CHECK(exec.ids().empty());
    auto forgotten = exec.get_status(*id);
    REQUIRE_FALSE(forgotten);
    CHECK(forgotten.error().code == synapse::errc::not_found);
}
