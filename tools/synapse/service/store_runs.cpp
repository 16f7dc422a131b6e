// The store: runs and their progress.
#include "store.hpp"

#include "store_rows.hpp"

namespace synapse_service {

using namespace store_detail;

// Runs ----------------------------------------------------------------------------------------

namespace {

/// Better than dev-api: a run that ended cancelled or failed has no action left running. Its
/// runner normally says so itself; when it could not (stopped, killed, or its last posts lost),
/// the action ends with the run: failed, with "cancelled" or the run's error.
void end_running_actions(json& run) {
    const auto& status = run["status"];
    if (!status.is_string() || (status != "cancelled" && status != "failed")) return;
    json& list = run["progress"];
    if (!list.is_array()) return;
    for (auto& entry : list) {
        if (!entry.is_object() || entry.value("status", "") != "running") continue;
        entry["status"] = "failed";
        entry["error"] = status == "cancelled"      ? json("cancelled")
                         : run["error"].is_string() ? run["error"]
                                                    : json("the run failed");
        if (!entry.contains("completed_at") || entry["completed_at"].is_null())
            entry["completed_at"] = now_timestamp();
    }
}

}  // namespace

store::result<json> store::create_run(const std::string& pipeline_id, const run_create& in) {
    return write(true, [&](db::connection& w, db::transaction& tx) -> result<json> {
        auto p = find_pipeline(w, pipeline_id);
        if (!p) return synapse::fail(pipeline_not_found());
        json progress = json::array();
        std::size_t i = 0;
        for (const auto& a : (*p)["actions"]) {
            std::string name;
            if (a.is_object() && a.contains("name") && a["name"].is_string())
                name = a["name"].get<std::string>();
            if (name.empty()) name = "action_" + std::to_string(i);
            progress.push_back(synapse::to_json(action_progress{.name = name}));
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
            .bind(4, synapse::dump(progress))
            .bind(5, in.work_dir)
            .bind(6, now);
        s.run();
        auto row = find_run(w, id);
        tx.commit();
        if (listener_.changed)
            listener_.changed(id, run_snapshot{row->revision, "pending", stream_object(row->read)});
        return row->read;
    });
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
    return write(true, [&](db::connection& w, db::transaction& tx) -> result<json> {
        auto r = find_run(w, id);
        if (!r) return synapse::fail(run_not_found());
        const json before = r->read;
        json& run = r->read;
        auto has = [&](const char* k) { return body.contains(k); };
        if (has("status") && in.status) run["status"] = std::string(synapse::enum_name(*in.status));
        if (has("current_action")) run["current_action"] = text_or_null(in.current_action);
        if (has("current_action_index") && in.current_action_index)
            run["current_action_index"] = *in.current_action_index;
        if (has("progress")) {
            if (in.progress) {
                json list = json::array();
                for (auto entry : *in.progress) {
                    entry.started_at = normalized(entry.started_at);
                    entry.completed_at = normalized(entry.completed_at);
                    list.push_back(synapse::to_json(entry));
                }
                run["progress"] = std::move(list);
            } else {
                run["progress"] = nullptr;
            }
        }
        if (has("result")) run["result"] = in.result ? *in.result : json(nullptr);
        if (has("error")) run["error"] = text_or_null(in.error);
        if (has("started_at")) run["started_at"] = text_or_null(normalized(in.started_at));
        if (has("completed_at")) run["completed_at"] = text_or_null(normalized(in.completed_at));
        // Better than dev-api: a status set by PATCH stamps its timestamps like a progress post
        // does, unless the body sets them itself.
        if (has("status") && in.status) {
            const auto status = run["status"].get<std::string>();
            if (is_terminal(status) && !has("completed_at")) run["completed_at"] = now_timestamp();
            if (status == "running" && !has("started_at") && run["started_at"].is_null())
                run["started_at"] = now_timestamp();
        }
        end_running_actions(run);
        std::uint64_t revision = r->revision;
        const bool changed = write_run(w, before, run, revision);
        tx.commit();
        if (changed && listener_.changed)
            listener_.changed(
                id, run_snapshot{revision, run["status"].get<std::string>(), stream_object(run)});
        return run;
    });
}

store::result<void> store::delete_run(const std::string& id) {
    return write(true, [&](db::connection& w, db::transaction& tx) -> result<void> {
        auto& s = w.prepare("DELETE FROM runs WHERE id = ?");
        s.bind(1, id);
        s.run();
        if (w.changes() == 0) return synapse::fail(run_not_found());
        tx.commit();
        if (listener_.deleted) listener_.deleted(id);
        return {};
    });
}

store::result<json> store::post_progress(const std::string& id, const progress_update& in) {
    return write(false, [&](db::connection& w, db::transaction& tx) -> result<json> {
        auto r = find_run(w, id);
        if (!r) return synapse::fail(run_not_found());
        // Only the stream object can change here: compare that, not the whole run.
        const json before = stream_object(r->read);
        json& run = r->read;
        // Better than dev-api: the actions of a run that has ended do not go back to running
        // (a progress post still in flight when the run was cancelled is dropped).
        const bool ended = is_terminal(run["status"].get<std::string>());
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
        const bool reopens =
            in.action_progress && (in.action_progress->status == action_status::running ||
                                   in.action_progress->status == action_status::pending);
        if (in.action_progress && !(ended && reopens)) {
            const std::int64_t index = in.current_action_index
                                           ? *in.current_action_index
                                           : run["current_action_index"].get<std::int64_t>();
            json& list = run["progress"];
            if (list.is_array() && index >= 0 && static_cast<std::size_t>(index) < list.size()) {
                auto entry = *in.action_progress;
                entry.started_at = normalized(entry.started_at);
                entry.completed_at = normalized(entry.completed_at);
                json& slot = list[static_cast<std::size_t>(index)];
                // Better than dev-api: replacing an entry keeps the started_at it had.
                if (!entry.started_at && slot.is_object() && slot.contains("started_at") &&
                    slot["started_at"].is_string())
                    entry.started_at = slot["started_at"].get<std::string>();
                slot = synapse::to_json(entry);
            }
        }
        end_running_actions(run);
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
    });
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

}  // namespace synapse_service
