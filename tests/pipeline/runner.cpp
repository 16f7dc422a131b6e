// pipeline_runner against a pipeline service in memory: the requests it sends, in order, with
// their fields; failures, resumption, an unreachable service and cancellation.
#include <synapse/pipeline/runner.hpp>

#include <atomic>
#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <string>
#include <synapse/plugin/plugin.hpp>
#include <synapse/testing/manual_clock.hpp>
#include <thread>
#include <vector>

#include "recording_service.hpp"

using synapse::json;
using test_support::recording_service;

namespace runner_test {

struct fetch_params {
    int dataset = 0;
};
struct fetch_result {
    std::string dataset_path;
    int rows = 0;
};
struct count_params {
    std::string dataset_path;
    int rows = 0;
    int factor = 1;
    static auto constraints() {
        return synapse::constraints(synapse::rule(&count_params::factor, synapse::rules::defaulted,
                                                  synapse::rules::at_least(1)));
    }
};
struct count_result {
    int total = 0;
};
struct wait_params {
    int dataset = 0;
};

/// Set by `wait_for_stop` when it runs, so a test can cancel it then.
inline std::mutex started_mutex;
inline std::condition_variable started_cv;
inline bool started = false;

}  // namespace runner_test

SYNAPSE_REFLECT(runner_test::fetch_params, dataset)
SYNAPSE_REFLECT(runner_test::fetch_result, dataset_path, rows)
SYNAPSE_REFLECT(runner_test::count_params, dataset_path, rows, factor)
SYNAPSE_REFLECT(runner_test::count_result, total)
SYNAPSE_REFLECT(runner_test::wait_params, dataset)

namespace runner_test {

struct fetch {
    static constexpr std::string_view name = "fetch";
    using params_type = fetch_params;
    using result_type = fetch_result;
    synapse::expected<fetch_result> execute(const fetch_params& p, synapse::context& ctx) {
        ctx.log("fetching", {{"dataset", p.dataset}});
        for (int i = 1; i <= 2; ++i)
            if (auto ok = ctx.set_progress(i, 2, "fetch"); !ok) return synapse::fail(ok.error());
        return fetch_result{"/data/" + std::to_string(p.dataset), 40};
    }
};
struct count {
    static constexpr std::string_view name = "count";
    using params_type = count_params;
    using result_type = count_result;
    synapse::expected<count_result> execute(const count_params& p, synapse::context&) {
        return count_result{p.rows * p.factor};
    }
};
struct wait_for_stop {
    static constexpr std::string_view name = "wait_for_stop";
    using params_type = wait_params;
    using result_type = count_result;
    synapse::expected<count_result> execute(const wait_params&, synapse::context& ctx) {
        {
            std::lock_guard lock(started_mutex);
            started = true;
        }
        started_cv.notify_all();
        for (std::int64_t i = 0;; i = (i + 1) % 100)
            if (auto ok = ctx.set_progress(i, 100); !ok) return synapse::fail(ok.error());
    }
};

using test_plugin = synapse::plugin<fetch, count, wait_for_stop>;
using client_type = synapse::basic_pipeline_service_client<recording_service>;
using runner_type = synapse::pipeline_runner<client_type>;

synapse::pipeline_run_spec spec(std::vector<std::string> actions, json params) {
    synapse::pipeline_run_spec s;
    s.run_id = "r1";
    s.pipeline_id = "p1";
    for (auto& a : actions) s.actions.push_back({.name = a, .entrypoint = a});
    s.params = std::move(params);
    return s;
}

struct fixture {
    recording_service service;
    std::shared_ptr<synapse::testing::manual_clock> clock =
        std::make_shared<synapse::testing::manual_clock>();
    std::vector<std::string> printed;
    std::mutex printed_mutex;

