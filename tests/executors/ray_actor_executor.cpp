// The warm Ray executor against scripted answers: the requests a first and a later call make,
// and what each answer of Serve's proxy means. The same executor on a real cluster is in
// ray_actor_executor_cluster.cpp.
#include <synapse/executors/basic_ray_actor_executor.hpp>
#include <synapse/testing/manual_clock.hpp>
#include <synapse/testing/recording_logger.hpp>
#include <synapse/testing/scripted_transport.hpp>

#include <catch2/catch.hpp>

using synapse::json;
using synapse::testing::scripted_transport;

namespace {

using executor =
    synapse::basic_ray_actor_executor<scripted_transport, synapse::json_serializer, synapse::pip,
                                      synapse::testing::recording_logger>;

std::string serve_state(const json& apps = json::object()) {
    return synapse::dump(json{{"controller_info", {{"node_id", "n"}}},
                              {"http_options", {{"host", "127.0.0.1"}, {"port", 8000}}},
                              {"applications", apps}});
}

json running(const std::string& name, const json& config = json::object()) {
    return {{name,
             {{"name", name},
              {"status", "RUNNING"},
              {"source", "declarative"},
              {"last_deployed_time_s", 1.0},
              {"deployed_app_config", config},
              {"deployments", json::object()}}}};
}

synapse::ray_executor_options plugin_options() {
    synapse::ray_executor_options o;
    o.working_dir = std::string(SYNAPSE_SOURCE_DIR) + "/tests/fixtures/python_plugin";
    o.clock = std::make_shared<synapse::testing::manual_clock>();
    return o;
}

/// A factory of proxies that answer `answers` in order, counting the proxies it made.
executor::proxy_factory proxies(std::vector<std::string> answers, int& made) {
    return [answers, &made](std::string_view) -> synapse::expected<scripted_transport> {
        ++made;
        scripted_transport t;
        for (const auto& a : answers) t.respond(200, a);
        return t;
    };
}

std::string app_name() {
    int unused = 0;
    executor probe(scripted_transport{}, proxies({}, unused), plugin_options());
    auto name = probe.app_name();
    REQUIRE(name);
    return *name;
}

}  // namespace

TEST_CASE("the first call uploads, deploys and waits; later calls go straight to the proxy",
          "[ray_actor_executor]") {
    const std::string name = app_name();
    CHECK(name.rfind("synapse_python_plugin_", 0) == 0);
    scripted_transport dashboard;
    dashboard.respond(404, "no such package");           // GET package
    dashboard.respond(200, "");                          // PUT package
    dashboard.respond(200, serve_state());               // is it running already?
    dashboard.respond(200, serve_state());               // the change: live state
    dashboard.respond(200, serve_state());               // the change: nobody changed it meanwhile
    dashboard.respond(200, "");                          // PUT the config
    dashboard.respond(200, serve_state(running(name)));  // wait: RUNNING
    int made = 0;
    std::vector<std::string> output;
    synapse::ray_actor_options actor;
    actor.on_output = [&](std::string_view l) { output.emplace_back(l); };
    executor exec(std::move(dashboard),
                  proxies({R"({"result": {"total": 5}, "output": ["hello"],
                     "events": [{"type": "log", "event": "added", "data": {"a": 2}}]})",
                           R"({"result": {"total": 6}, "events": [], "output": []})"},
                          made),
                  plugin_options(), actor);

    auto first = exec.execute("adder_actions.AddAction", {{"a", 2}, {"b", 3}});
    REQUIRE(first);
    CHECK((*first)["total"] == 5);
    const auto& requests = exec.dashboard().requests();
    REQUIRE(requests.size() == 7);
    CHECK(requests[1].method == "PUT");
    CHECK(requests[1].target.rfind("/api/packages/gcs/_ray_pkg_", 0) == 0);
    CHECK(requests[5].method == "PUT");
    auto config = json::parse(requests[5].body);
    REQUIRE(config["applications"].size() == 1);
    const auto& app = config["applications"][0];
    CHECK(app["name"] == name);
    CHECK(app["route_prefix"] == "/" + name);
    CHECK(app["import_path"] == "synapse_serve:build");
    CHECK(app["args"]["command"] == json::array({"{python}", "synapse_host.py", "worker"}));
    CHECK(app["deployments"][0]["num_replicas"] == 1);
    CHECK(config["http_options"] == json{{"host", "127.0.0.1"}, {"port", 8000}});

    auto second = exec.execute("adder_actions.AddAction", {{"a", 3}, {"b", 3}});
    REQUIRE(second);
    CHECK((*second)["total"] == 6);
    CHECK(exec.dashboard().requests().size() == 7);  // no request to the dashboard
    CHECK(made == 1);                                // one proxy transport, reused
    CHECK(output == std::vector<std::string>{"hello"});
    REQUIRE(exec.logger().logs.size() == 1);
    CHECK(exec.logger().logs[0].event == "added");
}

