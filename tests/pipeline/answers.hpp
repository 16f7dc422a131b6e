// Test helper: the pipeline service's answers as dev-api writes them, SSE frames, and the client
// over a scripted transport.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <synapse/pipeline/service_client.hpp>
#include <synapse/testing/scripted_transport.hpp>

namespace test_answers {

using client_type = synapse::basic_pipeline_service_client<synapse::testing::scripted_transport>;

inline const char* pipeline_answer = R"({"name": "train", "description": null,
  "actions": [{"name": "download", "entrypoint": "m.Download", "description": null}],
  "id": "p1", "created_at": "2026-11-22T01:40:43.915228", "updated_at": "2026-11-22T01:40:43.915239"})";

inline std::string run_answer(std::string_view status = "pending") {
    return R"({"id": "r1", "pipeline_id": "p1", "status": ")" + std::string(status) +
           R"(", "params": null, "current_action": null, "current_action_index": 0,
  "progress": [{"name": "download", "status": "pending", "progress": 0.0, "progress_step": null,
    "message": null, "metrics": {}, "started_at": null, "completed_at": null, "error": null}],
  "result": null, "error": null, "work_dir": null, "started_at": null, "completed_at": null,
  "created_at": "2026-11-22T01:40:43.915228"})";
}

inline const char* checkpoint_answer = R"({"id": "c1", "run_id": "r1", "action_name": "download",
  "action_index": 0, "status": "completed", "params_snapshot": {"dataset": 7}, "result": null,
  "artifacts_path": null, "created_at": "2026-11-22T01:40:43.915228"})";

inline const char* log_answer = R"({"id": "l1", "run_id": "r1", "action_name": "download",
  "level": "info", "message": "hello", "timestamp": "2026-11-22T01:40:43.915228"})";

/// One SSE frame of the progress stream with this event name, run status and progress.
inline std::string progress_frame(std::string_view event, std::string_view status, double progress,
                                  std::string_view id = {}) {
    std::string frame;
    if (!id.empty()) frame += "id: " + std::string(id) + "\n";
    frame += "event: " + std::string(event) + "\n";
    frame += R"(data: {"run_id": "r1", "pipeline_id": "p1", "status": ")" + std::string(status) +
             R"(", "current_action": "download", "current_action_index": 0, "progress": )"
             R"([{"name": "download", "status": "running", "progress": )" +
             std::to_string(progress) +
             R"(}], "error": null, "started_at": "2026-11-22T01:40:43.915228", )"
             R"("completed_at": null})"
             "\n\n";
    return frame;
}

/// The value of header `name` of a recorded request ("" when absent).
inline std::string header(const synapse::http_request& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

/// Reconnects at once, at most twice in a row.
inline const synapse::progress_stream_options fast{.max_reconnects = 2,
                                                   .reconnect_delay = std::chrono::milliseconds(0)};

}  // namespace test_answers
