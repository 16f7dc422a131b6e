#include <synapse/ray/serve_config.hpp>
#include <synapse/testing/manual_clock.hpp>
#include <synapse/testing/scripted_transport.hpp>

#include <catch2/catch.hpp>

using synapse::json;
using synapse::testing::scripted_transport;

namespace {

/// A GET answer with declarative apps `names` deployed at `time`, and one imperative app.
std::string live_state(std::vector<std::string> names, double time, bool running = true) {
    json apps = json::object();
    for (const auto& n : names)
        apps[n] = {{"name", n},
                   {"status", "RUNNING"},
                   {"message", ""},
                   {"route_prefix", "/" + n},
                   {"source", "declarative"},
                   {"last_deployed_time_s", time},
                   {"deployed_app_config", {{"name", n}, {"import_path", n + ":app"}}},
                   {"deployments",
                    {{"D",
                      {{"status", "HEALTHY"},
                       {"message", ""},
                       {"replicas", json::array({{{"replica_id", "r1"},
                                                  {"state", "RUNNING"},
                                                  {"pid", 4242},
                                                  {"actor_id", "a1"}}})}}}}}};
    apps["by_hand"] = {{"name", "by_hand"},
                       {"status", "RUNNING"},
                       {"source", "imperative"},
                       {"last_deployed_time_s", time},
                       {"deployed_app_config", nullptr},
                       {"deployments", json::object()}};
    return synapse::dump(
        json{{"controller_info", running ? json{{"node_id", "n"}} : json::object()},
             {"http_options", {{"host", "127.0.0.1"}, {"port", 8123}, {"root_path", ""}}},
             {"proxy_location", "HeadOnly"},
             {"target_capacity", nullptr},
             {"applications", running ? apps : json::object()}});
}

}  // namespace

TEST_CASE("Serve's state reads every application with its deployments and replicas",
          "[serve_api]") {
    scripted_transport t;
    t.respond(200, live_state({"shop"}, 1.5));
    synapse::basic_serve_api api(std::move(t));
    auto s = api.get();
    REQUIRE(s);
    CHECK(s->running);
    CHECK(s->http_port() == 8123);
    REQUIRE(s->applications.size() == 2);
    const auto& shop = s->applications.at("shop");
    CHECK(shop.source == "declarative");
    CHECK(shop.last_deployed_time_s == 1.5);
    REQUIRE(shop.deployments.size() == 1);
    REQUIRE(shop.deployments[0].replicas.size() == 1);
    CHECK(shop.deployments[0].replicas[0].pid == 4242);
    CHECK(api.transport().requests()[0].target == "/api/serve/applications/");
}

TEST_CASE("a Serve answer without applications is a malformed response", "[serve_api]") {
    scripted_transport t;
    t.respond(200, R"({"controller_info": {}})");
    synapse::basic_serve_api api(std::move(t));
    auto s = api.get();
    REQUIRE_FALSE(s);
    CHECK(s.error().code == synapse::errc::malformed_response);
    CHECK(s.error().message.find("\"applications\"") != std::string::npos);
}

TEST_CASE("a cluster without ray[serve] answers 501, quoted in the error", "[serve_api]") {
    scripted_transport t;
    t.respond(501, "Serve dependencies are not installed");
    synapse::basic_serve_api api(std::move(t));
    auto s = api.get();
    REQUIRE_FALSE(s);
    CHECK(s.error().http_status == 501);
    CHECK(s.error().message.find("Serve dependencies are not installed") != std::string::npos);
}

TEST_CASE("adding an application keeps every other declarative one and Serve's proxy",
          "[serve_config]") {
    scripted_transport t;
    t.respond(200, live_state({"shop", "search"}, 2.0));
    synapse::basic_serve_api api(std::move(t));
    auto live = api.get();
    REQUIRE(live);
    auto config = synapse::serve_config_with(*live, {{"name", "mine"}, {"import_path", "m:app"}},
                                             {{"host", "0.0.0.0"}});
    std::vector<std::string> names;
    for (const auto& a : config["applications"]) names.push_back(a["name"]);
    CHECK(names == std::vector<std::string>{"search", "shop", "mine"});  // imperative left alone
    CHECK(config["applications"][1]["import_path"] == "shop:app");
    CHECK(config["http_options"] == json{{"host", "127.0.0.1"}, {"port", 8123}, {"root_path", ""}});
    CHECK(config["proxy_location"] == "HeadOnly");
    CHECK_FALSE(config.contains("target_capacity"));
}

TEST_CASE("a Serve that is not running yet starts with the given proxy settings",
          "[serve_config]") {
    scripted_transport t;
    t.respond(200, live_state({}, 0, false));
    synapse::basic_serve_api api(std::move(t));
    auto live = api.get();
    REQUIRE(live);
    CHECK_FALSE(live->running);
    auto config = synapse::serve_config_with(*live, {{"name", "mine"}},
                                             {{"host", "127.0.0.1"}, {"port", 8000}});
    CHECK(config["http_options"] == json{{"host", "127.0.0.1"}, {"port", 8000}});
    CHECK(config["applications"].size() == 1);
}

TEST_CASE("replacing an application of the same name keeps one copy of it", "[serve_config]") {
    scripted_transport t;
    t.respond(200, live_state({"mine", "shop"}, 2.0));
    synapse::basic_serve_api api(std::move(t));
    auto live = api.get();
    REQUIRE(live);
    auto config = synapse::serve_config_with(*live, {{"name", "mine"}, {"import_path", "new:app"}});
    REQUIRE(config["applications"].size() == 2);
    CHECK(config["applications"][1] == json{{"name", "mine"}, {"import_path", "new:app"}});
}

