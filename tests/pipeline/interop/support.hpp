// Test helper of the interop tests: a client of the real service that
// tests/pipeline/run_service.py started (SYNAPSE_PIPELINE_SERVICE_URL), a recorder of a run's
// progress stream, and a two-action pipeline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <synapse/pipeline/service_client.hpp>

namespace interop {

namespace ps = synapse::pipeline_service;
using synapse::errc;

inline synapse::pipeline_service_client connect() {
    auto client = synapse::pipeline_service_client::create(
        synapse::pipeline_service_options(std::getenv("SYNAPSE_PIPELINE_SERVICE_URL")));
    REQUIRE(client);
    return std::move(*client);
}

/// Follows a run's progress stream on its own thread (with its own connection) and records
/// every state, so the test can wait for conditions on what arrived.
class stream_recorder {
  public:
    explicit stream_recorder(std::string run_id) {
        thread_ = std::jthread([this, run_id](std::stop_token stop) {
            auto client = connect_quietly();
            synapse::expected<void> outcome =
                client ? client->stream_progress(
                             run_id,
                             [this](const ps::pipeline_progress& p) {
                                 std::lock_guard lock(m_);
                                 states_.push_back(p);
                                 cv_.notify_all();
                                 return true;
                             },
                             stop)
                       : synapse::expected<void>(synapse::fail(client.error()));
            std::lock_guard lock(m_);
            outcome_ = std::move(outcome);
            cv_.notify_all();
        });
    }

    /// Waits (up to a minute) until `pred(states)` holds or the stream ended; true if it holds.
    template <class Pred>
    bool wait_for(Pred pred) {
        std::unique_lock lock(m_);
        return cv_.wait_for(lock, std::chrono::minutes(1), [&] {
            return pred(states_) || outcome_.has_value();
        }) && pred(states_);
    }
    /// Waits for the end of the stream and returns how it ended.
    synapse::expected<void> finish() {
        std::unique_lock lock(m_);
        if (!cv_.wait_for(lock, std::chrono::minutes(1), [&] { return outcome_.has_value(); })) {
            return synapse::fail(errc::timeout, "the progress stream did not end");
        }
        return *outcome_;
    }
    /// How the stream ended, for failure messages ("still open" while it runs).
    std::string outcome_text() {
        std::lock_guard lock(m_);
        if (!outcome_) return "still open";
        return *outcome_ ? "ended normally" : synapse::to_string(outcome_->error());
    }
    std::vector<ps::pipeline_progress> states() {
        std::lock_guard lock(m_);
        return states_;
    }

  private:
    static synapse::expected<synapse::pipeline_service_client> connect_quietly() {
        return synapse::pipeline_service_client::create(
            synapse::pipeline_service_options(std::getenv("SYNAPSE_PIPELINE_SERVICE_URL")));
    }

    std::mutex m_;
    std::condition_variable cv_;
    std::vector<ps::pipeline_progress> states_;
    std::optional<synapse::expected<void>> outcome_;
    std::jthread thread_;  // last: joined before the members it uses are destroyed
};

/// The error of `e`, for failure messages ("" when it holds a value).
template <class E>
std::string why(const E& e) {
    return e ? std::string() : synapse::to_string(e.error());
}

inline ps::pipeline create_two_action_pipeline(synapse::pipeline_service_client& c) {
    auto p = c.create_pipeline({.name = "interop",
                                .description = "download then train",
                                .actions = {{.name = "download", .entrypoint = "plugin.Download"},
                                            {.name = "train", .entrypoint = "plugin.Train"}}});
    REQUIRE(p);
    return *p;
}

}  // namespace interop
