// SSE fan-out: every committed change of a run's stream object is published here (by the store,
// in revision order) and wakes that run's subscribers at once; no polling.
//
// Each run keeps its last `backlog` events, so a subscriber that reconnects with Last-Event-ID
// gets exactly the events it missed. When the id is older than the backlog (or unknown, e.g.
// after a restart of the service), it gets an explicit `reset` event and then the current state.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store.hpp"

namespace synapse_service {

struct stream_event {
    std::uint64_t id = 0;
    std::string name;  // progress | completed | failed | cancelled
    std::string data;  // one line of JSON, as Python's json.dumps writes it
    bool terminal() const { return name != "progress"; }
};

struct hub_options {
    std::size_t backlog = 256;     ///< events kept per run for resumption
    std::size_t max_runs = 1024;   ///< runs with a backlog; the least recently changed go first
    std::size_t max_streams = 64;  ///< concurrent SSE subscribers
    std::chrono::milliseconds heartbeat{15000};
};

class stream_hub {
  public:
    explicit stream_hub(hub_options options) : options_(options) {}

    /// Store listener hooks.
    void publish(const std::string& run_id, const run_snapshot& snapshot);
    void run_deleted(const std::string& run_id);

    /// Wakes every subscriber and makes them end (service shutdown).
    void shutdown();

    /// Writes one frame; false when the client is gone.
    using writer = std::function<bool(const std::string& frame)>;

    /// Serves one subscriber until a terminal event, deletion of the run, shutdown, or a write
    /// failure (the client went away). `current` is the run's state read from the store.
    void serve(const std::string& run_id, const run_snapshot& current,
               std::optional<std::string> last_event_id, const writer& write);

    /// Takes a subscriber slot; false when max_streams are already served.
    bool try_acquire_stream();
    void release_stream();

    const hub_options& options() const { return options_; }

  private:
    struct channel {
        std::mutex m;
        std::condition_variable cv;
        std::deque<stream_event> events;  // consecutive ids, the newest at the back
        bool deleted = false;
        std::size_t subscribers = 0;
        std::uint64_t touched = 0;
    };
    /// The run's channel, created when missing; `subscribe` counts a subscriber in.
    std::shared_ptr<channel> get(const std::string& run_id, bool subscribe);
    static stream_event make_event(const run_snapshot& s);
    void evict_locked(const std::string& keep);

    hub_options options_;
    std::mutex m_;
    std::map<std::string, std::shared_ptr<channel>> channels_;
    std::set<std::string> deleted_;  // the last 4096 deleted runs (ids are never reused)
    std::deque<std::string> deleted_order_;
    std::uint64_t clock_ = 0;
    std::atomic<bool> stopping_{false};
    std::size_t streams_ = 0;
};

}  // namespace synapse_service
