// The State API client against scripted answers: what is sent, how Ray's envelope and rows are
// read, and every malformed or refusing answer. tests/ray/cluster_client_cluster.cpp runs the
// same calls against a real Ray head.
#include <synapse/ray/state_api.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <synapse/testing/scripted_transport.hpp>

using synapse::errc;
using synapse::json;
using synapse::testing::scripted_transport;

namespace {

std::string envelope(const json& rows, int total = -1, const json& extra = json::object()) {
    json list = {{"total", total < 0 ? rows.size() : total},
                 {"num_after_truncation", rows.size()},
                 {"num_filtered", rows.size()},
                 {"result", rows},
                 {"partial_failure_warning", nullptr},
                 {"warnings", nullptr}};
    for (const auto& [k, v] : extra.items()) list[k] = v;
    return json{{"result", true}, {"msg", ""}, {"data", {{"result", list}}}}.dump();
}

const json head_node = {{"node_id", std::string(56, 'a')},
                        {"node_ip", "127.0.0.1"},
                        {"is_head_node", true},
                        {"state", "ALIVE"},
                        {"state_message", nullptr},
                        {"node_name", "127.0.0.1"},
                        {"resources_total", {{"CPU", 2.0}, {"memory", 1073741824.0}}},
                        {"labels", {{"ray.io/node_id", std::string(56, 'a')}}},
                        {"some_future_column", 1}};

synapse::basic_state_api<scripted_transport> api_answering(int status, std::string body) {
    scripted_transport t;
    t.respond(status, std::move(body));
    return synapse::basic_state_api<scripted_transport>(std::move(t));
}

}  // namespace

TEST_CASE("a list call sends Ray's query parameters, filters repeated and encoded", "[state_api]") {
    auto api = api_answering(200, envelope(json::array()));
    synapse::state_query q;
    q.filters = {{"state", "FAILED"}, {"name", "f(x) y", false}};
    q.limit = 500;
    q.detail = true;
    auto tasks = api.list_tasks(q);
    REQUIRE(tasks);
    CHECK(api.transport().requests().at(0).target ==
          "/api/v0/tasks?limit=500&timeout=30&detail=true&exclude_driver=true"
          "&filter_keys=state&filter_predicates=%3D&filter_values=FAILED"
          "&filter_keys=name&filter_predicates=%21%3D&filter_values=f%28x%29%20y");
}

TEST_CASE("node rows are typed and keep every column Ray sent", "[state_api]") {
    auto api = api_answering(200, envelope(json::array({head_node})));
    auto nodes = api.list_nodes();
    REQUIRE(nodes);
    REQUIRE(nodes->rows.size() == 1);
    const auto& n = nodes->rows[0];
    CHECK(n.node_id == std::string(56, 'a'));
    CHECK(n.is_head_node);
    CHECK(n.alive());
    CHECK(n.resources_total["CPU"] == 2.0);
    CHECK_FALSE(n.state_message);
    CHECK(n.fields["some_future_column"] == 1);
    CHECK_FALSE(nodes->truncated());
}

TEST_CASE("an answer without every row says so, with Ray's warnings", "[state_api]") {
    auto api = api_answering(200, envelope(json::array({head_node}), 12000,
                                           {{"num_after_truncation", 10000},
                                            {"num_filtered", 40},
                                            {"partial_failure_warning", "2 nodes did not answer"},
                                            {"warnings", {"the data source truncated"}}}));
    auto nodes = api.list_nodes();
    REQUIRE(nodes);
    CHECK(nodes->truncated());
    CHECK(nodes->total == 12000);
    CHECK(nodes->warnings ==
          std::vector<std::string>{"2 nodes did not answer", "the data source truncated"});
}

TEST_CASE("Ray's refusal keeps its message: 400 is bad input, 500 an unavailable source",
          "[state_api]") {
    auto bad =
        api_answering(400, R"({"result": false, "msg": "Given limit 20000 exceeds", "data": {}})");
    auto refused = bad.list_actors();
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == errc::invalid_argument);
    CHECK(refused.error().message == "listing actors: Ray refused: Given limit 20000 exceeds");

    auto down = api_answering(500, R"({"result": false, "msg": "GCS is unavailable", "data": {}})");
    auto failed = down.list_nodes();
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == errc::io_error);
    CHECK(failed.error().http_status == 500);
    CHECK(failed.error().message.find("GCS is unavailable") != std::string::npos);
}

