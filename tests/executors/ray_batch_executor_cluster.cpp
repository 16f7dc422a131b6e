// ray_job_executor against the real local Ray head (cluster suite): a batch of Python actions.
#include <synapse/executors/ray_batch_executor.hpp>

#include <catch2/catch.hpp>
#include <cstdlib>

using synapse::json;

TEST_CASE("a batch of jobs runs on Ray and wait_all sees every one end",
          "[cluster][ray_job_executor]") {
    synapse::ray_executor_options o;
    o.transport.base_url = std::getenv("RAY_DASHBOARD_URL");
    o.working_dir = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
    auto exec = synapse::ray_job_executor::create(o);
    REQUIRE(exec);
    std::vector<synapse::ray_job_executor::submission> batch;
    for (int i = 0; i < 3; ++i) batch.push_back({"adder_actions.AddAction", {{"a", i}, {"b", 10}}});
    batch.push_back({"adder_actions.FailAction", {{"a", 0}}});
    auto ids = exec->submit_all(batch);
    for (const auto& id : ids) REQUIRE(id);

    auto done = exec->wait_all(exec->ids(), std::chrono::minutes(5));
    REQUIRE(done.size() == 4);
    for (int i = 0; i < 3; ++i) {
        REQUIRE(done[i]);
        CHECK(done[i]->status == synapse::job_status::succeeded);
        auto result = exec->get_result(*ids[i]);
        REQUIRE(result);
        CHECK((*result)["total"] == i + 10);
    }
    REQUIRE(done[3]);
    CHECK(done[3]->status == synapse::job_status::failed);
    auto failed = exec->get_result(*ids[3]);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("python action failed on purpose") != std::string::npos);

    auto other = exec->get_status("raysubmit_not_from_here");
    REQUIRE_FALSE(other);
    CHECK(other.error().code == synapse::errc::not_found);
}
