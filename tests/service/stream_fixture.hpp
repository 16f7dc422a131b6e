// Test helper of the stream tests: a service with a two-action pipeline and a run of it, and
// reading the next event (not a heartbeat) of a raw SSE client.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "service_process.hpp"
#include "sse_client.hpp"

namespace test_support {

using synapse::json;

struct fixture {
    temp_dir dir;
    std::unique_ptr<service_process> svc;
    std::unique_ptr<api> a;
    std::string pipeline, run;

    explicit fixture(std::vector<std::string> extra = {}) {
        svc = std::make_unique<service_process>(dir / "p.db", std::move(extra));
        a = std::make_unique<api>(svc->port());
        auto p =
            a->post("/api/v1/pipelines/", {{"name", "demo"},
                                           {"actions",
                                            {{{"name", "download"}, {"entrypoint", "m.Download"}},
                                             {{"name", "train"}, {"entrypoint", "m.Train"}}}}});
        REQUIRE(p.status == 201);
        pipeline = p.body["id"].get<std::string>();
        auto r = a->post("/api/v1/pipelines/" + pipeline + "/runs/", json::object());
        REQUIRE(r.status == 201);
        run = r.body["id"].get<std::string>();
    }
    std::string stream_path() const { return "/api/v1/runs/" + run + "/progress/stream"; }
    void progress(double value) {
        REQUIRE(a->post("/api/v1/runs/" + run + "/progress",
                        {{"current_action_index", 1},
                         {"action_progress",
                          {{"name", "train"}, {"status", "running"}, {"progress", value}}}})
                    .status == 200);
    }
    void status(const std::string& s) {
        REQUIRE(a->post("/api/v1/runs/" + run + "/progress", {{"status", s}}).status == 200);
    }
};

/// The next frame that is not a heartbeat comment.
inline sse_frame next_event(sse_client& c) {
    for (;;) {
        auto f = c.next();
        REQUIRE(f);
        if (!f->is_comment()) return *f;
    }
}

inline std::uint64_t id_of(const sse_frame& f) {
    REQUIRE(f.id);
    return std::stoull(*f.id);
}

}  // namespace test_support