TEST_CASE("malformed answers are errors naming what was wrong and where", "[state_api]") {
    const std::pair<std::string, std::string> cases[] = {
        {"not json", "listing nodes: "},
        {R"([1, 2])", "listing nodes: the answer is not Ray's State API envelope"},
        {R"({"result": "yes"})", "listing nodes: the envelope's result is not a boolean"},
        {R"({"result": true, "msg": ""})", "listing nodes: the envelope has no data"},
        {R"({"result": true, "data": {}})", "listing nodes: the envelope has no data.result"},
        {R"({"result": true, "data": {"result": {"total": 1}}})",
         "listing nodes: the list has no rows"},
        {envelope(json::array({1})), "listing nodes: row 0 is not a JSON object"},
        {envelope(json::array({json{{"state", "ALIVE"}}})), "listing nodes: row 0 has no node_id"},
        {envelope(json::array({head_node, json{{"node_id", "b"}, {"state", 3}}})),
         "listing nodes: row 1: state is number, expected a string"},
        {envelope(
             json::array({json{{"node_id", "b"}, {"state", "ALIVE"}, {"is_head_node", "no"}}})),
         "listing nodes: row 0: is_head_node is string, expected a boolean"},
        {envelope(
             json::array({json{{"node_id", "b"}, {"state", "ALIVE"}, {"resources_total", 2}}})),
         "listing nodes: row 0: resources_total is number, expected an object"},
    };
    for (const auto& [body, message] : cases) {
        INFO(body);
        auto api = api_answering(200, body);
        auto nodes = api.list_nodes();
        REQUIRE_FALSE(nodes);
        CHECK(nodes.error().code == errc::malformed_response);
        CHECK(nodes.error().message.rfind(message, 0) == 0);
    }
}

TEST_CASE("a limit or timeout Ray would refuse is refused before any request", "[state_api]") {
    scripted_transport t;
    synapse::basic_state_api<scripted_transport> api(std::move(t));
    auto too_many = api.list_tasks({.limit = 10001});
    REQUIRE_FALSE(too_many);
    CHECK(too_many.error().message == "listing tasks: the limit must be 1..10000, not 10001");
    auto too_short = api.list_tasks({.timeout = std::chrono::seconds(1)});
    REQUIRE_FALSE(too_short);
    CHECK(too_short.error().message ==
          "listing tasks: Ray needs a timeout of at least 2 s, not 1 s");
    CHECK(api.transport().requests().empty());
}

TEST_CASE("task and actor rows read their typed columns", "[state_api]") {
    const json task = {{"task_id", std::string(48, 'c')},
                       {"attempt_number", 1},
                       {"name", "square"},
                       {"state", "FAILED"},
                       {"job_id", "01000000"},
                       {"actor_id", nullptr},
                       {"type", "NORMAL_TASK"},
                       {"func_or_class_name", "square"},
                       {"worker_pid", 4242},
                       {"error_type", "TASK_EXECUTION_EXCEPTION"}};
    auto tasks = api_answering(200, envelope(json::array({task}))).list_tasks();
    REQUIRE(tasks);
    CHECK(tasks->rows[0].attempt_number == 1);
    CHECK(tasks->rows[0].worker_pid == 4242);
    CHECK_FALSE(tasks->rows[0].actor_id);
    CHECK(tasks->rows[0].error_type == "TASK_EXECUTION_EXCEPTION");

    const json actor = {{"actor_id", std::string(32, 'd')},
                        {"class_name", "Counter"},
                        {"state", "ALIVE"},
                        {"job_id", "01000000"},
                        {"name", "counter"},
                        {"pid", 77},
                        {"ray_namespace", "ns"}};
    auto actors = api_answering(200, envelope(json::array({actor}))).list_actors();
    REQUIRE(actors);
    CHECK(actors->rows[0].class_name == "Counter");
    CHECK(actors->rows[0].pid == 77);
    CHECK(actors->rows[0].name == "counter");
}
