// A Transport for tests that plays a Ray dashboard's Jobs API in memory: jobs are created by
// POST /api/jobs/, run for a set number of status reads, then end with a set status and log.
// Code built on the Jobs API (executors, batch tools) can be tested without a cluster, and with
// fail_nth around it, at every failure point.
//
//     synapse::testing::fake_jobs_transport ray;
//     ray.state().running_reads = 2;                       // RUNNING twice, then SUCCEEDED
//     ray.state().log = "hello\n__SYNAPSE_RESULT_START__\n{\"x\":1}\n__SYNAPSE_RESULT_END__\n";
//     synapse::basic_ray_jobs_executor exec(ray, options);  // copies share the state
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/json.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse::testing {

class fake_jobs_transport {
  public:
    using transport_concept = transport_tag;

    struct job {
        json submission;              ///< the POST body as received
        std::string status;           ///< the current status
        int reads = 0;                ///< GET /api/jobs/{id} answered so far
        std::int64_t start_time = 0;  ///< unix ms
    };

    /// What the fake cluster does, and what it saw. Shared by copies of the transport.
    struct cluster_state {
        int running_reads = 1;  ///< status reads answered RUNNING before the end
        int pending_reads = 0;  ///< ... answered PENDING before those
        std::string final_status = "SUCCEEDED";
        std::optional<int> exit_code;          ///< driver_exit_code at the end
        std::string error_type;                ///< error_type at the end (empty: null)
        std::string log;                       ///< the whole driver log
        std::size_t chunk_size = 7;            ///< streamed bodies come in pieces this big
        std::int64_t start_time = 0;           ///< start_time of new jobs (0: now)
        bool lose_next_submit_answer = false;  ///< create the job, then fail the answer
        std::map<std::string, job, std::less<>> jobs;
        int submissions = 0;  ///< POST /api/jobs/ received
        int stops = 0;        ///< POST .../stop received
    };

    fake_jobs_transport() : state_(std::make_shared<cluster_state>()) {}

    cluster_state& state() noexcept { return *state_; }

    [[nodiscard]] expected<http_response> send(const http_request& request) {
        return answer(request);
    }

    [[nodiscard]] expected<http_response> stream(const http_request& request,
                                                 const chunk_handler& on_chunk) {
        auto r = answer(request);
        if (!r || r->status >= 400) return r;
        const std::string body = std::move(r->body);
        r->body.clear();
        const std::size_t step = std::max<std::size_t>(state_->chunk_size, 1);
        for (std::size_t at = 0; at < body.size(); at += step)
            if (!on_chunk(std::string_view(body).substr(at, step))) break;
        return r;
    }

  private:
    static http_response reply(int status, std::string body) {
        http_response r;
        r.status = status;
        r.headers.emplace_back("Content-Type",
                               status < 400 ? "application/json" : "text/plain; charset=utf-8");
        r.body = std::move(body);
        return r;
    }

    json describe(const std::string& id, const job& j) const {
        json d = {{"type", "SUBMISSION"},
                  {"job_id", nullptr},
                  {"submission_id", id},
                  {"status", j.status},
                  {"entrypoint", j.submission.value("entrypoint", "")},
                  {"message", "Job " + j.status},
                  {"error_type", nullptr},
                  {"start_time", j.start_time},
                  {"end_time", nullptr},
                  {"metadata", j.submission.value("metadata", json::object())},
                  {"driver_exit_code", nullptr}};
        if (j.status == "SUCCEEDED" || j.status == "FAILED" || j.status == "STOPPED") {
            d["end_time"] = j.start_time + 1000;
            if (state_->exit_code) d["driver_exit_code"] = *state_->exit_code;
            if (!state_->error_type.empty()) d["error_type"] = state_->error_type;
        }
        return d;
    }

    expected<http_response> answer(const http_request& request) {
        cluster_state& s = *state_;
        const std::string_view target = request.target;
        if (request.method == "POST" && target == "/api/jobs/") {
            ++s.submissions;
            json body = json::parse(request.body, nullptr, false);
            if (!body.is_object()) return reply(400, "the body is not a JSON object");
            const auto sid = body.find("submission_id");
            const std::string id = sid != body.end() && sid->is_string()
                                       ? sid->get<std::string>()
                                       : std::string("raysubmit_fake");
            if (s.jobs.contains(id))
                return reply(500, "Job with submission_id " + id +
                                      " already exists. Please use a different submission_id.");
            job j{body, s.pending_reads > 0 ? "PENDING" : "RUNNING", 0, s.start_time};
            if (j.start_time == 0)
                j.start_time = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
            s.jobs.emplace(id, std::move(j));
            if (s.lose_next_submit_answer) {
                s.lose_next_submit_answer = false;
                return fail(errc::transport_error, "the connection was reset (answer lost)");
            }
            return reply(200, synapse::dump(json{{"submission_id", id}}));
        }
        if (target.starts_with("/api/packages/gcs/"))
            return request.method == "PUT" ? reply(200, "") : reply(404, "not found");
        if (!target.starts_with("/api/jobs/")) return reply(404, "no such route");
        std::string_view rest = target.substr(10);
        const std::string_view id = rest.substr(0, rest.find('/'));
        const std::string_view tail = rest.substr(id.size());
        auto it = s.jobs.find(id);
        if (it == s.jobs.end()) return reply(404, "Job " + std::string(id) + " does not exist");
        job& j = it->second;
        if (request.method == "GET" && tail.empty()) {
            const bool terminal =
                j.status == "SUCCEEDED" || j.status == "FAILED" || j.status == "STOPPED";
            if (!terminal) {
                ++j.reads;
                if (j.reads > s.pending_reads + s.running_reads)
                    j.status = s.final_status;
                else if (j.reads > s.pending_reads)
                    j.status = "RUNNING";
            }
            return reply(200, synapse::dump(describe(std::string(id), j)));
        }
        if (request.method == "GET" && tail == "/logs")
            return reply(200, synapse::dump(json{{"logs", s.log}}));
        if (request.method == "POST" && tail == "/stop") {
            ++s.stops;
            const bool was_running = j.status == "PENDING" || j.status == "RUNNING";
            if (was_running) j.status = "STOPPED";
            return reply(200, synapse::dump(json{{"stopped", was_running}}));
        }
        if (request.method == "DELETE" && tail.empty()) {
            s.jobs.erase(it);
            return reply(200, synapse::dump(json{{"deleted", true}}));
        }
        return reply(404, "no such route");
    }

    std::shared_ptr<cluster_state> state_;
};

static_assert(check_transport<fake_jobs_transport>());

}  // namespace synapse::testing
