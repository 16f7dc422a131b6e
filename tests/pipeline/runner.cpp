// pipeline_runner against a pipeline service in memory: the requests it sends, in order, with their
// fields; a failing action; resumption.
#include "runner_fixture.hpp"

TEST_CASE("the runner reports the run, each action and its checkpoints in synapse-sdk's order",
          "[runner]") {
    fixture f;
    {
        auto runner = f.runner(spec({"fetch", "count"}, {{"dataset", 7}}));
        auto result = runner.run();
        REQUIRE(result);
        CHECK(*result == json{{"total", 40}});
    }
    std::vector<std::string> order;
    for (const auto& r : f.service.requests()) {
        if (r.target.ends_with("/logs/")) continue;  // batched on the side
        std::string what = r.method + " " + r.target.substr(r.target.rfind("/r1") + 3);
        if (r.body.contains("action_progress"))
            what += " " + r.body["action_progress"]["name"].get<std::string>() + ":" +
                    r.body["action_progress"]["status"].get<std::string>();
        if (r.body.contains("status") && !r.body.contains("action_progress") &&
            !r.target.ends_with("/checkpoints/"))
            what += " run:" + r.body["status"].get<std::string>();
        if (r.target.ends_with("/checkpoints/"))
            what += " " + r.body["action_name"].get<std::string>();
        if (order.empty() || order.back() != what) order.push_back(what);
    }
    CHECK(order == std::vector<std::string>{
                       "POST /progress run:running",
                       "POST /progress fetch:running",
                       "POST /progress fetch:completed",
                       "POST /checkpoints/ fetch",
                       "POST /progress count:running",
                       "POST /progress count:completed",
                       "POST /checkpoints/ count",
                       "PATCH  run:completed",
                   });

    const auto progress = f.of("progress");
    // The action's start names it, with its index and started_at; later posts keep started_at.
    const auto& start = progress[1].body;
    CHECK(start["current_action"] == "fetch");
    CHECK(start["current_action_index"] == 0);
    const std::string started_at = start["action_progress"]["started_at"];
    CHECK(synapse::pipeline_service::parse_timestamp(started_at));
    bool saw_fraction = false;
    for (const auto& p : progress) {
        if (!p.body.contains("action_progress") || p.body["action_progress"]["name"] != "fetch")
            continue;
        CHECK(p.body["action_progress"]["started_at"] == started_at);
        // Fractions of one action may be superseded by the next; the last one is always sent.
        if (p.body["action_progress"]["message"] == "2/2" &&
            p.body["action_progress"]["status"] == "running") {
            saw_fraction = true;
            CHECK(p.body["action_progress"]["progress"] == 1.0);
            CHECK(p.body["action_progress"]["progress_step"] == "fetch");
        }
    }
    CHECK(saw_fraction);
    const auto& done = progress.back().body["action_progress"];
    CHECK(done["name"] == "count");
    CHECK(done["status"] == "completed");
    CHECK(done["progress"] == 1.0);
    CHECK(done["started_at"].is_string());
    CHECK(done["completed_at"].is_string());

    const auto checkpoints = f.of("checkpoint");
    REQUIRE(checkpoints.size() == 2);
    CHECK(checkpoints[0].body["action_index"] == 0);
    CHECK(checkpoints[0].body["status"] == "completed");
    CHECK(checkpoints[0].body["params_snapshot"] ==
          json{{"dataset", 7}, {"dataset_path", "/data/7"}, {"rows", 40}});
    CHECK(checkpoints[0].body["result"] == json{{"dataset_path", "/data/7"}, {"rows", 40}});
    CHECK(checkpoints[1].body["action_index"] == 1);

    const auto patch = f.of("run");
    REQUIRE(patch.size() == 1);
    CHECK(patch[0].body == json{{"status", "completed"}, {"result", {{"total", 40}}}});

    // The actions' logs reach the service, with their action's name.
    std::vector<std::string> messages;
    for (const auto& l : f.of("log"))
        for (const auto& e : l.body["entries"])
            messages.push_back(e["action_name"].get<std::string>() + ": " +
                               e["message"].get<std::string>());
    CHECK(messages == std::vector<std::string>{
                          "fetch: Starting action: fetch", "fetch: INFO: fetching {'dataset': 7}",
                          "fetch: Completed action: fetch", "count: Starting action: count",
                          "count: Completed action: count"});
}

TEST_CASE("a failing action marks itself and the run failed, after the checkpoints before it",
          "[runner]") {
    fixture f;
    {
        auto runner = f.runner(spec({"fetch", "count"}, {{"dataset", 7}, {"factor", 0}}));
        auto result = runner.run();
        REQUIRE_FALSE(result);
        CHECK(result.error().code == synapse::errc::validation_failed);
    }
    CHECK(f.of("checkpoint").size() == 1);
    const auto progress = f.of("progress");
    const auto& failed = progress.back().body;
    CHECK(failed["current_action_index"] == 1);
    CHECK(failed["action_progress"]["status"] == "failed");
    CHECK(failed["action_progress"]["started_at"].is_string());
    CHECK(failed["action_progress"]["error"].get<std::string>().find("factor") !=
          std::string::npos);
    const auto patch = f.of("run");
    REQUIRE(patch.size() == 1);
    CHECK(patch[0].body["status"] == "failed");
    CHECK(patch[0].body["error"].get<std::string>().starts_with(
        "validation_failed: invalid params for action 'count'"));
}

TEST_CASE("a resumed run reports the actions before its checkpoint skipped", "[runner]") {
    fixture f;
    auto s = spec({"fetch", "count"}, {{"dataset_path", "/data/7"}, {"rows", 40}, {"factor", 2}});
    s.resume_after = 0;
    {
        auto runner = f.runner(std::move(s));
        auto result = runner.run();
        REQUIRE(result);
        CHECK(*result == json{{"total", 80}});
    }
    const auto progress = f.of("progress");
    REQUIRE(progress.size() >= 3);
    CHECK(progress[1].body["current_action"] == "fetch");
    CHECK(progress[1].body["action_progress"]["status"] == "skipped");
    CHECK(progress[1].body["action_progress"]["progress"] == 1.0);
    CHECK(f.of("checkpoint").size() == 1);  // count's only
}
