// Durability of the real service: what it answered 201 for survives kill -9 and a restart.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "service_process.hpp"

using synapse::json;
using test_support::api;
using test_support::eventually;
using test_support::service_process;
using test_support::temp_dir;

TEST_CASE("a checkpoint answered 201 survives kill -9 of the service", "[service][durability]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    std::string run;
    {
        api a(svc.port());
        auto p = a.post("/api/v1/pipelines/", {{"name", "durable"}});
        REQUIRE(p.status == 201);
        auto r = a.post("/api/v1/pipelines/" + p.body["id"].get<std::string>() + "/runs/",
                        json::object());
        REQUIRE(r.status == 201);
        run = r.body["id"].get<std::string>();
    }

    // Two writers post checkpoints (and progress) as fast as they can; the service is killed
    // while they do. Every checkpoint that got its 201 must be there after the restart.
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> count{0};
    std::vector<std::vector<json>> acknowledged(2);
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
        writers.emplace_back([&, w] {
            api a(svc.port());
            for (int i = 0; !stop; ++i) {
                json body = {{"action_name", "step-" + std::to_string(w) + "-" + std::to_string(i)},
                             {"action_index", i},
                             {"params_snapshot", {{"writer", w}, {"i", i}}},
                             {"result", {{"ok", true}}}};
                auto r = a.post("/api/v1/runs/" + run + "/checkpoints/", body);
                if (r.status != 201) break;  // the service is gone
                acknowledged[static_cast<std::size_t>(w)].push_back(r.body);
                ++count;
                a.post("/api/v1/runs/" + run + "/progress",
                       {{"current_action", body["action_name"]}});
            }
        });
    }
    REQUIRE(eventually([&] { return count >= 100; }, std::chrono::seconds(60)));
    svc.kill9();
    stop = true;
    for (auto& t : writers) t.join();
    const auto total = acknowledged[0].size() + acknowledged[1].size();
    INFO(total << " checkpoints acknowledged before kill -9");

    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((dir / "p.db").c_str(), &db) == SQLITE_OK);
        sqlite3_stmt* s = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr);
        REQUIRE(sqlite3_step(s) == SQLITE_ROW);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))) == "ok");
        sqlite3_finalize(s);
        sqlite3_close(db);
    }

    svc.start();
    api a(svc.port());
    auto list = a.get("/api/v1/runs/" + run + "/checkpoints/");
    REQUIRE(list.status == 200);
    std::set<std::string> stored;
    for (const auto& c : list.body) stored.insert(c.dump());
    std::size_t missing = 0;
    for (const auto& per_writer : acknowledged)
        for (const auto& c : per_writer) missing += stored.count(c.dump()) == 0;
    CHECK(missing == 0);
    CHECK(list.body.size() >= total);  // at most the one in flight at the kill is extra
    CHECK(list.body.size() <= total + 2);
    CHECK(a.get("/api/v1/runs/" + run + "/checkpoints/latest").status == 200);
}
