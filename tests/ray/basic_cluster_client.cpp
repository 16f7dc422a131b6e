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

TEST_CASE("for_each_task splits a truncated listing by job, then by state, each row once",
          "[cluster_client][pages]") {
    auto answer = [](std::vector<std::string> ids, std::int64_t total, std::int64_t kept) {
        json rows = json::array();
        for (const auto& id : ids)
            rows.push_back({{"task_id", id.substr(0, 1) == "t" ? std::string(48, id[1]) : id},
                            {"attempt_number", 0},
                            {"state", "FINISHED"}});
        return json{
            {"result", true},
            {"data",
             {{"result", {{"total", total}, {"num_after_truncation", kept}, {"result", rows}}}}}}
            .dump();
    };
    auto job = [](const char* hex) {
        return json{{"type", "SUBMISSION"},
                    {"job_id", hex},
                    {"submission_id", hex},
                    {"status", "SUCCEEDED"},
                    {"entrypoint", "python x.py"}};
    };
    scripted_transport t;
    t.respond(200, answer({"t0"}, 25000, 10000));  // the whole cluster: truncated
    t.respond(200, json::array({job("01000000"), job("02000000"),
                                json{{"type", "SUBMISSION"},
                                     {"job_id", nullptr},
                                     {"submission_id", "pending"},
                                     {"status", "PENDING"},
                                     {"entrypoint", "python y.py"}}})
                       .dump());
    t.respond(200, answer({"t1", "t2"}, 2, 2));    // job 01: whole
    t.respond(200, answer({"t9"}, 20000, 10000));  // job 02: truncated, so by state
    for (auto state : synapse::detail::task_states) {
        if (state == "RUNNING")
            t.respond(200, answer({"t3"}, 1, 1));
        else if (state == "FINISHED")
            t.respond(200, answer({"t3", "t4"}, 2, 2));  // t3 moved on
        else if (state == "FAILED")
            t.respond(200, answer({"t5"}, 12000, 10000));  // still cut
        else
            t.respond(200, answer({}, 0, 0));
    }
    synapse::basic_cluster_client<scripted_transport> c{std::move(t)};
    std::vector<std::vector<char>> pages;
    auto listed = c.for_each_task(
        {},
        [&](std::vector<synapse::task_row>& page) {
            std::vector<char> ids;
            for (const auto& row : page) ids.push_back(row.task_id[0]);
            pages.push_back(ids);
            return true;
        },
        2);
    REQUIRE(listed);
    CHECK(pages == std::vector<std::vector<char>>{{'1', '2'}, {'3', '4'}, {'5'}});
    CHECK(listed->rows == 5);
    CHECK(listed->requests == 3 + std::size(synapse::detail::task_states));
    CHECK_FALSE(listed->complete);  // FAILED of job 02 was still truncated
    const auto& requests = c.transport().requests();
    CHECK(requests[1].target == "/api/jobs/");
    CHECK(requests[3].target.find("limit=10000") != std::string::npos);
    CHECK(requests[3].target.find("02000000") != std::string::npos);
    CHECK(requests.back().target.find("FAILED") != std::string::npos);
}

TEST_CASE("for_each_actor reads an untruncated listing in one request and stops when asked",
          "[cluster_client][pages]") {
    json rows = json::array();
    for (char c : std::string("abcde"))
        rows.push_back({{"actor_id", std::string(32, c)}, {"state", "ALIVE"}});
    scripted_transport t;
    t.respond(
        200,
        json{{"result", true}, {"data", {{"result", {{"total", 5}, {"result", rows}}}}}}.dump());
    synapse::basic_cluster_client<scripted_transport> c{std::move(t)};
    int pages = 0;
    auto listed = c.for_each_actor(
        {},
        [&](std::vector<synapse::actor_row>&) {
            return ++pages < 2;  // stop after the second page
        },
        2);
    REQUIRE(listed);
    CHECK(pages == 2);
    CHECK(listed->requests == 1);
    CHECK_FALSE(listed->complete);
}

TEST_CASE("every call answers a reply that is not what Ray sends with malformed_response",
          "[cluster_client][malformed]") {
    const std::string node(56, 'a'), task(48, 'b'), actor(32, 'c');
    auto garbage = [](const char* body) {
        scripted_transport t;
        for (int i = 0; i < 4; ++i) t.respond(200, body);
        return synapse::basic_cluster_client<scripted_transport>{std::move(t)};
    };
    for (const char* body : {"<html>oops</html>", "{\"result\": true, \"data\": 3}", "[1, 2"}) {
        INFO(body);
        auto check = [&](const char* call, const auto& r) {
            INFO(call);
            REQUIRE_FALSE(r);
            CHECK(r.error().code == errc::malformed_response);
            CHECK_FALSE(r.error().message.empty());
        };
        check("list_jobs", garbage(body).list_jobs());
        check("get_job", garbage(body).get_job("raysubmit_1"));
        check("job_logs", garbage(body).job_logs("raysubmit_1"));
        check("stop_job", garbage(body).stop_job("raysubmit_1"));
        check("delete_job", garbage(body).delete_job("raysubmit_1"));
        check("list_nodes", garbage(body).list_nodes());
        check("get_node", garbage(body).get_node(node));
        check("list_tasks", garbage(body).list_tasks());
        check("get_task", garbage(body).get_task(task));
        check("list_actors", garbage(body).list_actors());
        check("get_actor", garbage(body).get_actor(actor));
        check("summary", garbage(body).summary());
        check("list_applications", garbage(body).list_applications());
        check("get_application", garbage(body).get_application("app"));
        check("delete_application", garbage(body).delete_application("app"));
        check("for_each_task", garbage(body).for_each_task(
                                   {}, [](std::vector<synapse::task_row>&) { return true; }));
        check("stream_job_logs",
              garbage(body).stream_job_logs("raysubmit_1", [](std::string_view) { return true; }));
    }
}
