#include "store.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

#include "sqlite.hpp"

namespace synapse_service {

namespace {

// Versioned schema: migration i brings user_version from i to i + 1. Append, never edit.
const char* const migrations[] = {
    R"sql(
CREATE TABLE pipelines (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    actions TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    pipeline_id TEXT NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    params TEXT,
    current_action TEXT,
    current_action_index INTEGER NOT NULL DEFAULT 0,
    progress TEXT,
    result TEXT,
    error TEXT,
    work_dir TEXT,
    started_at TEXT,
    completed_at TEXT,
    created_at TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX runs_by_pipeline ON runs(pipeline_id);
CREATE INDEX runs_by_created ON runs(created_at);
CREATE TABLE checkpoints (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    action_name TEXT NOT NULL,
    action_index INTEGER NOT NULL,
    status TEXT NOT NULL,
    params_snapshot TEXT,
    result TEXT,
    artifacts_path TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX checkpoints_by_run ON checkpoints(run_id, action_index);
CREATE TABLE logs (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    action_name TEXT,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    timestamp TEXT NOT NULL
);
CREATE INDEX logs_by_run ON logs(run_id, timestamp);
)sql",
};
constexpr int schema_version_value = static_cast<int>(std::size(migrations));

synapse::error http_error(int status, std::string detail) {
    synapse::error e{status == 404 ? synapse::errc::not_found : synapse::errc::io_error,
                     std::move(detail)};
    e.http_status = status;
    return e;
}

synapse::error db_error(const db::failure& f) {
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

json parse_or_null(const std::optional<std::string>& text) {
    if (!text) return nullptr;
    return json::parse(*text);
}
std::optional<std::string> dump_or_null(const std::optional<json>& j) {
    if (!j || j->is_null()) return std::nullopt;
    return j->dump();
}
json text_or_null(const std::optional<std::string>& s) {
    return s ? json(*s) : json(nullptr);
}

void set_synchronous(db::connection& c, bool durable) {
    // Both keep the database consistent and survive a crash of this process (WAL frames are in
    // the OS page cache once COMMIT returns); FULL also syncs the WAL to disk before COMMIT
    // returns, so the write survives a power cut or a kernel crash too.
    c.set_full_sync(durable);
}

// Pipelines ---------------------------------------------------------------------------------

const std::string pipeline_columns = "id, name, description, actions, created_at, updated_at";

json pipeline_row(const db::statement& s) {
    return json{{"id", s.text(0)},
                {"name", s.text(1)},
                {"description", text_or_null(s.optional_text(2))},
                {"actions", json::parse(s.text(3))},
                {"created_at", s.text(4)},
                {"updated_at", s.text(5)}};
}

json actions_json(const std::vector<action_definition>& actions) {
    json out = json::array();
    for (const auto& a : actions) out.push_back(synapse::to_json(a));
    return out;
}

std::optional<json> find_pipeline(db::connection& c, const std::string& id) {
    auto& s = c.prepare("SELECT " + pipeline_columns + " FROM pipelines WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return pipeline_row(s);
}

// Runs --------------------------------------------------------------------------------------

const std::string run_columns =
    "id, pipeline_id, status, params, current_action, current_action_index, progress, result, "
    "error, work_dir, started_at, completed_at, created_at, revision";

struct run_row {
    json read;  // RunRead, in the API's field order
    std::uint64_t revision = 0;
};

run_row read_run(const db::statement& s) {
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

std::optional<run_row> find_run(db::connection& c, const std::string& id) {
    auto& s = c.prepare("SELECT " + run_columns + " FROM runs WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_run(s);
}

bool run_exists(db::connection& c, const std::string& id) {
    auto& s = c.prepare("SELECT 1 FROM runs WHERE id = ?");
    s.bind(1, id);
    return s.step();
}

std::optional<std::string> optional_string(const json& j) {
    if (j.is_null()) return std::nullopt;
    return j.get<std::string>();
}

/// The object an SSE subscriber receives (reference §2.4), in dev-api's key order.
json stream_object(const json& run) {
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
json progress_object(const json& run) {
    json out = stream_object(run);
    out.erase("pipeline_id");
    return out;
}

/// Writes every mutable column of `run` back, bumping the revision when the stream object
/// changed; tells the listener (after commit) through `changed`.
bool write_run(db::connection& c, const json& before, json& after, std::uint64_t& revision) {
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

const std::string checkpoint_columns =
    "id, run_id, action_name, action_index, status, params_snapshot, result, artifacts_path, "
    "created_at";

json checkpoint_row(const db::statement& s) {
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

json log_row(const db::statement& s) {
    return json{{"id", s.text(0)},
                {"run_id", s.text(1)},
                {"action_name", text_or_null(s.optional_text(2))},
                {"level", s.text(3)},
                {"message", s.text(4)},
                {"timestamp", s.text(5)}};
}

synapse::error run_not_found() {
    return http_error(404, "Run not found");
}
synapse::error pipeline_not_found() {
    return http_error(404, "Pipeline not found");
}

}  // namespace

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

store::reader_lease store::reader() {
    {
        std::lock_guard lock(readers_mutex_);
        if (!idle_readers_.empty()) {
            auto c = std::move(idle_readers_.back());
            idle_readers_.pop_back();
            return reader_lease(*this, std::move(c));
        }
    }
    auto c = std::make_unique<db::connection>(path_, options_.busy_timeout_ms);
    c->exec("PRAGMA foreign_keys=ON");
    return reader_lease(*this, std::move(c));
}

store::~store() = default;

db::connection& store::writable() {
    if (writer_broken_.load()) {
        auto fresh = std::make_unique<db::connection>(path_, options_.busy_timeout_ms);
        fresh->exec("PRAGMA foreign_keys=ON");
        writer_ = std::move(fresh);
        writer_broken_.store(false);
    }
    return *writer_;
}

int store::schema_version() {
    return schema_version_value;
}

store::result<std::unique_ptr<store>> store::open(const store_options& options) {
    std::unique_ptr<store> s(new store());
    s->path_ = options.path;
    s->options_ = options;
    try {
        s->writer_ = std::make_unique<db::connection>(options.path, options.busy_timeout_ms);
        auto& w = *s->writer_;
        w.exec("PRAGMA journal_mode=WAL");
        w.exec("PRAGMA foreign_keys=ON");
        set_synchronous(w, true);
        auto& v = w.prepare("PRAGMA user_version");
        v.step();
        const auto version = static_cast<int>(v.integer(0));
        v.reset();
        if (version > schema_version_value)
            return synapse::fail(synapse::error{
                synapse::errc::invalid_argument,
                options.path + " has schema version " + std::to_string(version) +
                    ", newer than this synapse's " + std::to_string(schema_version_value)});
        for (int i = version; i < schema_version_value; ++i) {
            db::transaction tx(w);
            w.exec(migrations[i]);
            w.exec("PRAGMA user_version = " + std::to_string(i + 1));
            tx.commit();
        }
    } catch (const db::failure& e) {
        return synapse::fail(
            synapse::error{synapse::errc::io_error, "database " + options.path + ": " + e.what()});
    }
    return s;
}

// Pipelines -----------------------------------------------------------------------------------

store::result<json> store::create_pipeline(const pipeline_create& in) {
    return guarded(
        [&]() -> result<json> {
            const auto now = now_timestamp();
            json row{{"id", new_uuid4()},
                     {"name", in.name},
                     {"description", text_or_null(in.description)},
                     {"actions", actions_json(in.actions)},
                     {"created_at", now},
                     {"updated_at", now}};
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, true);
            db::transaction tx(w);
            auto& s = w.prepare("INSERT INTO pipelines (" + pipeline_columns +
                                ") VALUES (?, ?, ?, ?, ?, ?)");
            s.bind(1, row["id"].get<std::string>())
                .bind(2, in.name)
                .bind(3, in.description)
                .bind(4, row["actions"].dump())
                .bind(5, now)
                .bind(6, now);
            s.run();
            tx.commit();
            return row;
        },
        &writer_broken_);
}

store::result<json> store::list_pipelines(std::int64_t skip, std::int64_t limit) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        auto& s = (*c).prepare("SELECT " + pipeline_columns +
                               " FROM pipelines ORDER BY rowid LIMIT ? OFFSET ?");
        s.bind(1, limit).bind(2, skip);
        json out = json::array();
        while (s.step()) out.push_back(pipeline_row(s));
        return out;
    });
}

store::result<json> store::get_pipeline(const std::string& id) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        auto p = find_pipeline(*c, id);
        if (!p) return synapse::fail(pipeline_not_found());
        return *p;
    });
}

store::result<json> store::update_pipeline(const std::string& id, const pipeline_update& in,
                                           const json& body) {
    return guarded(
        [&]() -> result<json> {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, true);
            db::transaction tx(w);
            auto p = find_pipeline(w, id);
            if (!p) return synapse::fail(pipeline_not_found());
            json& row = *p;
            if (body.contains("name") && in.name) row["name"] = *in.name;
            if (body.contains("description")) row["description"] = text_or_null(in.description);
            if (body.contains("actions") && in.actions) row["actions"] = actions_json(*in.actions);
            row["updated_at"] = now_timestamp();
            auto& s = w.prepare(
                "UPDATE pipelines SET name = ?, description = ?, actions = ?, updated_at = ? "
                "WHERE id = ?");
            s.bind(1, row["name"].get<std::string>())
                .bind(2, optional_string(row["description"]))
                .bind(3, row["actions"].dump())
                .bind(4, row["updated_at"].get<std::string>())
                .bind(5, id);
            s.run();
            tx.commit();
            return row;
        },
        &writer_broken_);
}

store::result<void> store::delete_pipeline(const std::string& id) {
    return guarded(
        [&]() -> result<void> {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, true);
            db::transaction tx(w);
            std::vector<std::string> runs;
            auto& q = w.prepare("SELECT id FROM runs WHERE pipeline_id = ?");
            q.bind(1, id);
            while (q.step()) runs.push_back(q.text(0));
            auto& s = w.prepare("DELETE FROM pipelines WHERE id = ?");
            s.bind(1, id);
            s.run();
            if (w.changes() == 0) return synapse::fail(pipeline_not_found());
            tx.commit();
            if (listener_.deleted)
                for (const auto& r : runs) listener_.deleted(r);
            return {};
        },
        &writer_broken_);
}

