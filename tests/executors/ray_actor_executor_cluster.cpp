// The warm Ray executor against the real local Ray head with Serve (cluster suite): the example
// plugin and a synapse-sdk plugin on warm replicas, next to a foreign application, through a
// replica's death and a deploy that cannot succeed.
#include <synapse/executors/ray_actor_executor.hpp>
#include <synapse/ray/cluster_client.hpp>
#include <synapse/testing/recording_logger.hpp>
#include <synapse/transport/httplib_transport.hpp>

#include <signal.h>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "../common/temp_dir.hpp"
#include "regression.hpp"

using synapse::json;
using namespace std::chrono_literals;

namespace {

using recording_executor =
    synapse::basic_ray_actor_executor<synapse::httplib_transport, synapse::json_serializer,
                                      synapse::pip, synapse::testing::recording_logger>;

synapse::ray_executor_options cluster_options(const std::filesystem::path& dir) {
    synapse::ray_executor_options o;
    o.transport.base_url = std::getenv("RAY_DASHBOARD_URL");
    o.working_dir = dir;
    return o;
}

synapse::ray_executor_options regression_options() {
    auto o = cluster_options(SYNAPSE_REGRESSION_PLUGIN_DIR);
    o.binary = "regression";
    o.package_excludes = {"*.p", "*.a", "*.o"};  // the build's own files beside the plugin
    o.env = synapse::plugin_environment::from_map({{"REGRESSION_MODE", "ray"}});
    o.num_cpus = 0.5;
    return o;
}

/// A plugin directory holding a copy of `program` as its binary.
synapse::ray_executor_options binary_plugin(const test_support::temp_dir& dir,
                                            const std::filesystem::path& program) {
    std::ofstream(dir / "config.yaml") << "name: Worker\ncode: worker\nversion: 0.1.0\n"
                                          "runtime: cpp\nbinary: plugin\nactions: {}\n";
    std::filesystem::copy_file(program, dir / "plugin");
    std::filesystem::permissions(dir / "plugin", std::filesystem::perms::owner_all);
    auto o = cluster_options(dir.path());
    o.binary = "plugin";
    o.num_cpus = 0.5;
    return o;
}

synapse::httplib_transport dashboard_transport() {  // with Ray's token when the head wants one
    auto d = synapse::httplib_transport::create(
        synapse::dashboard_transport_options(std::getenv("RAY_DASHBOARD_URL")));
    REQUIRE(d);
    return std::move(*d);
}

/// A new application, whatever runs already.
synapse::ray_actor_options fresh() {
    synapse::ray_actor_options actor;
    actor.fresh = true;
    actor.deploy_timeout = 5min;
    return actor;
}

std::string why(const synapse::error& e) {
    return synapse::to_string(e);
}

/// A foreign application, not ours: a Python echo deployment uploaded as its own package.
class foreign_app {
  public:
    static constexpr const char* name = "foreign_echo";

    foreign_app() {
        std::ofstream(dir_ / "echo_app.py")
            << "from ray import serve\n\n"
               "@serve.deployment(ray_actor_options={'num_cpus': 0})\n"
               "class Echo:\n"
               "    async def __call__(self, request):\n"
               "        return 'echo'\n\n"
               "app = Echo.bind()\n";
        synapse::basic_jobs_api<synapse::httplib_transport> jobs(dashboard_transport());
        synapse::package_cache cache;
        auto uri = synapse::detail::upload_package(jobs, cache, dir_.path(), {});
        REQUIRE(uri);
        const json app = {{"name", name},
                          {"route_prefix", std::string("/") + name},
                          {"import_path", "echo_app:app"},
                          {"runtime_env", {{"working_dir", *uri}}}};
        synapse::basic_serve_api<synapse::httplib_transport&> serve(jobs.transport());
        auto changed = synapse::apply_serve_change(serve, [&](const synapse::serve_instance& s) {
            return synapse::serve_config_with(
                s, app, synapse::detail::serve_http_options(std::getenv("RAY_DASHBOARD_URL")));
        });
        REQUIRE(changed);
        auto running = synapse::wait_for_application(serve, name, 5min);
        INFO((running ? "" : why(running.error())));
        REQUIRE(running);
    }
    ~foreign_app() {
        auto d = dashboard_transport();
        synapse::basic_serve_api<synapse::httplib_transport&> serve(d);
        (void)synapse::apply_serve_change(serve, [](const synapse::serve_instance& s) {
            return synapse::serve_config_without(s, name);
        });
    }

  private:
    test_support::temp_dir dir_;
};

/// Asks the foreign application for its echo, over and over, until stopped.
class foreign_prober {
  public:
    foreign_prober() {
        thread_ = std::jthread([this](std::stop_token stop) {
            synapse::transport_options t;
            t.base_url = "http://127.0.0.1:8000";
            auto proxy = synapse::httplib_transport::create(t);
            while (proxy && !stop.stop_requested()) {
                auto r = proxy->send({"GET", std::string("/") + foreign_app::name, {}, {}, {}});
                (r && r->status == 200 && r->body == "echo" ? answered : failed)++;
                std::this_thread::sleep_for(50ms);
            }
        });
    }
    void stop() {
        thread_.request_stop();
        thread_.join();
    }
    std::atomic<int> answered{0}, failed{0};