TEST_CASE("an application running with the same content is reused without a deploy",
          "[ray_actor_executor]") {
    const std::string name = app_name();
    // What this executor would deploy, as Serve reports it back.
    scripted_transport first_dashboard;
    first_dashboard.respond(200, "");  // GET package: there
    first_dashboard.respond(200, serve_state());
    first_dashboard.respond(200, serve_state());
    first_dashboard.respond(200, serve_state());
    first_dashboard.respond(200, "");
    first_dashboard.respond(200, serve_state(running(name)));
    int made = 0;
    executor first(std::move(first_dashboard), proxies({}, made), plugin_options());
    REQUIRE(first.deploy());
    const json deployed = json::parse(first.dashboard().requests()[4].body)["applications"][0];

    scripted_transport dashboard;
    dashboard.respond(200, "");                                    // GET package: there
    dashboard.respond(200, serve_state(running(name, deployed)));  // running, same config
    dashboard.respond(200, serve_state(running(name, deployed)));  // wait: RUNNING
    executor again(std::move(dashboard), proxies({}, made), plugin_options());
    auto app = again.deploy();
    REQUIRE(app);
    for (const auto& r : again.dashboard().requests()) CHECK(r.method == "GET");
}

TEST_CASE("an application that fails to deploy is an error with Serve's message",
          "[ray_actor_executor]") {
    const std::string name = app_name();
    auto failed = running(name);
    failed[name]["status"] = "DEPLOY_FAILED";
    failed[name]["message"] = "RuntimeError: the worker (pid 7) exited with status 127";
    scripted_transport dashboard;
    dashboard.respond(200, "");
    for (int i = 0; i < 3; ++i) dashboard.respond(200, serve_state());
    dashboard.respond(200, "");
    dashboard.respond(200, serve_state(failed));
    int made = 0;
    executor exec(std::move(dashboard), proxies({}, made), plugin_options());
    auto r = exec.execute("adder_actions.AddAction", {{"a", 1}});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::job_failed);
    CHECK(r.error().message.find("DEPLOY_FAILED: RuntimeError: the worker (pid 7)") !=
          std::string::npos);
    CHECK(made == 0);
}

TEST_CASE("what the proxy answers becomes a result or a distinct error", "[ray_actor_executor]") {
    auto call = [](int status, std::string body) {
        scripted_transport proxy;
        proxy.respond(status, std::move(body));
        return synapse::detail::serve_call(proxy, "/app", "train", "{}");
    };
    auto gone = call(404, "Path '/app' not found.");
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == synapse::errc::not_found);
    CHECK(gone.error().message.find("application was removed") != std::string::npos);

    auto busy = call(503, "Service Unavailable");
    REQUIRE_FALSE(busy);
    CHECK(busy.error().code == synapse::errc::http_error);
    CHECK(busy.error().http_status == 503);

    auto died = call(500, "ray.exceptions.ActorDiedError: The actor died unexpectedly");
    REQUIRE_FALSE(died);
    CHECK(died.error().code == synapse::errc::process_failed);
    CHECK(died.error().message.find("the Serve replica died or failed during the call") !=
          std::string::npos);

    auto garbage = call(200, "<html>");
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().code == synapse::errc::malformed_response);

    scripted_transport unreachable;
    unreachable.fail_with({synapse::errc::transport_error, "connection refused"});
    auto refused = synapse::detail::serve_call(unreachable, "/app", "train", "{}");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == synapse::errc::transport_error);
    CHECK(refused.error().message == "running 'train' on Serve: connection refused");
}