// Runs ----------------------------------------------------------------------------------------

store::result<json> store::create_run(const std::string& pipeline_id, const run_create& in) {
    return guarded(
        [&]() -> result<json> {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, true);
            db::transaction tx(w);
            auto p = find_pipeline(w, pipeline_id);
            if (!p) return synapse::fail(pipeline_not_found());
            json progress = json::array();
            std::size_t i = 0;
            for (const auto& a : (*p)["actions"]) {
                std::string name;
                if (a.is_object() && a.contains("name") && a["name"].is_string())
                    name = a["name"].get<std::string>();
                if (name.empty()) name = "action_" + std::to_string(i);
                action_progress_entry entry;
                entry.name = name;
                progress.push_back(progress_entry_json(entry));
                ++i;
            }
            const auto id = new_uuid4();
            const auto now = now_timestamp();
            auto& s = w.prepare(
                "INSERT INTO runs (id, pipeline_id, status, params, current_action_index, "
                "progress, "
                "work_dir, created_at, revision) VALUES (?, ?, 'pending', ?, 0, ?, ?, ?, 1)");
            s.bind(1, id)
                .bind(2, pipeline_id)
                .bind(3, dump_or_null(in.params))
                .bind(4, progress.dump())
                .bind(5, in.work_dir)
                .bind(6, now);
            s.run();
            auto row = find_run(w, id);
            tx.commit();
            if (listener_.changed)
                listener_.changed(id,
                                  run_snapshot{row->revision, "pending", stream_object(row->read)});
            return row->read;
        },
        &writer_broken_);
}