  private:
    std::jthread thread_;
};

std::optional<int> replica_pid(const std::string& app) {
    auto d = dashboard_transport();
    synapse::basic_serve_api<synapse::httplib_transport&> serve(d);
    auto live = serve.get();
    REQUIRE(live);
    for (const auto& deployment : live->applications.at(app).deployments)
        for (const auto& replica : deployment.replicas)
            if (replica.state == "RUNNING") return replica.pid;
    return std::nullopt;
}

}  // namespace

TEST_CASE("the example's four actions run on one warm application, which keeps evaluate's model",
          "[cluster][ray_actor]") {
    test_support::temp_dir work;
    auto options = regression_options();
    auto exec = recording_executor::create(options, fresh());
    REQUIRE(exec);
    const auto t0 = std::chrono::steady_clock::now();
    auto downloaded =
        exec->execute<regression::download>({.work_dir = work.path(), .source = std::nullopt});
    const auto first_call = std::chrono::steady_clock::now() - t0;
    INFO((downloaded ? "" : why(downloaded.error())));
    REQUIRE(downloaded);
    CHECK(downloaded->rows == 240);

    const auto t1 = std::chrono::steady_clock::now();
    auto converted = exec->execute<regression::convert>(
        {.dataset_path = downloaded->dataset_path, .work_dir = work.path()});
    const auto warm_call = std::chrono::steady_clock::now() - t1;
    REQUIRE(converted);
    CHECK(warm_call < first_call);  // the first call deployed the application
    auto trained = exec->execute<regression::train>(
        {.train_path = converted->train_path, .work_dir = work.path(), .epochs = 50});
    REQUIRE(trained);
    for (int i = 0; i < 2; ++i) {
        auto evaluated = exec->execute<regression::evaluate>(
            {.model_path = trained->model_path, .test_path = converted->test_path});
        REQUIRE(evaluated);
        CHECK(evaluated->rows == converted->test_rows);
    }
    // The replica's evaluate object loaded the model once and kept it for the second call.
    std::vector<bool> cached;
    for (const auto& record : exec->logger().logs)
        if (record.event == "model_ready") cached.push_back(record.data.value("cached", false));
    CHECK(cached == std::vector<bool>{false, true});

    auto name = exec->app_name();
    REQUIRE(name);
    auto removed = exec->shutdown();
    REQUIRE(removed);
    CHECK(*removed);
}

TEST_CASE("an application with the same content is reused by a later executor, not redeployed",
          "[cluster][ray_actor]") {
    auto options = regression_options();
    auto first = synapse::ray_actor_executor::create(options);
    REQUIRE(first);
    auto deployed = first->deploy();
    INFO((deployed ? "" : why(deployed.error())));
    REQUIRE(deployed);
    auto second = synapse::ray_actor_executor::create(options);
    REQUIRE(second);
    auto reused = second->deploy();
    REQUIRE(reused);
    CHECK(reused->name == deployed->name);
    CHECK(reused->last_deployed_time_s == deployed->last_deployed_time_s);
    auto invalid =
        second->execute("train", {{"train_path", "x"}, {"work_dir", "y"}, {"epochs", 0}});
    REQUIRE_FALSE(invalid);
    CHECK(invalid.error().code == synapse::errc::validation_failed);
    REQUIRE_FALSE(invalid.error().fields.empty());
    CHECK(invalid.error().fields[0].path == "epochs");
    auto unknown = second->execute("nope", json::object());
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == synapse::errc::unknown_action);
    auto removed = second->shutdown();
    REQUIRE(removed);
    CHECK(*removed);
    auto again = first->shutdown();
    REQUIRE(again);
    CHECK_FALSE(*again);
}

TEST_CASE("a synapse-sdk action runs warm through the Python host, its errors as a local run's",
          "[cluster][ray_actor]") {
    auto options =
        cluster_options(std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin");
    options.num_cpus = 0.5;
    auto exec = synapse::ray_actor_executor::create(options, fresh());
    REQUIRE(exec);
    auto sum = exec->execute("adder_actions.AddAction", {{"a", 2}, {"b", 3}});
    INFO((sum ? "" : why(sum.error())));
    REQUIRE(sum);
    CHECK(sum->at("total") == 5);
    auto invalid = exec->execute("adder_actions.AddAction", {{"a", 2}, {"b", -1}});
    REQUIRE_FALSE(invalid);
    CHECK(invalid.error().code == synapse::errc::validation_failed);
    REQUIRE_FALSE(invalid.error().fields.empty());
    CHECK(invalid.error().fields[0].path == "b");
    auto failed = exec->execute("adder_actions.FailAction", {{"a", 1}});
    REQUIRE_FALSE(failed);
    CHECK(failed.error().message.find("python action failed on purpose") != std::string::npos);
    auto unknown = exec->execute("adder_actions.Nope", json::object());
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == synapse::errc::unknown_action);
    REQUIRE(exec->shutdown());
}

