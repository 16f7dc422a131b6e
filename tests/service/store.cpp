// The SQLite store behind the API: cascading deletes, a locked database, a full disk, and
// reads that see every write answered before them.
#include <string>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "api_fixtures.hpp"
#include "service_process.hpp"

using synapse::json;
using test_support::api;
using test_support::make_pipeline;
using test_support::make_run;
using test_support::service_process;
using test_support::temp_dir;

TEST_CASE("deleting a pipeline cascades to its runs, checkpoints and logs", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    const auto run = make_run(a, pid);
    a.post("/api/v1/runs/" + run + "/checkpoints/", {{"action_name", "a"}, {"action_index", 0}});
    a.post("/api/v1/runs/" + run + "/logs/", {{"entries", {{{"message", "m"}}}}});
    REQUIRE(a.del("/api/v1/pipelines/" + pid).status == 204);
    CHECK(a.get("/api/v1/runs/" + run).status == 404);
    svc.stop();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((dir / "p.db").c_str(), &db) == SQLITE_OK);
    for (const char* table : {"runs", "checkpoints", "logs"}) {
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, (std::string("SELECT count(*) FROM ") + table).c_str(), -1, &s,
                           nullptr);
        REQUIRE(sqlite3_step(s) == SQLITE_ROW);
        CHECK(sqlite3_column_int(s, 0) == 0);
        sqlite3_finalize(s);
    }
    sqlite3_stmt* v = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &v, nullptr);
    sqlite3_step(v);
    CHECK(sqlite3_column_int(v, 0) == 1);
    sqlite3_finalize(v);
    sqlite3_close(db);
}

TEST_CASE("a database locked by another process gives 503 and writes nothing", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db", {"--busy-timeout", "200"});
    api a(svc.port());
    const auto run = make_run(a, make_pipeline(a));
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open((dir / "p.db").c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
    auto locked = a.post("/api/v1/runs/" + run + "/progress", {{"status", "running"}});
    CHECK(locked.status == 503);
    CHECK(locked.body["detail"].get<std::string>().find("locked") != std::string::npos);
    auto no_run =
        a.post("/api/v1/pipelines/" + a.get("/api/v1/pipelines/").body[0]["id"].get<std::string>() +
                   "/runs/",
               json::object());
    CHECK(no_run.status == 503);
    sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(other);
    CHECK(a.get("/api/v1/runs/" + run).body["status"] == "pending");
    CHECK(a.get("/api/v1/runs/").body.size() == 1);
    CHECK(a.post("/api/v1/runs/" + run + "/progress", {{"status", "running"}}).status == 200);
}

TEST_CASE("a full disk gives a 5xx with a clear message and no half-written run",
          "[service][api]") {
    temp_dir dir;
    // ulimit -f 2048: no file may grow past 1 or 2 MiB (blocks of 512 bytes or 1 KiB, by shell).
    service_process svc(dir / "p.db", {}, "ulimit -f 2048;");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    const auto run = make_run(a, pid);
    const json big = {{"params", {{"blob", std::string(3 * 1024 * 1024, 'x')}}}};
    auto full = a.post("/api/v1/pipelines/" + pid + "/runs/", big);
    CHECK(full.status >= 500);
    CHECK(full.body["detail"].get<std::string>().find("full") != std::string::npos);
    CHECK(a.get("/api/v1/runs/").body.size() == 1);
    CHECK(a.post("/api/v1/runs/" + run + "/progress", {{"status", "running"}}).status == 200);
}

TEST_CASE("every read sees the writes answered before it", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    const auto pid = make_pipeline(a);
    for (int i = 0; i < 20; ++i) {
        const auto run = make_run(a, pid);
        // Reads of every kind, each leaving its statement on a row, then a write, then reads.
        CHECK(a.get("/api/v1/runs/" + run + "/checkpoints/").status == 200);
        CHECK(a.get("/api/v1/runs/" + run + "/logs/").status == 200);
        CHECK(a.get("/api/v1/pipelines/" + pid).status == 200);
        REQUIRE(a.post("/api/v1/runs/" + run + "/checkpoints/",
                       {{"action_name", "a"}, {"action_index", i}})
                    .status == 201);
        const auto next = make_run(a, pid);
        CHECK(a.get("/api/v1/runs/" + next).status == 200);
        CHECK(a.get("/api/v1/runs/" + run + "/checkpoints/latest").status == 200);
        CHECK(a.get("/api/v1/runs/" + next + "/progress").status == 200);
        REQUIRE(a.post("/api/v1/runs/" + next + "/progress", {{"status", "running"}}).status ==
                200);
        CHECK(a.get("/api/v1/runs/" + next).body["status"] == "running");
        CHECK(a.get("/api/v1/runs/?status_filter=running").body.size() ==
              static_cast<std::size_t>(i + 1));
    }
}
