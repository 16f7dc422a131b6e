// The pipeline service's SQLite store: pipelines, runs, checkpoints and logs (reference §2.2),
// one writer connection (writes are serialised in-process, so SQLite never sees two writers of
// ours) and a pool of reader connections (WAL lets them read while the writer writes).
//
// Every call returns the JSON the API answers with, or a synapse::error whose `http_status` and
// `message` become the response: 404 for unknown ids, 503 for a locked database, 507 for a full
// disk, 500 for other database failures. Each write is one transaction: a failure leaves nothing
// half-written.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <synapse/core/expected.hpp>

#include "wire.hpp"

struct sqlite3;

namespace synapse_service {

namespace db {
class connection;
}

struct store_options {
    std::string path;
    int busy_timeout_ms = 5000;  ///< how long a write waits for another process's lock
    std::size_t readers = 4;     ///< reader connections kept open
};

/// What an SSE subscriber sees of a run: its revision (the `id:` of the event) and the
/// stream object of reference §2.4.
struct run_snapshot {
    std::uint64_t revision = 0;
    std::string status;
    json data;
};

/// Told about every committed change of a run's stream object (in revision order) and about
/// deleted runs. Called with the writer lock held: keep it short.
struct change_listener {
    std::function<void(const std::string& run_id, const run_snapshot&)> changed;
    std::function<void(const std::string& run_id)> deleted;
};

class store {
  public:
    template <class T>
    using result = synapse::expected<T>;

    static result<std::unique_ptr<store>> open(const store_options& options);
    ~store();
    store(const store&) = delete;
    store& operator=(const store&) = delete;

    void set_listener(change_listener listener) { listener_ = std::move(listener); }

    /// The schema version this build writes (PRAGMA user_version).
    static int schema_version();

    result<json> create_pipeline(const pipeline_create& in);
    result<json> list_pipelines(std::int64_t skip, std::int64_t limit);
    result<json> get_pipeline(const std::string& id);
    /// `body` says which fields were sent (only those are applied).
    result<json> update_pipeline(const std::string& id, const pipeline_update& in,
                                 const json& body);
    result<void> delete_pipeline(const std::string& id);

    result<json> create_run(const std::string& pipeline_id, const run_create& in);
    result<json> list_runs(const std::optional<std::string>& pipeline_id,
                           const std::optional<std::string>& status, std::int64_t skip,
                           std::int64_t limit);
    result<json> get_run(const std::string& id);
    result<json> update_run(const std::string& id, const run_update& in, const json& body);
    result<void> delete_run(const std::string& id);
    result<json> post_progress(const std::string& id, const progress_update& in);
    result<json> get_progress(const std::string& id);
    result<run_snapshot> snapshot(const std::string& id);

    result<json> create_checkpoint(const std::string& run_id, const checkpoint_create& in);
    result<json> list_checkpoints(const std::string& run_id,
                                  const std::optional<std::string>& action_name);
    result<json> latest_checkpoint(const std::string& run_id);
    result<json> checkpoint_by_name(const std::string& run_id, const std::string& action_name);

    result<json> append_logs(const std::string& run_id, const log_batch& in);
    result<json> list_logs(const std::string& run_id, const std::optional<std::string>& action_name,
                           const std::optional<std::string>& level,
                           const std::optional<std::string>& since, std::int64_t limit);

  private:
    store() = default;
    class reader_lease;
    reader_lease reader();

    std::string path_;
    store_options options_;
    std::mutex write_mutex_;
    db::connection& writable();  // the writer, reopened after an I/O failure
    /// Runs `body(writer, transaction)` as one write: serialised in this process, in one SQLite
    /// transaction (the body commits), with synchronous=FULL when `durable`; a database error
    /// becomes an HTTP answer (store_rows.hpp).
    template <class F>
    auto write(bool durable, F&& body);
    std::unique_ptr<db::connection> writer_;
    std::atomic<bool> writer_broken_{false};
    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<db::connection>> idle_readers_;
    change_listener listener_;
};

}  // namespace synapse_service
