// cluster_client and `synapse ray` against the real local Ray 2.60 head (cluster suite): a small
// Ray job makes the tasks and the actor that are then listed and looked up.
#include <synapse/ray/cluster_client.hpp>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "../common/run.hpp"

using synapse::json;

namespace {

// Five `square` tasks and one `Counter` actor named for this test, then the driver ends.
constexpr const char* workload = R"(python -c "
import ray
ray.init()
@ray.remote
def square(x):
    return x * x
@ray.remote
class Counter:
    def add(self, n):
        return n
assert ray.get([square.remote(i) for i in range(5)]) == [0, 1, 4, 9, 16]
c = Counter.options(name='synapse_cluster_client_counter').remote()
assert ray.get(c.add.remote(2)) == 2
")";

synapse::cluster_client client() {
    auto c = synapse::cluster_client::create(
        synapse::dashboard_transport_options(std::getenv("RAY_DASHBOARD_URL")));
    REQUIRE(c);
    return std::move(*c);
}

/// The workload's job as it ended (submitted once for the whole file).
const synapse::job_details& workload_job() {
    static const synapse::job_details job = [] {
        auto c = client();
        synapse::basic_jobs_api<synapse::httplib_transport&> api(c.transport());
        synapse::job_submission s;
        s.entrypoint = workload;
        auto id = api.submit(s);
        REQUIRE(id);
        for (;;) {
            auto j = api.get_job(*id);
            REQUIRE(j);
            if (synapse::is_terminal(j->status)) {
                REQUIRE(j->status == synapse::job_status::succeeded);
                return *j;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }();
    return job;
}

/// Task events reach the State API a little after the tasks ran: waits until `n` rows show.
synapse::state_list<synapse::task_row> tasks_of(synapse::cluster_client& c, const std::string& job,
                                                std::size_t n) {
    synapse::state_query q;
    q.filters = {{"job_id", job}, {"func_or_class_name", "square"}};
    for (int i = 0;; ++i) {
        auto tasks = c.list_tasks(q);
        REQUIRE(tasks);
        if (tasks->rows.size() >= n || i == 300) return std::move(*tasks);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

}  // namespace

TEST_CASE("cluster_client lists the head node with its resources and finds it by id",
          "[cluster][cluster_client]") {
    auto c = client();
    auto nodes = c.list_nodes();
    REQUIRE(nodes);
    REQUIRE(nodes->rows.size() == 1);
    const auto& head = nodes->rows[0];
    CHECK(head.is_head_node);
    CHECK(head.alive());
    CHECK_FALSE(head.node_ip.empty());
    CHECK(head.resources_total["CPU"].get<double>() >= 1);
    CHECK_FALSE(nodes->truncated());
    auto again = c.get_node(head.node_id);
    REQUIRE(again);
    CHECK(again->node_id == head.node_id);
    CHECK(again->start_time_ms.has_value());  // asked with detail
    auto missing = c.get_node(std::string(56, '0'));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == synapse::errc::not_found);
}

TEST_CASE("cluster_client lists a job's tasks and actor, filtered, and finds each by id",
          "[cluster][cluster_client]") {
    const auto& job = workload_job();
    REQUIRE(job.job_id);
    auto c = client();
    auto tasks = tasks_of(c, *job.job_id, 5);
    REQUIRE(tasks.rows.size() == 5);
    for (const auto& t : tasks.rows) {
        CHECK(t.state == "FINISHED");
        CHECK(t.type == "NORMAL_TASK");
        CHECK(t.job_id == *job.job_id);
    }
    auto one = c.get_task(tasks.rows[0].task_id);
    REQUIRE(one);
    CHECK(one->at(0).func_or_class_name == "square");

    synapse::state_query by_name;
    by_name.filters = {{"name", "synapse_cluster_client_counter"}, {"job_id", *job.job_id}};
    auto actors = c.list_actors(by_name);
    REQUIRE(actors);
    REQUIRE(actors->rows.size() == 1);
    CHECK(actors->rows[0].class_name == "Counter");
    auto actor = c.get_actor(actors->rows[0].actor_id);
    REQUIRE(actor);
    CHECK(actor->name == "synapse_cluster_client_counter");

    auto limited = c.list_tasks({.filters = {{"job_id", *job.job_id}}, .limit = 2});
    REQUIRE(limited);
    CHECK(limited->rows.size() == 2);
    CHECK(limited->truncated());  // the job has more tasks than two
}

TEST_CASE("cluster_client lists and reads jobs, and refuses a bad id before asking",
          "[cluster][cluster_client]") {
    const auto& job = workload_job();
    auto c = client();
    auto succeeded = c.list_jobs(synapse::job_status::succeeded);
    REQUIRE(succeeded);
    bool found = false;
    for (const auto& j : *succeeded) {
        CHECK(j.status == synapse::job_status::succeeded);
        found = found || j.submission_id == job.submission_id;
    }
    CHECK(found);
    auto read = c.get_job(*job.submission_id);
    REQUIRE(read);
    CHECK(read->entrypoint == job.entrypoint);
    auto bad = c.get_job("../api/version");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "Invalid job ID format");
}

TEST_CASE("cluster_client's summary has each node's resources and, once reported, their use",
          "[cluster][cluster_client]") {
    auto c = client();
    auto s = c.summary();
    REQUIRE(s);
    REQUIRE(s->nodes.size() == 1);
    const auto cpus = s->nodes[0].resources_total["CPU"].get<double>();
    for (int i = 0; !s->usage_known && i < 300; ++i) {  // the autoscaler reports every few s
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        s = c.summary();
        REQUIRE(s);
    }
    REQUIRE(s->usage_known);
    CHECK(s->total.at("CPU").total == cpus);
    CHECK(s->total.contains("object_store_memory"));  // as the node spells it
    CHECK(s->by_node.at(s->nodes[0].node_id).at("CPU").total == cpus);
}

TEST_CASE("synapse ray shows the cluster, its nodes, a job's tasks and its jobs",
          "[cluster][cluster_client][cli]") {
    const auto& job = workload_job();
    auto c = client();
    (void)tasks_of(c, *job.job_id, 5);
    const std::string dashboard = std::getenv("RAY_DASHBOARD_URL");
    auto ray = [&](std::vector<std::string> args) {
        std::vector<std::string> argv = {SYNAPSE_CLI, "ray"};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(argv.end(), {"--dashboard", dashboard});
        return test_support::run(argv, {{"NO_COLOR", "1"}});
    };
    auto status = ray({"status"});
    INFO(status.err);
    REQUIRE(status.exit_code == 0);
    CHECK(status.out.find("nodes: 1 alive, 0 dead\nresources used: ") == 0);
    auto head = c.list_nodes();
    REQUIRE(head);
    CHECK(status.out.find(head->rows.at(0).node_id) != std::string::npos);

    auto nodes = ray({"nodes", "--json"});
    REQUIRE(nodes.exit_code == 0);
    CHECK(json::parse(nodes.out).size() == 1);

    auto tasks = ray({"tasks", "--job", *job.job_id, "--state", "FINISHED"});
    REQUIRE(tasks.exit_code == 0);
    CHECK(tasks.out.rfind("TASK_ID", 0) == 0);
    std::size_t squares = 0;
    for (auto at = tasks.out.find("square"); at != std::string::npos;
         at = tasks.out.find("square", at + 1))
        ++squares;
    CHECK(squares == 5);

    auto every = ray({"tasks", "--job", *job.job_id, "--all", "--json"});
    REQUIRE(every.exit_code == 0);
    std::size_t every_square = 0;
    for (const auto& row : json::parse(every.out))
        every_square += row.value("name", "") == "square";
    CHECK(every_square == 5);

    auto jobs = ray({"jobs", "--status", "succeeded"});
    REQUIRE(jobs.exit_code == 0);
    CHECK(jobs.out.find(*job.submission_id) != std::string::npos);

    auto bad = ray({"job", "no/such"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err == "error: invalid_argument: Invalid job ID format\n");

    auto missing = ray({"serve", "status", "no-such-app"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("error: not_found: Serve application 'no-such-app' not found") == 0);
}
