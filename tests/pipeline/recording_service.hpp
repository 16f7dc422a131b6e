// Test helper: a pipeline service in memory, as a Transport. It answers the runner's writes
// (progress, logs, checkpoints, the run's PATCH) with well-formed bodies, records each request
// (method, path, JSON body) in order, and can fail chosen requests as an unreachable service
// would. Thread-safe: the runner writes from a thread of its own.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <synapse/pipeline/service_client.hpp>

namespace test_support {

class recording_service {
  public:
    using transport_concept = synapse::transport_tag;

    struct request {
        std::string method, target;
        synapse::json body;
    };

    recording_service() : state_(std::make_shared<state>()) {}

    /// Requests numbered from 1; `down(n)` fails those with a transport error until it says no.
    void down(std::function<bool(std::size_t n, const request&)> failing) {
        std::lock_guard lock(state_->mutex);
        state_->failing = std::move(failing);
    }

    /// Every request answered (not the failed ones), in order.
    std::vector<request> requests() const {
        std::lock_guard lock(state_->mutex);
        return state_->answered;
    }
    std::size_t failed() const {
        std::lock_guard lock(state_->mutex);
        return state_->failed_count;
    }

    [[nodiscard]] synapse::expected<synapse::http_response> send(const synapse::http_request& r) {
        request seen{r.method, r.target,
                     synapse::json::parse(r.body.empty() ? "null" : r.body, nullptr, false)};
        std::lock_guard lock(state_->mutex);
        ++state_->count;
        if (state_->failing && state_->failing(state_->count, seen)) {
            ++state_->failed_count;
            return synapse::fail(synapse::errc::transport_error, "the service is down (scripted)");
        }
        state_->answered.push_back(seen);
        synapse::http_response out;
        out.status = 200;
        out.headers.emplace_back("Content-Type", "application/json");
        if (r.target.ends_with("/checkpoints/")) {
            out.status = 201;
            out.body = R"({"id": "c", "run_id": "r1", "action_name": "a", "action_index": 0,
              "status": "completed", "params_snapshot": {}, "result": {}, "artifacts_path": null,
              "created_at": "2026-11-22T01:40:43.915228"})";
        } else if (r.target.ends_with("/logs/")) {
            out.status = 201;
            out.body = "[]";
        } else {
            out.body = R"({"id": "r1", "pipeline_id": "p1", "status": "running", "params": null,
              "current_action": null, "current_action_index": 0, "progress": [], "result": null,
              "error": null, "work_dir": null, "started_at": null, "completed_at": null,
              "created_at": "2026-11-22T01:40:43.915228"})";
        }
        return out;
    }
    [[nodiscard]] synapse::expected<synapse::http_response> stream(
        const synapse::http_request& r, const synapse::chunk_handler& on_chunk) {
        auto out = send(r);
        if (out && out->status < 400) {
            on_chunk(out->body);
            out->body.clear();
        }
        return out;
    }

  private:
    struct state {
        mutable std::mutex mutex;
        std::size_t count = 0, failed_count = 0;
        std::function<bool(std::size_t, const request&)> failing;
        std::vector<request> answered;
    };
    std::shared_ptr<state> state_;
};

}  // namespace test_support