store::result<json> store::list_runs(const std::optional<std::string>& pipeline_id,
                                     const std::optional<std::string>& status, std::int64_t skip,
                                     std::int64_t limit) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        if (pipeline_id && !find_pipeline(*c, *pipeline_id))
            return synapse::fail(pipeline_not_found());
        std::string sql =
            "SELECT " + run_columns +
            " FROM runs WHERE (?1 IS NULL OR pipeline_id = ?1) AND (?2 IS NULL OR status = ?2) ";
        sql += pipeline_id ? "ORDER BY rowid" : "ORDER BY created_at DESC, rowid DESC";
        sql += " LIMIT ?3 OFFSET ?4";
        auto& s = (*c).prepare(sql);
        s.bind(1, pipeline_id).bind(2, status).bind(3, limit).bind(4, skip);
        json out = json::array();
        while (s.step()) out.push_back(read_run(s).read);
        return out;
    });
}

store::result<json> store::get_run(const std::string& id) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        auto r = find_run(*c, id);
        if (!r) return synapse::fail(run_not_found());
        return r->read;
    });
}

store::result<json> store::update_run(const std::string& id, const run_update& in,
                                      const json& body) {
    return guarded(
        [&]() -> result<json> {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, true);
            db::transaction tx(w);
            auto r = find_run(w, id);
            if (!r) return synapse::fail(run_not_found());
            const json before = r->read;
            json& run = r->read;
            auto has = [&](const char* k) { return body.contains(k); };
            if (has("status") && in.status)
                run["status"] = std::string(synapse::enum_name(*in.status));
            if (has("current_action")) run["current_action"] = text_or_null(in.current_action);
            if (has("current_action_index") && in.current_action_index)
                run["current_action_index"] = *in.current_action_index;
            if (has("progress")) {
                if (in.progress) {
                    json list = json::array();
                    for (auto entry : *in.progress) {
                        entry.started_at = normalized(entry.started_at);
                        entry.completed_at = normalized(entry.completed_at);
                        list.push_back(progress_entry_json(entry));
                    }
                    run["progress"] = std::move(list);
                } else {
                    run["progress"] = nullptr;
                }
            }
            if (has("result")) run["result"] = in.result ? *in.result : json(nullptr);
            if (has("error")) run["error"] = text_or_null(in.error);
            if (has("started_at")) run["started_at"] = text_or_null(normalized(in.started_at));
            if (has("completed_at"))
                run["completed_at"] = text_or_null(normalized(in.completed_at));
            // Better than dev-api: a status set by PATCH stamps its timestamps like a progress post
            // does, unless the body sets them itself.
            if (has("status") && in.status) {
                const auto status = run["status"].get<std::string>();
                if (is_terminal(status) && !has("completed_at"))
                    run["completed_at"] = now_timestamp();
                if (status == "running" && !has("started_at") && run["started_at"].is_null())
                    run["started_at"] = now_timestamp();
            }
            std::uint64_t revision = r->revision;
            const bool changed = write_run(w, before, run, revision);
            tx.commit();
            if (changed && listener_.changed)
                listener_.changed(id, run_snapshot{revision, run["status"].get<std::string>(),
                                                   stream_object(run)});
            return run;
        },
        &writer_broken_);
}

