// basic_cluster_client against scripted answers: ids checked before any request, with
// synapse-sdk's messages; lookups by id; Serve applications that cannot be removed.
#include <synapse/ray/basic_cluster_client.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <synapse/testing/scripted_transport.hpp>

using synapse::errc;
using synapse::json;
using synapse::testing::scripted_transport;

TEST_CASE("job ids are checked before any request, with synapse-sdk's messages",
          "[cluster_client]") {
    synapse::basic_cluster_client<scripted_transport> c{scripted_transport{}};
    const std::pair<std::string, std::string> cases[] = {
        {"", "job ID cannot be empty"},
        {"raysubmit_1/../x", "Invalid job ID format"},
        {"job id", "Invalid job ID format"},
        {std::string(101, 'a'), "job ID too long"},
    };
    for (const auto& [id, message] : cases) {
        auto job = c.get_job(id);
        REQUIRE_FALSE(job);
        CHECK(job.error().code == errc::invalid_argument);
        CHECK(job.error().message == message);
        CHECK_FALSE(c.stop_job(id));
        CHECK_FALSE(c.delete_job(id));
        CHECK_FALSE(c.job_logs(id));
    }
    CHECK(c.transport().requests().empty());
}

TEST_CASE("node, task and actor ids must be Ray's lowercase hex of the right length",
          "[cluster_client]") {
    synapse::basic_cluster_client<scripted_transport> c{scripted_transport{}};
    auto node = c.get_node("abc");
    REQUIRE_FALSE(node);
    CHECK(node.error().message == "node ID must be 56 hex characters, not 3");
    auto task = c.get_task(std::string(48, 'G'));
    REQUIRE_FALSE(task);
    CHECK(task.error().message == "Invalid task ID format: task ids are lowercase hex");
    auto actor = c.get_actor("");
    REQUIRE_FALSE(actor);
    CHECK(actor.error().message == "actor ID cannot be empty");
    CHECK(c.transport().requests().empty());
}

TEST_CASE("a task is looked up by id with every attempt, oldest first; none is not_found",
          "[cluster_client]") {
    const std::string id(48, 'e');
    auto rows = json::array({json{{"task_id", id}, {"attempt_number", 1}, {"state", "FINISHED"}},
                             json{{"task_id", id}, {"attempt_number", 0}, {"state", "FAILED"}}});
    scripted_transport t;
    t.respond(
        200,
        json{{"result", true}, {"data", {{"result", {{"total", 2}, {"result", rows}}}}}}.dump());
    t.respond(200, json{{"result", true},
                        {"data", {{"result", {{"total", 0}, {"result", json::array()}}}}}}
                       .dump());
    synapse::basic_cluster_client<scripted_transport> c{std::move(t)};
    auto attempts = c.get_task(id);
    REQUIRE(attempts);
    REQUIRE(attempts->size() == 2);
    CHECK((*attempts)[0].state == "FAILED");
    CHECK((*attempts)[1].state == "FINISHED");
    CHECK(c.transport().requests().at(0).target.find("filter_keys=task_id&filter_predicates=%3D"
                                                     "&filter_values=" +
                                                     id) != std::string::npos);
    CHECK(c.transport().requests().at(0).target.find("exclude_driver=false") != std::string::npos);
    auto none = c.get_task(id);
    REQUIRE_FALSE(none);
    CHECK(none.error().code == errc::not_found);
}

TEST_CASE("a Serve application that is not there, or was deployed from Python, is not deleted",
          "[cluster_client]") {
    const json serve = {{"controller_info", {{"node_id", "n"}}},
                        {"proxy_location", "EveryNode"},
                        {"http_options", {{"host", "127.0.0.1"}, {"port", 8000}}},
                        {"applications",
                         {{"py",
                           {{"name", "py"},
                            {"status", "RUNNING"},
                            {"message", ""},
                            {"route_prefix", "/py"},
                            {"source", "imperative"},
                            {"last_deployed_time_s", 1.0},
                            {"deployed_app_config", nullptr},
                            {"deployments", json::object()}}}}}};
    scripted_transport t;
    t.respond(200, serve.dump());
    t.respond(200, serve.dump());
    synapse::basic_cluster_client<scripted_transport> c{std::move(t)};
    auto missing = c.delete_application("nope");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == errc::not_found);
    CHECK(missing.error().message == "Serve application 'nope' not found");
    auto imperative = c.delete_application("py");
    REQUIRE_FALSE(imperative);
    CHECK(imperative.error().code == errc::invalid_argument);
    for (const auto& r : c.transport().requests()) CHECK(r.method == "GET");
}

TEST_CASE("the summary reads the autoscaler's usage under the nodes' own resource names",
          "[cluster_client]") {
    const std::string id(56, 'a');
    const json node = {
        {"node_id", id},
        {"state", "ALIVE"},
        {"resources_total", {{"CPU", 4.0}, {"object_store_memory", 5e8}, {"my_res", 1.0}}}};
    scripted_transport t;
    t.respond(
        200,
        json{{"result", true}, {"data", {{"result", {{"total", 1}, {"result", {node}}}}}}}.dump());
    const json usage = {{"CPU", {1.0, 4.0}},
                        {"objectStoreMemory", {0.0, 5e8}},
                        {"myRes", {1.0, 1.0}},
                        {"node:InternalHead", {0.0, 1.0}}};
    t.respond(
        200, json{{"result", true},
                  {"msg", "Got cluster status."},
                  {"data",
                   {{"autoscalingStatus", "..."},
                    {"clusterStatus",
                     {{"loadMetricsReport", {{"usage", usage}, {"usageByNode", {{id, usage}}}}}}}}}}
                 .dump());
    t.respond(
        200,
        json{{"result", true}, {"data", {{"result", {{"total", 1}, {"result", {node}}}}}}}.dump());
    t.respond(200, json{{"result", true}, {"data", {{"clusterStatus", nullptr}}}}.dump());
    t.respond(
        200,
        json{{"result", true}, {"data", {{"result", {{"total", 1}, {"result", {node}}}}}}}.dump());
    t.respond(
        200, json{{"result", true},
                  {"data", {{"clusterStatus", {{"loadMetricsReport", {{"usage", {{"CPU", 3}}}}}}}}}}
                 .dump());
    synapse::basic_cluster_client<scripted_transport> c{std::move(t)};
    auto s = c.summary();
    REQUIRE(s);
    REQUIRE(s->usage_known);
    CHECK(s->total.at("CPU").used == 1.0);
    CHECK(s->total.at("object_store_memory").total == 5e8);
    CHECK(s->total.at("my_res").used == 1.0);
    CHECK_FALSE(s->total.contains("node:InternalHead"));
    CHECK(s->by_node.at(id).at("CPU").total == 4.0);

    auto early = c.summary();  // the autoscaler has not reported yet
    REQUIRE(early);
    CHECK_FALSE(early->usage_known);

    auto odd = c.summary();
    REQUIRE_FALSE(odd);
    CHECK(odd.error().message ==
          "reading the cluster's resource usage: loadMetricsReport.usage is not {resource: "
          "[used, total]}");
}
