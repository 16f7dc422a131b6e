#include "stream_hub.hpp"

#include <charconv>

namespace synapse_service {

namespace {

std::string data_frame(const stream_event& e) {
    std::string f;
    f.reserve(e.data.size() + e.name.size() + 40);
    f += "event: ";
    f += e.name;
    f += "\ndata: ";
    f += e.data;
    f += "\nid: ";
    f += std::to_string(e.id);
    f += "\n\n";
    return f;
}

std::string reset_frame(const std::string& run_id, const std::optional<std::string>& last_id,
                        std::uint64_t oldest, std::uint64_t newest) {
    json data{{"run_id", run_id},
              {"reason",
               "the events after Last-Event-ID are no longer available; the current "
               "state follows"},
              {"last_event_id", last_id ? json(*last_id) : json(nullptr)},
              {"oldest_available_id", oldest},
              {"current_id", newest}};
    return "event: reset\ndata: " + python_dumps(data) + "\n\n";
}

std::optional<std::uint64_t> parse_id(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
    if (ec != std::errc() || p != text->data() + text->size()) return std::nullopt;
    return v;
}

}  // namespace

stream_event stream_hub::make_event(const run_snapshot& s) {
    const bool terminal = is_terminal(s.status);
    return stream_event{s.revision, terminal ? s.status : "progress", python_dumps(s.data)};
}

std::shared_ptr<stream_hub::channel> stream_hub::get(const std::string& run_id, bool subscribe) {
    std::lock_guard lock(m_);
    auto it = channels_.find(run_id);
    if (it == channels_.end() && deleted_.count(run_id)) {
        // Deleted after the caller read it from the store: a detached channel that says so.
        auto gone = std::make_shared<channel>();
        gone->deleted = true;
        gone->subscribers = subscribe ? 1 : 0;
        return gone;
    }
    if (it == channels_.end()) {
        it = channels_.emplace(run_id, std::make_shared<channel>()).first;
        evict_locked(run_id);
    }
    auto ch = it->second;
    ch->touched = ++clock_;
    if (subscribe) {
        // Counted while the hub is locked, so eviction cannot drop a channel being subscribed.
        std::lock_guard cl(ch->m);
        ++ch->subscribers;
    }
    return ch;
}

void stream_hub::evict_locked(const std::string& keep) {
    while (channels_.size() > options_.max_runs) {
        auto victim = channels_.end();
        for (auto it = channels_.begin(); it != channels_.end(); ++it) {
            if (it->first == keep) continue;
            std::lock_guard cl(it->second->m);
            if (it->second->subscribers == 0 &&
                (victim == channels_.end() || it->second->touched < victim->second->touched))
                victim = it;
        }
        if (victim == channels_.end()) return;
        channels_.erase(victim);
    }
}

void stream_hub::publish(const std::string& run_id, const run_snapshot& snapshot) {
    auto ch = get(run_id, false);
    auto event = make_event(snapshot);
    {
        std::lock_guard lock(ch->m);
        if (!ch->events.empty() && ch->events.back().id >= event.id) return;
        if (!ch->events.empty() && ch->events.back().id + 1 != event.id) ch->events.clear();
        ch->events.push_back(std::move(event));
        while (ch->events.size() > options_.backlog) ch->events.pop_front();
    }
    ch->cv.notify_all();
}

void stream_hub::run_deleted(const std::string& run_id) {
    std::shared_ptr<channel> ch;
    {
        std::lock_guard lock(m_);
        if (deleted_.insert(run_id).second) {
            deleted_order_.push_back(run_id);
            if (deleted_order_.size() > 4096) {
                deleted_.erase(deleted_order_.front());
                deleted_order_.pop_front();
            }
        }
        auto it = channels_.find(run_id);
        if (it == channels_.end()) return;
        ch = it->second;
        channels_.erase(it);
    }
    {
        std::lock_guard lock(ch->m);
        ch->deleted = true;
    }
    ch->cv.notify_all();
}

void stream_hub::shutdown() {
    std::vector<std::shared_ptr<channel>> all;
    {
        std::lock_guard lock(m_);
        stopping_.store(true);
        for (auto& [id, ch] : channels_) all.push_back(ch);
    }
    for (auto& ch : all) {
        {
            std::lock_guard lock(ch->m);
        }
        ch->cv.notify_all();
    }
}

bool stream_hub::try_acquire_stream() {
    std::lock_guard lock(m_);
    if (stopping_ || streams_ >= options_.max_streams) return false;
    ++streams_;
    return true;
}

void stream_hub::release_stream() {
    std::lock_guard lock(m_);
    --streams_;
}

void stream_hub::serve(const std::string& run_id, const run_snapshot& current,
                       std::optional<std::string> last_event_id, const writer& write) {
    auto ch = get(run_id, true);
    auto stopping = [this] { return stopping_.load(); };
    std::vector<std::string> frames;
    std::uint64_t cursor = 0;  // the id of the last event this subscriber has
    bool ended = false;
    {
        std::lock_guard lock(ch->m);
        // Seed the backlog with the state read from the store when the hub has nothing newer.
        if (ch->events.empty() || ch->events.back().id < current.revision) {
            if (!ch->events.empty() && ch->events.back().id + 1 != current.revision)
                ch->events.clear();
            ch->events.push_back(make_event(current));
        }
        const auto& latest = ch->events.back();
        const auto oldest = ch->events.front().id;
        const auto asked = parse_id(last_event_id);
        if (!last_event_id) {
            cursor = latest.id - 1;  // start with the current state, as dev-api does
        } else if (asked && *asked == latest.id) {
            cursor = latest.id;  // up to date; a run already finished has nothing more to say
            if (latest.terminal()) ended = true;
        } else if (asked && *asked < latest.id && oldest <= *asked + 1) {
            cursor = *asked;  // replay exactly what was missed
        } else {
            frames.push_back(reset_frame(run_id, last_event_id, oldest, latest.id));
            cursor = latest.id - 1;
        }
    }
    auto leave = [&] {
        std::lock_guard lock(ch->m);
        --ch->subscribers;
    };
    while (!ended) {
        for (const auto& f : frames) {
            if (!write(f)) {
                leave();
                return;
            }
        }
        frames.clear();
        std::unique_lock lock(ch->m);
        const bool woke = ch->cv.wait_for(lock, options_.heartbeat, [&] {
            return ch->deleted || ch->events.back().id > cursor || stopping();
        });
        if (stopping()) break;
        if (!woke) {
            frames.push_back(": keep-alive\n\n");
            continue;
        }
        if (ch->events.back().id > cursor) {
            if (ch->events.front().id > cursor + 1) {
                // Fell behind by more than the backlog while writing: say so, then resync.
                frames.push_back(reset_frame(run_id, std::to_string(cursor), ch->events.front().id,
                                             ch->events.back().id));
                cursor = ch->events.back().id - 1;
            }
            for (const auto& e : ch->events) {
                if (e.id <= cursor) continue;
                frames.push_back(data_frame(e));
                cursor = e.id;
                if (e.terminal()) {
                    ended = true;
                    break;
                }
            }
        } else if (ch->deleted) {
            frames.push_back(
                "event: error\ndata: " + python_dumps(json{{"error", "Run not found"}}) + "\n\n");
            ended = true;
        }
        lock.unlock();
        if (ended) {
            for (const auto& f : frames)
                if (!write(f)) break;
            frames.clear();
        }
    }
    leave();
}

}  // namespace synapse_service
