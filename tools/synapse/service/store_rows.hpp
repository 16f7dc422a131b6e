// Internal to the store's translation units: row <-> JSON conversions, lookups, error mapping
// (SQLite result codes -> HTTP statuses) and the reader lease.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sqlite.hpp"
#include "store.hpp"

namespace synapse_service {

namespace store_detail {

inline synapse::error http_error(int status, std::string detail) {
    synapse::error e{status == 404 ? synapse::errc::not_found : synapse::errc::io_error,
                     std::move(detail)};
    e.http_status = status;
    return e;
}

inline synapse::error db_error(const db::failure& f) {
    int primary = f.code & 0xFF;
    if (primary == SQLITE_IOERR &&
        (f.system_errno == ENOSPC || f.system_errno == EFBIG || f.system_errno == EDQUOT))
        primary = SQLITE_FULL;
    switch (primary) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return http_error(503, std::string("database is locked by another process (") +
                                       f.what() + "); nothing was written, try again");
        case SQLITE_FULL:
            return http_error(
                507, std::string("database or disk is full (") + f.what() +
                         (f.system_errno ? std::string(", ") + std::strerror(f.system_errno)
                                         : std::string()) +
                         "); nothing was written");
        case SQLITE_READONLY:
            return http_error(
                503, std::string("database is read-only (") + f.what() + "); nothing was written");
        case SQLITE_IOERR:
            return http_error(
                503, std::string("database I/O error (") + f.what() + "); nothing was written");
        default: return http_error(500, std::string("database error: ") + f.what());
    }
}

template <class F>
auto guarded(F&& f, std::atomic<bool>* broken = nullptr) -> decltype(f()) {
    try {
        return f();
    } catch (const db::failure& e) {
        // After an I/O error (a full disk) the connection is reopened before the next write.
        const int primary = e.code & 0xFF;
        if (broken && (primary == SQLITE_IOERR || primary == SQLITE_FULL ||
                       primary == SQLITE_CORRUPT || primary == SQLITE_NOMEM))
            broken->store(true);
        return synapse::fail(db_error(e));
    } catch (const json::exception& e) {
        return synapse::fail(http_error(500, std::string("stored JSON is corrupt: ") + e.what()));
    } catch (const std::bad_alloc&) {
        return synapse::fail(http_error(500, "out of memory"));
    }
}

inline json parse_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return json::parse(*text);
}
inline std::optional<std::string> dump_or_null(const std::optional<json>& j) {
    if (!j || j->is_null()) return std::nullopt;
    return synapse::dump(*j);
}
inline json text_or_null(const std::optional<std::string>& s) {
    return s ? json(*s) : json(nullptr);
}

inline void set_synchronous(db::connection& c, bool durable) {
    // Both keep the database consistent and survive a crash of this process (WAL frames are in
    // the OS page cache once COMMIT returns); FULL also syncs the WAL to disk before COMMIT
    // returns, so the write survives a power cut or a kernel crash too.
    c.set_full_sync(durable);
}

// Pipelines ---------------------------------------------------------------------------------

inline const std::string pipeline_columns =
    "id, name, description, actions, created_at, updated_at";

inline json pipeline_row(const db::statement& s) {
    return json{{"id", s.text(0)},
                {"name", s.text(1)},
                {"description", text_or_null(s.optional_text(2))},
                {"actions", json::parse(s.text(3))},
                {"created_at", s.text(4)},
                {"updated_at", s.text(5)}};
}

inline json actions_json(const std::vector<action_definition>& actions) {
    json out = json::array();
    for (const auto& a : actions) out.push_back(synapse::to_json(a));
    return out;
}