TEST_CASE("an error in the answer is the action's own error, fields and all",
          "[ray_actor_executor]") {
    const json answer = json::parse(R"({"error": {"code": "validation_failed",
        "message": "invalid params for action 'train': 1 field failed validation",
        "fields": [{"path": "epochs", "message": "must be at least 1", "expected": "", "actual": "0"}]},
        "events": [], "output": []})");
    auto r = synapse::detail::serve_result(answer, "train", synapse::json_serializer{});
    REQUIRE_FALSE(r);
    CHECK(r.error().code == synapse::errc::validation_failed);
    REQUIRE(r.error().fields.size() == 1);
    CHECK(r.error().fields[0].path == "epochs");

    auto none = synapse::detail::serve_result(json{{"events", json::array()}}, "train",
                                              synapse::json_serializer{});
    REQUIRE_FALSE(none);
    CHECK(none.error().code == synapse::errc::malformed_response);
}

TEST_CASE("application names follow the plugin and its package, in Serve's alphabet",
          "[ray_actor_executor]") {
    CHECK(synapse::detail::serve_app_name("my plugin!", "_ray_pkg_0123456789abcdef.zip") ==
          "synapse_my_plugin__0123456789abcdef");
}

TEST_CASE("shutdown writes back every other application and waits until ours is gone",
          "[ray_actor_executor]") {
    const std::string name = app_name();
    json apps = running(name);
    apps.update(running("foreign", {{"name", "foreign"}, {"import_path", "echo:app"}}));
    json foreign_only = running("foreign", {{"name", "foreign"}, {"import_path", "echo:app"}});
    scripted_transport dashboard;
    dashboard.respond(200, serve_state(apps));          // the change: live state
    dashboard.respond(200, serve_state(apps));          // nobody changed it meanwhile
    dashboard.respond(200, "");                         // PUT without ours
    dashboard.respond(200, serve_state(apps));          // still listed (deleting)
    dashboard.respond(200, serve_state(foreign_only));  // gone
    int made = 0;
    executor exec(std::move(dashboard), proxies({}, made), plugin_options());
    auto removed = exec.shutdown();
    REQUIRE(removed);
    CHECK(*removed);
    const auto& sent = exec.dashboard().requests();
    REQUIRE(sent.size() == 5);
    CHECK(sent[2].method == "PUT");
    const json put = json::parse(sent[2].body);
    REQUIRE(put["applications"].size() == 1);
    CHECK(put["applications"][0]["name"] == "foreign");
}

TEST_CASE("once an answer names its replica's direct port, later calls go there with the token",
          "[ray_actor_executor]") {
    const std::string name = app_name();
    json deployed = {{"args", {{"token", "s3cret"}}}};
    scripted_transport dashboard;
    dashboard.respond(200, "");                                    // GET package: there
    dashboard.respond(200, serve_state(running(name, deployed)));  // running; args differ
    for (int i = 0; i < 2; ++i) dashboard.respond(200, serve_state(running(name, deployed)));
    dashboard.respond(200, "");                                    // PUT (our command differs)
    dashboard.respond(200, serve_state(running(name, deployed)));  // wait: RUNNING
    std::vector<std::string> urls;
    std::vector<synapse::http_request> direct_requests;
    auto factory = [&](std::string_view url) -> synapse::expected<scripted_transport> {
        urls.emplace_back(url);
        scripted_transport t;
        if (url.empty()) {
            t.respond(200, R"({"result": 1, "replica": {"direct": "http://10.0.0.7:4242"}})");
        } else {
            t.respond(200, R"({"result": 2})");
            t.respond(200, R"({"result": 3})");
        }
        return t;
    };
    synapse::ray_actor_options actor;
    executor exec(std::move(dashboard), factory, plugin_options(), actor);
    for (int expected = 1; expected <= 3; ++expected) {
        auto r = exec.execute("adder_actions.AddAction", {{"a", 1}});
        REQUIRE(r);
        CHECK(*r == expected);
    }
    CHECK(urls == std::vector<std::string>{"", "http://10.0.0.7:4242"});
    const json put = json::parse(exec.dashboard().requests()[4].body);
    const auto token = put["applications"][0]["args"]["token"].get<std::string>();
    CHECK(token.size() == 32);
}