store::result<void> store::delete_run(const std::string& id) {
    return guarded(
        [&]() -> result<void> {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, true);
            db::transaction tx(w);
            auto& s = w.prepare("DELETE FROM runs WHERE id = ?");
            s.bind(1, id);
            s.run();
            if (w.changes() == 0) return synapse::fail(run_not_found());
            tx.commit();
            if (listener_.deleted) listener_.deleted(id);
            return {};
        },
        &writer_broken_);
}

store::result<json> store::post_progress(const std::string& id, const progress_update& in) {
    return guarded(
        [&]() -> result<json> {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, false);
            db::transaction tx(w);
            auto r = find_run(w, id);
            if (!r) return synapse::fail(run_not_found());
            // Only the stream object can change here: compare that, not the whole run.
            const json before = stream_object(r->read);
            json& run = r->read;
            if (in.current_action) run["current_action"] = *in.current_action;
            if (in.current_action_index) run["current_action_index"] = *in.current_action_index;
            if (in.status) {
                const std::string status(synapse::enum_name(*in.status));
                run["status"] = status;
                if (status == "running" && run["started_at"].is_null())
                    run["started_at"] = now_timestamp();
                if (is_terminal(status)) run["completed_at"] = now_timestamp();
            }
            if (in.error) run["error"] = *in.error;
            if (in.action_progress) {
                const std::int64_t index = in.current_action_index
                                               ? *in.current_action_index
                                               : run["current_action_index"].get<std::int64_t>();
                json& list = run["progress"];
                if (list.is_array() && index >= 0 &&
                    static_cast<std::size_t>(index) < list.size()) {
                    auto entry = *in.action_progress;
                    entry.started_at = normalized(entry.started_at);
                    entry.completed_at = normalized(entry.completed_at);
                    json& slot = list[static_cast<std::size_t>(index)];
                    // Better than dev-api: replacing an entry keeps the started_at it had.
                    if (!entry.started_at && slot.is_object() && slot.contains("started_at") &&
                        slot["started_at"].is_string())
                        entry.started_at = slot["started_at"].get<std::string>();
                    slot = progress_entry_json(entry);
                }
            }
            json after = stream_object(run);
            if (after == before) return run;  // nothing changed: nothing to write or send
            const auto revision = r->revision + 1;
            auto& s = w.prepare(
                "UPDATE runs SET status = ?, current_action = ?, current_action_index = ?, "
                "progress = ?, error = ?, started_at = ?, completed_at = ?, revision = ? "
                "WHERE id = ?");
            s.bind(1, run["status"].get<std::string>())
                .bind(2, optional_string(run["current_action"]))
                .bind(3, run["current_action_index"].get<std::int64_t>())
                .bind(4, dump_or_null(run["progress"]))
                .bind(5, optional_string(run["error"]))
                .bind(6, optional_string(run["started_at"]))
                .bind(7, optional_string(run["completed_at"]))
                .bind(8, static_cast<std::int64_t>(revision))
                .bind(9, id);
            s.run();
            tx.commit();
            if (listener_.changed)
                listener_.changed(
                    id, run_snapshot{revision, run["status"].get<std::string>(), std::move(after)});
            return run;
        },
        &writer_broken_);
}

