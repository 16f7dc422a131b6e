// The store: schema and migrations, connections, pipelines.
#include "store.hpp"

#include "store_rows.hpp"

namespace synapse_service {

using namespace store_detail;

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

}  // namespace

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
    const auto now = now_timestamp();
    json row{{"id", new_uuid4()},
             {"name", in.name},
             {"description", text_or_null(in.description)},
             {"actions", actions_json(in.actions)},
             {"created_at", now},
             {"updated_at", now}};
    return write(true, [&](db::connection& w, db::transaction& tx) -> result<json> {
        auto& s =
            w.prepare("INSERT INTO pipelines (" + pipeline_columns + ") VALUES (?, ?, ?, ?, ?, ?)");
        s.bind(1, row["id"].get<std::string>())
            .bind(2, in.name)
            .bind(3, in.description)
            .bind(4, synapse::dump(row["actions"]))
            .bind(5, now)
            .bind(6, now);
        s.run();
        tx.commit();
        return row;
    });
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
    return write(true, [&](db::connection& w, db::transaction& tx) -> result<json> {
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
            .bind(3, synapse::dump(row["actions"]))
            .bind(4, row["updated_at"].get<std::string>())
            .bind(5, id);
        s.run();
        tx.commit();
        return row;
    });
}

store::result<void> store::delete_pipeline(const std::string& id) {
    return write(true, [&](db::connection& w, db::transaction& tx) -> result<void> {
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
    });
}

}  // namespace synapse_service