    runner_type runner(synapse::pipeline_run_spec s) {
        synapse::pipeline_runner_options o;
        o.print = [this](std::string_view line) {
            std::lock_guard lock(printed_mutex);
            printed.emplace_back(line);
        };
        o.writer.clock = clock;
        o.writer.retry_for = std::chrono::seconds(60);
        return runner_type(
            std::move(s), client_type(service),
            [](std::string_view name, const json& params, synapse::context& ctx) {
                return test_plugin::run(name, params, ctx);
            },
            std::move(o));
    }

    /// The requests of one kind: "progress", "checkpoint", "log", "run".
    std::vector<recording_service::request> of(std::string_view kind) const {
        std::vector<recording_service::request> out;
        for (const auto& r : service.requests()) {
            const bool match = kind == "progress"     ? r.target.ends_with("/progress")
                               : kind == "checkpoint" ? r.target.ends_with("/checkpoints/")
                               : kind == "log"        ? r.target.ends_with("/logs/")
                                                      : r.method == "PATCH";
            if (match) out.push_back(r);
        }
        return out;
    }
};

}  // namespace runner_test

using namespace runner_test;

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

TEST_CASE("an unreachable service delays progress but loses no checkpoint", "[runner]") {
    fixture f;
    // Every request from the 3rd to the 12th fails, as a service down for a while would.
    f.service.down([](std::size_t n, const auto&) { return n >= 3 && n <= 12; });
    {
        auto runner = f.runner(spec({"fetch", "count"}, {{"dataset", 7}}));
        auto result = runner.run();
        REQUIRE(result);
    }
    CHECK(f.service.failed() == 10);
    CHECK(f.of("checkpoint").size() == 2);
    REQUIRE(f.of("run").size() == 1);
    CHECK(f.of("run")[0].body["status"] == "completed");
    CHECK(f.clock->slept() > std::chrono::milliseconds(0));  // the retries waited on the clock
}

TEST_CASE("a checkpoint that cannot be written fails the run; it never reports completed",
          "[runner]") {
    fixture f;
    f.service.down([](std::size_t, const auto& r) { return r.target.ends_with("/checkpoints/"); });
    {
        auto runner = f.runner(spec({"fetch", "count"}, {{"dataset", 7}}));
        auto result = runner.run();
        REQUIRE_FALSE(result);
        CHECK(result.error().code == synapse::errc::transport_error);
        CHECK(result.error().message.starts_with("writing the checkpoint of action 'fetch'"));
    }
    const auto patch = f.of("run");
    REQUIRE(patch.size() == 1);
    CHECK(patch[0].body["status"] == "failed");
    CHECK(f.clock->slept() >= std::chrono::seconds(60));  // retried for retry_for first
}

TEST_CASE("cancel stops the running action and marks it and the run cancelled", "[runner]") {
    fixture f;
    runner_test::started = false;
    auto runner = f.runner(spec({"fetch", "wait_for_stop", "count"}, {{"dataset", 7}}));
    synapse::expected<json> result = synapse::fail(synapse::errc::timeout, "not run");
    std::thread run([&] { result = runner.run(); });
    {
        std::unique_lock lock(runner_test::started_mutex);
        runner_test::started_cv.wait(lock, [] { return runner_test::started; });
    }
    runner.cancel();
    run.join();
    REQUIRE_FALSE(result);
    CHECK(result.error().code == synapse::errc::cancelled);
    const auto progress = f.of("progress");
    bool action_cancelled = false;
    for (const auto& p : progress)
        if (p.body.contains("action_progress") &&
            p.body["action_progress"]["name"] == "wait_for_stop" &&
            p.body["action_progress"]["status"] == "failed") {
            action_cancelled = p.body["action_progress"]["error"] == "cancelled";
            CHECK(p.body["action_progress"]["started_at"].is_string());
        }
    CHECK(action_cancelled);
    const auto patch = f.of("run");
    REQUIRE(patch.size() == 1);
    CHECK(patch[0].body == json{{"status", "cancelled"}});
    CHECK(f.of("checkpoint").size() == 1);  // fetch's; nothing after the cancellation
}
