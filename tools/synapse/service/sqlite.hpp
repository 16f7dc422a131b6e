// A thin RAII layer over the SQLite C API for the service's store: connections with a cache of
// prepared statements, statements with typed binds and columns, and IMMEDIATE transactions that
// roll back unless committed. Failures throw db::failure (caught at the store's boundary).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

namespace synapse_service::db {

struct failure : std::runtime_error {
    failure(int c, const std::string& what, int sys = 0)
        : std::runtime_error(what), code(c), system_errno(sys) {}
    int code;
    int system_errno;  ///< errno of the failing system call, when there was one
};

class statement {
  public:
    statement(sqlite3* db, std::string_view sql) : db_(db) {
        if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
            throw failure(sqlite3_errcode(db), sqlite3_errmsg(db));
    }
    ~statement() { sqlite3_finalize(stmt_); }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;

    statement& reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        return *this;
    }
    statement& bind(int i, std::string_view v) {
        check(sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
        return *this;
    }
    statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
    statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
    statement& bind(int i, std::int64_t v) {
        check(sqlite3_bind_int64(stmt_, i, v));
        return *this;
    }
    statement& bind(int i, const std::optional<std::string>& v) {
        if (v) return bind(i, std::string_view(*v));
        check(sqlite3_bind_null(stmt_, i));
        return *this;
    }
    /// True while there is a row.
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        int code = sqlite3_extended_errcode(db_);
        std::string msg = sqlite3_errmsg(db_);
        int sys = sqlite3_system_errno(db_);
        sqlite3_reset(stmt_);
        throw failure(code, msg, sys);
    }
    void run() {
        while (step()) {
        }
    }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    std::string text(int col) const {
        auto p = sqlite3_column_text(stmt_, col);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }
    std::optional<std::string> optional_text(int col) const {
        if (is_null(col)) return std::nullopt;
        return text(col);
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

  private:
    void check(int rc) {
        if (rc != SQLITE_OK) throw failure(rc, sqlite3_errmsg(db_));
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class connection {
  public:
    explicit connection(const std::string& path, int busy_timeout_ms) {
        int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            db_ = nullptr;
            throw failure(rc, "cannot open " + path + ": " + msg);
        }
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, busy_timeout_ms);
    }
    ~connection() {
        cache_.clear();
        sqlite3_close(db_);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void exec(const std::string& sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = err ? err : sqlite3_errmsg(db_);
            sqlite3_free(err);
            throw failure(sqlite3_extended_errcode(db_), msg, sqlite3_system_errno(db_));
        }
    }
    /// A cached prepared statement, reset and with its bindings cleared.
    statement& prepare(const std::string& sql) {
        auto it = cache_.find(sql);
        if (it == cache_.end())
            it = cache_.emplace(sql, std::make_unique<statement>(db_, sql)).first;
        return it->second->reset();
    }
    /// Resets every cached statement. A statement left on a row keeps its read transaction
    /// open, and with it an old snapshot of the database: done whenever a unit of work ends.
    void reset_all() {
        for (auto& [sql, st] : cache_) st->reset();
    }
    std::int64_t changes() const { return sqlite3_changes64(db_); }
    /// PRAGMA synchronous, set only when it changes (FULL: true, NORMAL: false).
    void set_full_sync(bool full) {
        if (full_sync_ && *full_sync_ == full) return;
        exec(full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
        full_sync_ = full;
    }
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<statement>> cache_;
    std::optional<bool> full_sync_;
};

/// BEGIN IMMEDIATE (the write lock up front, so a busy database fails before any work) ...
/// COMMIT; rolled back when destroyed uncommitted.
class transaction {
  public:
    explicit transaction(connection& c) : c_(c) { c_.prepare("BEGIN IMMEDIATE").run(); }
    ~transaction() {
        if (!done_) {
            c_.reset_all();
            try {
                c_.prepare("ROLLBACK").run();
            } catch (...) {
            }
        }
    }
    transaction(const transaction&) = delete;
    transaction& operator=(const transaction&) = delete;
    void commit() {
        c_.reset_all();
        c_.prepare("COMMIT").run();
        done_ = true;
    }

  private:
    connection& c_;
    bool done_ = false;
};

}  // namespace synapse_service::db