store::result<json> store::get_progress(const std::string& id) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        auto r = find_run(*c, id);
        if (!r) return synapse::fail(run_not_found());
        return progress_object(r->read);
    });
}

store::result<run_snapshot> store::snapshot(const std::string& id) {
    return guarded([&]() -> result<run_snapshot> {
        auto c = reader();
        auto r = find_run(*c, id);
        if (!r) return synapse::fail(run_not_found());
        return run_snapshot{r->revision, r->read["status"].get<std::string>(),
                            stream_object(r->read)};
    });
}

// Checkpoints ---------------------------------------------------------------------------------

store::result<json> store::create_checkpoint(const std::string& run_id,
                                             const checkpoint_create& in) {
    return guarded(
        [&]() -> result<json> {
            const auto id = new_uuid4();
            const auto now = now_timestamp();
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            // A checkpoint is what a pipeline resumes from: synced to disk before the 201.
            set_synchronous(w, true);
            db::transaction tx(w);
            if (!run_exists(w, run_id)) return synapse::fail(run_not_found());
            auto& s = w.prepare("INSERT INTO checkpoints (" + checkpoint_columns +
                                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
            s.bind(1, id)
                .bind(2, run_id)
                .bind(3, in.action_name)
                .bind(4, in.action_index)
                .bind(5, std::string(synapse::enum_name(in.status)))
                .bind(6, dump_or_null(in.params_snapshot))
                .bind(7, dump_or_null(in.result))
                .bind(8, in.artifacts_path)
                .bind(9, now);
            s.run();
            tx.commit();
            return json{
                {"id", id},
                {"run_id", run_id},
                {"action_name", in.action_name},
                {"action_index", in.action_index},
                {"status", std::string(synapse::enum_name(in.status))},
                {"params_snapshot", in.params_snapshot ? *in.params_snapshot : json(nullptr)},
                {"result", in.result ? *in.result : json(nullptr)},
                {"artifacts_path", text_or_null(in.artifacts_path)},
                {"created_at", now}};
        },
        &writer_broken_);
}

store::result<json> store::list_checkpoints(const std::string& run_id,
                                            const std::optional<std::string>& action_name) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        if (!run_exists(*c, run_id)) return synapse::fail(run_not_found());
        auto& s = (*c).prepare("SELECT " + checkpoint_columns +
                               " FROM checkpoints WHERE run_id = ?1 AND (?2 IS NULL OR "
                               "action_name = ?2) ORDER BY action_index, rowid");
        s.bind(1, run_id).bind(2, action_name);
        json out = json::array();
        while (s.step()) out.push_back(checkpoint_row(s));
        return out;
    });
}

