// Test helper: pipeline_runner over a pipeline service in memory, with test actions.
#pragma once

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
using recording_client = synapse::basic_pipeline_service_client<recording_service>;
using runner_type = synapse::pipeline_runner<recording_client>;

inline synapse::pipeline_run_spec spec(std::vector<std::string> actions, json params) {
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
            std::move(s), recording_client(service),
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
