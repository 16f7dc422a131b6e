// The pipeline runner's writes to the service, in order, on a thread of their own: an action
// never waits for progress or logs to be sent, a service that is briefly unreachable is retried
// (what waits meanwhile is bounded: superseded progress and old logs give way first), and the
// writes that matter (checkpoints, the run's end) are waited for and say when they failed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "synapse/core/clock.hpp"
#include "synapse/core/detail/poll.hpp"
#include "synapse/core/expected.hpp"
#include "synapse/pipeline/models.hpp"

namespace synapse::pipeline_service::detail {

struct writer_options {
    /// How long one write is retried while the service cannot be reached (or answers 5xx).
    std::chrono::milliseconds retry_for{60000};
    /// Writes that may wait at once; beyond it superseded progress, then old logs, are dropped.
    std::size_t max_queued = 10000;
    /// Log entries sent in one request at most.
    std::size_t log_batch = 200;
    std::shared_ptr<const synapse::clock> clock = system_clock_ptr();
    /// Where the writer says what it dropped or could not write (never a secret).
    std::function<void(std::string_view)> warn = [](std::string_view) {};
};

/// True for a failure worth trying again: no answer, or the service's 5xx.
inline bool transient(const error& e) {
    return e.code == errc::transport_error || e.code == errc::timeout ||
           (e.http_status && *e.http_status >= 500);
}

/// `Client` is a basic_pipeline_service_client; the writer's thread is its only user.
template <class Client>
class service_writer {
  public:
    service_writer(Client client, std::string run_id, writer_options options = {})
        : client_(std::move(client)), run_id_(std::move(run_id)), options_(std::move(options)) {
        try {
            thread_ = std::thread([this] { loop(); });
        } catch (...) {
            synchronous_ = true;  // no thread to be had: every write is made on the caller's
        }
    }
    service_writer(const service_writer&) = delete;
    service_writer& operator=(const service_writer&) = delete;

    /// Sends what is queued (each write retried as usual), then stops.
    ~service_writer() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    /// A progress post; `supersedable` when a later one for the same action replaces it (a
    /// fraction while the action runs), so it may be skipped when the service is slow.
    void progress(progress_update update, bool supersedable) {
        task t{task::progress_post};
        t.supersedable = supersedable;
        t.progress = std::move(update);
        push(std::move(t));
    }

    /// A log entry (sent in batches).
    void log(log_entry_create entry) {
        task t{task::log_post};
        t.logs.push_back(std::move(entry));
        push(std::move(t));
    }

    /// A checkpoint, after every write queued before it; waits for the answer.
    [[nodiscard]] expected<void> checkpoint(checkpoint_create c) {
        task t{task::checkpoint_post};
        t.checkpoint = std::move(c);
        return push_and_wait(std::move(t));
    }

    /// The run's PATCH (its end), after every write queued before it; waits for the answer.
    [[nodiscard]] expected<void> update_run(run_update u) {
        task t{task::run_patch};
        t.run = std::move(u);
        return push_and_wait(std::move(t));
    }

    /// Writes dropped because too many were waiting, or failed after their retries.
    std::size_t dropped() const {
        std::lock_guard lock(mutex_);
        return dropped_;
    }

  private:
    struct task {
        enum kind_t { progress_post, log_post, checkpoint_post, run_patch } kind;
        bool supersedable = false;
        progress_update progress{};
        std::vector<log_entry_create> logs{};
        checkpoint_create checkpoint{};
        run_update run{};
        std::shared_ptr<std::promise<expected<void>>> done{};
    };

    void push(task t) {
        if (synchronous_) {
            (void)send_with_retry(t);
            return;
        }
        {
            std::lock_guard lock(mutex_);
            if (queue_.size() >= options_.max_queued) make_room();
            queue_.push_back(std::move(t));
        }
        wake_.notify_one();
    }

    expected<void> push_and_wait(task t) {
        if (synchronous_) return send_with_retry(t);
        t.done = std::make_shared<std::promise<expected<void>>>();
        auto answer = t.done->get_future();
        push(std::move(t));
        return answer.get();
    }

    /// Drops the oldest superseded progress post, else the oldest log batch (lock held).
    void make_room() {
        for (bool logs : {false, true}) {
            for (auto it = queue_.begin(); it != queue_.end(); ++it) {
                if (logs ? it->kind == task::log_post : it->supersedable) {
                    dropped_ += logs ? it->logs.size() : 1;
                    queue_.erase(it);
                    return;
                }
            }
        }
    }

    void loop() {
        for (;;) {
            task t{task::progress_post};
            {
                std::unique_lock lock(mutex_);
                wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;
                t = std::move(queue_.front());
                queue_.pop_front();
                if (t.kind == task::progress_post && t.supersedable && !queue_.empty() &&
                    queue_.front().kind == task::progress_post && queue_.front().supersedable &&
                    queue_.front().progress.current_action_index == t.progress.current_action_index)
                    continue;  // a newer fraction of the same action follows
                while (t.kind == task::log_post && !queue_.empty() &&
                       queue_.front().kind == task::log_post &&
                       t.logs.size() < options_.log_batch) {
                    for (auto& e : queue_.front().logs) t.logs.push_back(std::move(e));
                    queue_.pop_front();
                }
            }
            auto sent = send_with_retry(t);
            if (t.done) {
                t.done->set_value(std::move(sent));
            } else if (!sent) {
                {
                    std::lock_guard lock(mutex_);
                    dropped_ += t.kind == task::log_post ? t.logs.size() : 1;
                }
                options_.warn("could not write to the pipeline service: " + sent.error().message);
            }
        }
    }

    expected<void> send(task& t) {
        switch (t.kind) {
            case task::progress_post: {
                auto r = client_.report_progress(run_id_, t.progress);
                if (!r) return fail(std::move(r).error());
                return {};
            }
            case task::log_post: {
                auto r = client_.append_logs(run_id_, t.logs);
                if (!r) return fail(std::move(r).error());
                return {};
            }
            case task::checkpoint_post: {
                auto r = client_.create_checkpoint(run_id_, t.checkpoint);
                if (!r) return fail(std::move(r).error());
                return {};
            }
            case task::run_patch: {
                auto r = client_.update_run(run_id_, t.run);
                if (!r) return fail(std::move(r).error());
                return {};
            }
        }
        return {};
    }

    expected<void> send_with_retry(task& t) {
        expected<void> sent;
        synapse::detail::backoff intervals(std::chrono::milliseconds(200), std::chrono::seconds(2));
        (void)synapse::detail::poll_until(*options_.clock, {}, options_.retry_for, intervals, [&] {
            sent = send(t);
            return sent || !transient(sent.error());
        });
        return sent;
    }

    Client client_;
    std::string run_id_;
    writer_options options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<task> queue_;
    std::size_t dropped_ = 0;
    bool stopping_ = false;
    bool synchronous_ = false;
    std::thread thread_;
};

}  // namespace synapse::pipeline_service::detail