store::result<json> store::latest_checkpoint(const std::string& run_id) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        if (!run_exists(*c, run_id)) return synapse::fail(run_not_found());
        auto& s = (*c).prepare("SELECT " + checkpoint_columns +
                               " FROM checkpoints WHERE run_id = ? ORDER BY action_index DESC, "
                               "rowid DESC LIMIT 1");
        s.bind(1, run_id);
        if (!s.step()) return synapse::fail(http_error(404, "No checkpoints found"));
        return checkpoint_row(s);
    });
}

store::result<json> store::checkpoint_by_name(const std::string& run_id,
                                              const std::string& action_name) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        if (!run_exists(*c, run_id)) return synapse::fail(run_not_found());
        auto& s = (*c).prepare("SELECT " + checkpoint_columns +
                               " FROM checkpoints WHERE run_id = ? AND action_name = ? "
                               "ORDER BY rowid LIMIT 1");
        s.bind(1, run_id).bind(2, action_name);
        if (!s.step()) return synapse::fail(http_error(404, "Checkpoint not found"));
        return checkpoint_row(s);
    });
}

// Logs ----------------------------------------------------------------------------------------

store::result<json> store::append_logs(const std::string& run_id, const log_batch& in) {
    return guarded(
        [&]() -> result<json> {
            std::lock_guard lock(write_mutex_);
            auto& w = writable();
            set_synchronous(w, false);
            db::transaction tx(w);
            if (!run_exists(w, run_id)) return synapse::fail(run_not_found());
            json out = json::array();
            auto& s = w.prepare(
                "INSERT INTO logs (id, run_id, action_name, level, message, timestamp) "
                "VALUES (?, ?, ?, ?, ?, ?)");
            for (const auto& e : in.entries) {
                const auto id = new_uuid4();
                const auto ts = e.timestamp ? *normalized(e.timestamp) : now_timestamp();
                const std::string level(synapse::enum_name(e.level));
                s.reset()
                    .bind(1, id)
                    .bind(2, run_id)
                    .bind(3, e.action_name)
                    .bind(4, level)
                    .bind(5, e.message)
                    .bind(6, ts);
                s.run();
                out.push_back(json{{"id", id},
                                   {"run_id", run_id},
                                   {"action_name", text_or_null(e.action_name)},
                                   {"level", level},
                                   {"message", e.message},
                                   {"timestamp", ts}});
            }
            tx.commit();
            return out;
        },
        &writer_broken_);
}

store::result<json> store::list_logs(const std::string& run_id,
                                     const std::optional<std::string>& action_name,
                                     const std::optional<std::string>& level,
                                     const std::optional<std::string>& since, std::int64_t limit) {
    return guarded([&]() -> result<json> {
        auto c = reader();
        if (!run_exists(*c, run_id)) return synapse::fail(run_not_found());
        auto& s = (*c).prepare(
            "SELECT id, run_id, action_name, level, message, timestamp FROM logs WHERE run_id = ?1 "
            "AND (?2 IS NULL OR action_name = ?2) AND (?3 IS NULL OR level = ?3) AND "
            "(?4 IS NULL OR timestamp > ?4) ORDER BY timestamp, rowid LIMIT ?5");
        s.bind(1, run_id).bind(2, action_name).bind(3, level).bind(4, since).bind(5, limit);
        json out = json::array();
        while (s.step()) out.push_back(log_row(s));
        return out;
    });
}

}  // namespace synapse_service