TEST_CASE("removing an application keeps the others", "[serve_config]") {
    scripted_transport t;
    t.respond(200, live_state({"mine", "shop"}, 2.0));
    synapse::basic_serve_api api(std::move(t));
    auto live = api.get();
    REQUIRE(live);
    auto config = synapse::serve_config_without(*live, "mine");
    REQUIRE(config["applications"].size() == 1);
    CHECK(config["applications"][0]["name"] == "shop");
}

TEST_CASE("a change made by someone else meanwhile is seen and the change starts over",
          "[serve_config]") {
    scripted_transport t;
    t.respond(200, live_state({"shop"}, 1.0));
    t.respond(200, live_state({"shop", "other"}, 2.0));  // someone deployed "other" meanwhile
    t.respond(200, live_state({"shop", "other"}, 2.0));
    t.respond(200, live_state({"shop", "other"}, 2.0));
    t.respond(200, "");
    synapse::basic_serve_api api(std::move(t));
    int builds = 0;
    auto changed = synapse::apply_serve_change(api, [&](const synapse::serve_instance& live) {
        ++builds;
        return synapse::serve_config_with(live, {{"name", "mine"}});
    });
    REQUIRE(changed);
    CHECK(builds == 2);
    const auto& requests = api.transport().requests();
    REQUIRE(requests.size() == 5);
    CHECK(requests[4].method == "PUT");
    auto body = json::parse(requests[4].body);
    CHECK(body["applications"].size() == 3);  // shop, other (kept) and mine
}

TEST_CASE("a state that never settles ends the change with a timeout naming the attempts",
          "[serve_config]") {
    scripted_transport t;
    for (int i = 0; i < 6; ++i) t.respond(200, live_state({"shop"}, static_cast<double>(i)));
    synapse::basic_serve_api api(std::move(t));
    auto changed = synapse::apply_serve_change(
        api,
        [](const synapse::serve_instance& live) {
            return synapse::serve_config_without(live, "x");
        },
        3);
    REQUIRE_FALSE(changed);
    CHECK(changed.error().code == synapse::errc::timeout);
    CHECK(changed.error().message.find("3 attempts") != std::string::npos);
}

TEST_CASE("Serve's refusal of a config is the change's error", "[serve_config]") {
    scripted_transport t;
    t.respond(200, live_state({}, 1.0));
    t.respond(200, live_state({}, 1.0));
    t.respond(400, "ValidationError: route_prefix must start with /");
    synapse::basic_serve_api api(std::move(t));
    auto changed = synapse::apply_serve_change(api, [](const synapse::serve_instance& live) {
        return synapse::serve_config_with(live, {{"name", "x"}});
    });
    REQUIRE_FALSE(changed);
    CHECK(changed.error().http_status == 400);
    CHECK(changed.error().message.find("route_prefix must start with /") != std::string::npos);
}

TEST_CASE("waiting for an application ends at RUNNING, seeing each status on the way",
          "[serve_config]") {
    auto deploying = json::parse(live_state({"mine"}, 1.0));
    deploying["applications"]["mine"]["status"] = "DEPLOYING";
    scripted_transport t;
    t.respond(200, synapse::dump(deploying));
    t.respond(200, live_state({"mine"}, 1.0));
    synapse::basic_serve_api api(std::move(t));
    std::vector<std::string> seen;
    auto clock = std::make_shared<synapse::testing::manual_clock>();
    auto app = synapse::wait_for_application(
        api, "mine", std::chrono::minutes(1), {},
        [&](const synapse::serve_application& a) { seen.push_back(a.status); }, clock);
    REQUIRE(app);
    CHECK(app->status == "RUNNING");
    CHECK(seen == std::vector<std::string>{"DEPLOYING", "RUNNING"});
}

TEST_CASE("a failed deploy is an error with Serve's messages", "[serve_config]") {
    auto failed = json::parse(live_state({"mine"}, 1.0));
    failed["applications"]["mine"]["status"] = "DEPLOY_FAILED";
    failed["applications"]["mine"]["message"] = "replica failed to start";
    failed["applications"]["mine"]["deployments"]["D"]["message"] =
        "RuntimeError: the worker exited";
    scripted_transport t;
    t.respond(200, synapse::dump(failed));
    synapse::basic_serve_api api(std::move(t));
    auto app = synapse::wait_for_application(api, "mine", std::chrono::minutes(1));
    REQUIRE_FALSE(app);
    CHECK(app.error().code == synapse::errc::job_failed);
    CHECK(app.error().message ==
          "Serve application 'mine' is DEPLOY_FAILED: replica failed to start\n"
          "D: RuntimeError: the worker exited");
}

TEST_CASE("an application that never runs times out naming its last status", "[serve_config]") {
    auto deploying = json::parse(live_state({"mine"}, 1.0));
    deploying["applications"]["mine"]["status"] = "DEPLOYING";
    scripted_transport t;
    for (int i = 0; i < 100; ++i) t.respond(200, synapse::dump(deploying));
    synapse::basic_serve_api api(std::move(t));
    auto clock = std::make_shared<synapse::testing::manual_clock>();
    auto app = synapse::wait_for_application(
        api, "mine", std::chrono::seconds(5), {}, [](const synapse::serve_application&) {}, clock);
    REQUIRE_FALSE(app);
    CHECK(app.error().code == synapse::errc::timeout);
    CHECK(app.error().message.find("last status: DEPLOYING") != std::string::npos);
}
