// The executor concept family: every executor of the library is checked, and sync_adapter
// turns an asynchronous one into a synchronous one.
#include <synapse/executors/protocol.hpp>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <synapse/executors/directory_executor.hpp>
#include <synapse/executors/local_executor.hpp>
#include <synapse/executors/process_executor.hpp>
#include <synapse/executors/ray_batch_executor.hpp>
#include <synapse/executors/ray_jobs_api_executor.hpp>
#include <synapse/executors/sync_adapter.hpp>
#include <synapse/testing/scripted_spawner.hpp>
#include <vector>

#include "../common/fake_ray.hpp"

using synapse::json;
using synapse::testing::fake_jobs_transport;
using synapse::testing::manual_clock;

namespace {

struct sync_lookalike {  // the right member, no tag
    synapse::expected<json> execute(std::string_view, const json&) { return json{}; }
};

/// Code written against the concept: runs two actions, whatever runs them.
template <synapse::ExecutorProtocol E>
std::vector<json> run_both(E& executor) {
    std::vector<json> out;
    for (std::string_view action : {"m.A", "m.B"}) {
        auto r = executor.execute(action, json::object());
        out.push_back(r ? *r : json(synapse::to_string(r.error().code)));
    }
    return out;
}

}  // namespace

TEST_CASE("every executor of the library is in the family", "[protocol]") {
    STATIC_REQUIRE(synapse::ExecutorProtocol<synapse::process_executor>);
    STATIC_REQUIRE(synapse::ExecutorProtocol<synapse::directory_executor>);
    STATIC_REQUIRE(synapse::ExecutorProtocol<
                   synapse::basic_process_executor<synapse::testing::scripted_spawner>>);
    STATIC_REQUIRE(synapse::AsyncExecutor<synapse::ray_jobs_api_executor>);
    STATIC_REQUIRE(synapse::AsyncExecutor<synapse::ray_batch_executor>);
    STATIC_REQUIRE(synapse::AsyncExecutor<test_support::fake_ray_executor<fake_jobs_transport>>);
    STATIC_REQUIRE(
        synapse::ExecutorProtocol<synapse::sync_adapter<synapse::ray_jobs_api_executor>>);
    STATIC_REQUIRE(synapse::Executor<synapse::ray_jobs_api_executor>);
    STATIC_REQUIRE(synapse::Executor<synapse::process_executor>);
}

TEST_CASE("a type is in the family only when it opts in and has the members", "[protocol]") {
    STATIC_REQUIRE_FALSE(synapse::ExecutorProtocol<sync_lookalike>);
    STATIC_REQUIRE_FALSE(synapse::Executor<sync_lookalike>);
    STATIC_REQUIRE_FALSE(synapse::ExecutorProtocol<synapse::ray_jobs_api_executor>);
    STATIC_REQUIRE_FALSE(synapse::AsyncExecutor<synapse::process_executor>);
    STATIC_REQUIRE_FALSE(synapse::ExecutorProtocol<int>);
    using ray = synapse::ray_jobs_api_executor;
    STATIC_REQUIRE(std::is_same_v<ray::status_type, synapse::job_status>);
    STATIC_REQUIRE(std::is_same_v<ray::details_type, synapse::job_details>);
}

TEST_CASE("sync_adapter runs a Ray executor wherever an ExecutorProtocol is expected",
          "[protocol][sync_adapter]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 2;
    ray.state().log = test_support::result_log;
    std::vector<std::string> submitted;
    synapse::sync_adapter exec(
        test_support::fake_executor(ray, clock),
        {.on_submitted = [&](std::string_view id) { submitted.emplace_back(id); }});
    auto results = run_both(exec);
    CHECK(results == std::vector<json>{json{{"total", 42}}, json{{"total", 42}}});
    CHECK(submitted.size() == 2);
    CHECK(ray.state().submissions == 2);
}

TEST_CASE("sync_adapter follows the log live when asked, and a stop request cancels",
          "[protocol][sync_adapter]") {
    auto clock = std::make_shared<manual_clock>();
    fake_jobs_transport ray;
    ray.state().running_reads = 0;
    ray.state().log = "hello\n" + test_support::result_log;
    std::vector<std::string> lines;
    synapse::sync_adapter exec(test_support::fake_executor(ray, clock),
                               {.on_line = [&](std::string_view line) {
                                   lines.emplace_back(line);
                                   return true;
                               }});
    auto r = exec.execute("m.A", json::object());
    REQUIRE(r);
    CHECK(lines == std::vector<std::string>{"hello", "starting"});

    std::stop_source stop;
    stop.request_stop();
    ray.state().running_reads = 1000;
    synapse::sync_adapter cancelled(test_support::fake_executor(ray, clock),
                                    {.stop = stop.get_token()});
    auto c = cancelled.execute("m.A", json::object());
    REQUIRE_FALSE(c);
    CHECK(c.error().code == synapse::errc::cancelled);
}