TEST_CASE("a foreign application keeps serving while ours is deployed, used and removed",
          "[cluster][ray_actor]") {
    foreign_app foreign;
    foreign_prober prober;
    test_support::temp_dir dir;
    auto exec =
        synapse::ray_actor_executor::create(binary_plugin(dir, SYNAPSE_WORKER_PLUGIN), fresh());
    REQUIRE(exec);
    auto counted = exec->execute("count", {{"add", 2}});
    INFO((counted ? "" : why(counted.error())));
    REQUIRE(counted);
    auto removed = exec->shutdown();
    REQUIRE(removed);
    CHECK(*removed);
    prober.stop();
    CHECK(prober.answered > 0);
    CHECK(prober.failed == 0);
    auto d = dashboard_transport();
    synapse::basic_serve_api<synapse::httplib_transport&> serve(d);
    auto live = serve.get();
    REQUIRE(live);
    CHECK(live->applications.contains(foreign_app::name));
}

TEST_CASE("a replica killed during a call fails that call; Serve replaces it for the next",
          "[cluster][ray_actor]") {
    test_support::temp_dir dir;
    auto exec =
        synapse::ray_actor_executor::create(binary_plugin(dir, SYNAPSE_WORKER_PLUGIN), fresh());
    REQUIRE(exec);
    auto deployed = exec->deploy();
    INFO((deployed ? "" : why(deployed.error())));
    REQUIRE(deployed);
    auto pid = replica_pid(deployed->name);
    REQUIRE(pid);

    // Twice: the first call goes through Serve's proxy; the replica that answers the next call
    // names its direct port, which the call after it uses.
    for (int round = 0; round < 2; ++round) {
        const auto marker = dir / ("running-" + std::to_string(round));
        std::optional<synapse::expected<json>> hung;
        std::jthread caller([&] {
            hung = exec->execute("hang", {{"seconds", 600}, {"marker", marker.string()}});
        });
        while (!std::filesystem::exists(marker)) std::this_thread::sleep_for(20ms);
        REQUIRE(::kill(*pid, SIGKILL) == 0);
        caller.join();
        REQUIRE(hung.has_value());
        REQUIRE_FALSE(*hung);
        INFO(why(hung->error()));
        CHECK(hung->error().code == synapse::errc::process_failed);

        auto counted = exec->execute("count", {{"add", 1}});
        INFO((counted ? "" : why(counted.error())));
        REQUIRE(counted);
        auto replaced = replica_pid(deployed->name);
        REQUIRE(replaced);
        CHECK(*replaced != *pid);
        pid = replaced;
    }
    REQUIRE(exec->shutdown());
}

TEST_CASE("a worker that cannot start fails the deploy with Serve's message",
          "[cluster][ray_actor]") {
    test_support::temp_dir dir;
    const auto script = dir / "broken.sh";
    std::ofstream(script) << "#!/bin/sh\necho 'broken worker: libmissing.so not found' >&2\n"
                             "exit 2\n";
    auto exec = synapse::ray_actor_executor::create(binary_plugin(dir, script), fresh());
    REQUIRE(exec);
    auto deployed = exec->deploy();
    REQUIRE_FALSE(deployed);
    INFO(why(deployed.error()));
    CHECK(deployed.error().code == synapse::errc::job_failed);
    CHECK(deployed.error().message.find("DEPLOY_FAILED") != std::string::npos);
    CHECK(deployed.error().message.find("libmissing.so not found") != std::string::npos);
    auto removed = exec->shutdown();
    REQUIRE(removed);
    CHECK(*removed);
}

TEST_CASE("cluster_client deletes one Serve application and the other keeps serving",
          "[cluster][ray_actor][cluster_client]") {
    foreign_app foreign;
    test_support::temp_dir dir;
    synapse::ray_actor_options actor;
    actor.deploy_timeout = 5min;
    actor.name = "synapse_delete_one";
    auto exec =
        synapse::ray_actor_executor::create(binary_plugin(dir, SYNAPSE_WORKER_PLUGIN), actor);
    REQUIRE(exec);
    auto counted = exec->execute("count", {{"add", 1}});
    INFO((counted ? "" : why(counted.error())));
    REQUIRE(counted);
    auto ours = exec->app_name();
    REQUIRE(ours);

    foreign_prober prober;
    auto client = synapse::cluster_client::create(
        synapse::dashboard_transport_options(std::getenv("RAY_DASHBOARD_URL")));
    REQUIRE(client);
    auto deleted = client->delete_application(*ours);
    INFO((deleted ? "" : why(deleted.error())));
    REQUIRE(deleted);
    prober.stop();
    CHECK(prober.answered > 0);
    CHECK(prober.failed == 0);
    auto live = client->list_applications();
    REQUIRE(live);
    CHECK_FALSE(live->applications.contains(*ours));
    CHECK(live->applications.contains(foreign_app::name));
    auto again = client->delete_application(*ours);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == synapse::errc::not_found);
}
