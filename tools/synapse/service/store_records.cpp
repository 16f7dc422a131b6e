// The store: checkpoints and logs.
#include "store.hpp"

#include "store_rows.hpp"

namespace synapse_service {

using namespace store_detail;

// Checkpoints ---------------------------------------------------------------------------------

store::result<json> store::create_checkpoint(const std::string& run_id,
                                             const checkpoint_create& in) {
    const auto id = new_uuid4();
    const auto now = now_timestamp();
    // A checkpoint is what a pipeline resumes from: synced to disk before the 201.
    return write(true, [&](db::connection& w, db::transaction& tx) -> result<json> {
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
        return json{{"id", id},
                    {"run_id", run_id},
                    {"action_name", in.action_name},
                    {"action_index", in.action_index},
                    {"status", std::string(synapse::enum_name(in.status))},
                    {"params_snapshot", in.params_snapshot ? *in.params_snapshot : json(nullptr)},
                    {"result", in.result ? *in.result : json(nullptr)},
                    {"artifacts_path", text_or_null(in.artifacts_path)},
                    {"created_at", now}};
    });
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
    return write(false, [&](db::connection& w, db::transaction& tx) -> result<json> {
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
    });
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