inline std::optional<json> find_pipeline(db::connection& c, const std::string& id) {
    auto& s = c.prepare("SELECT " + pipeline_columns + " FROM pipelines WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return pipeline_row(s);
}

// Runs --------------------------------------------------------------------------------------

inline const std::string run_columns =
    "id, pipeline_id, status, params, current_action, current_action_index, progress, result, "
    "error, work_dir, started_at, completed_at, created_at, revision";

struct run_row {
    json read;  // RunRead, in the API's field order
    std::uint64_t revision = 0;
};

inline run_row read_run(const db::statement& s) {
    run_row r;
    r.read = json{{"id", s.text(0)},
                  {"pipeline_id", s.text(1)},
                  {"status", s.text(2)},
                  {"params", parse_or_null(s.optional_text(3))},
                  {"current_action", text_or_null(s.optional_text(4))},
                  {"current_action_index", s.integer(5)},
                  {"progress", parse_or_null(s.optional_text(6))},
                  {"result", parse_or_null(s.optional_text(7))},
                  {"error", text_or_null(s.optional_text(8))},
                  {"work_dir", text_or_null(s.optional_text(9))},
                  {"started_at", text_or_null(s.optional_text(10))},
                  {"completed_at", text_or_null(s.optional_text(11))},
                  {"created_at", s.text(12)}};
    r.revision = static_cast<std::uint64_t>(s.integer(13));
    return r;
}

inline std::optional<run_row> find_run(db::connection& c, const std::string& id) {
    auto& s = c.prepare("SELECT " + run_columns + " FROM runs WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_run(s);
}

inline bool run_exists(db::connection& c, const std::string& id) {
    auto& s = c.prepare("SELECT 1 FROM runs WHERE id = ?");
    s.bind(1, id);
    return s.step();
}

inline std::optional<std::string> optional_string(const json& j) {
    if (j.is_null()) return std::nullopt;
    return j.get<std::string>();
}

/// The object an SSE subscriber receives (reference §2.4), in dev-api's key order.
inline json stream_object(const json& run) {
    return json{{"run_id", run["id"]},
                {"pipeline_id", run["pipeline_id"]},
                {"status", run["status"]},
                {"current_action", run["current_action"]},
                {"current_action_index", run["current_action_index"]},
                {"progress", run["progress"]},
                {"error", run["error"]},
                {"started_at", run["started_at"]},
                {"completed_at", run["completed_at"]}};
}

/// GET /runs/{id}/progress: the stream object without pipeline_id.
inline json progress_object(const json& run) {
    json out = stream_object(run);
    out.erase("pipeline_id");
    return out;
}

/// Writes every mutable column of `run` back, bumping the revision when the stream object
/// changed; tells the listener (after commit) through `changed`.
inline bool write_run(db::connection& c, const json& before, json& after, std::uint64_t& revision) {
    const bool stream_changed = stream_object(before) != stream_object(after);
    if (stream_changed) ++revision;
    auto& s = c.prepare(
        "UPDATE runs SET status = ?, params = ?, current_action = ?, current_action_index = ?, "
        "progress = ?, result = ?, error = ?, work_dir = ?, started_at = ?, completed_at = ?, "
        "revision = ? WHERE id = ?");
    s.bind(1, after["status"].get<std::string>())
        .bind(2, dump_or_null(after["params"]))
        .bind(3, optional_string(after["current_action"]))
        .bind(4, after["current_action_index"].get<std::int64_t>())
        .bind(5, dump_or_null(after["progress"]))
        .bind(6, dump_or_null(after["result"]))
        .bind(7, optional_string(after["error"]))
        .bind(8, optional_string(after["work_dir"]))
        .bind(9, optional_string(after["started_at"]))
        .bind(10, optional_string(after["completed_at"]))
        .bind(11, static_cast<std::int64_t>(revision))
        .bind(12, after["id"].get<std::string>());
    s.run();
    return stream_changed;
}

// Checkpoints and logs -----------------------------------------------------------------------

inline const std::string checkpoint_columns =
    "id, run_id, action_name, action_index, status, params_snapshot, result, artifacts_path, "
    "created_at";

inline json checkpoint_row(const db::statement& s) {
    return json{{"id", s.text(0)},
                {"run_id", s.text(1)},
                {"action_name", s.text(2)},
                {"action_index", s.integer(3)},
                {"status", s.text(4)},
                {"params_snapshot", parse_or_null(s.optional_text(5))},
                {"result", parse_or_null(s.optional_text(6))},
                {"artifacts_path", text_or_null(s.optional_text(7))},
                {"created_at", s.text(8)}};
}

inline json log_row(const db::statement& s) {
    return json{{"id", s.text(0)},
                {"run_id", s.text(1)},
                {"action_name", text_or_null(s.optional_text(2))},
                {"level", s.text(3)},
                {"message", s.text(4)},
                {"timestamp", s.text(5)}};
}

inline synapse::error run_not_found() {
    return http_error(404, "Run not found");
}
inline synapse::error pipeline_not_found() {
    return http_error(404, "Pipeline not found");
}

}  // namespace store_detail

class store::reader_lease {
  public:
    reader_lease(store& s, std::unique_ptr<db::connection> c) : s_(s), c_(std::move(c)) {}
    ~reader_lease() {
        if (!c_) return;
        c_->reset_all();
        std::lock_guard lock(s_.readers_mutex_);
        if (s_.idle_readers_.size() < s_.options_.readers)
            s_.idle_readers_.push_back(std::move(c_));
    }
    reader_lease(reader_lease&& o) noexcept : s_(o.s_), c_(std::move(o.c_)) {}
    db::connection& operator*() { return *c_; }

  private:
    store& s_;
    std::unique_ptr<db::connection> c_;
};

/// See the declaration in store.hpp.
template <class F>
auto store::write(bool durable, F&& body) {
    return store_detail::guarded(
        [&] {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            store_detail::set_synchronous(w, durable);
            db::transaction tx(w);
            return body(w, tx);
        },
        &writer_broken_);
}

}  // namespace synapse_service
