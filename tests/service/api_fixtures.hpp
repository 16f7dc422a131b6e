// Test helper: a two-action pipeline and a run of it on a running service, and the `loc` of a
// 422 answer.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "service_process.hpp"

namespace test_support {

inline const synapse::json two_actions =
    synapse::json::array({{{"name", "download"}, {"entrypoint", "plugin.Download"}},
                          {{"name", "train"}, {"entrypoint", "plugin.Train"}}});

inline std::string make_pipeline(api& a) {
    auto r = a.post("/api/v1/pipelines/", {{"name", "demo"}, {"actions", two_actions}});
    REQUIRE(r.status == 201);
    return r.body["id"].get<std::string>();
}

inline std::string make_run(api& a, const std::string& pipeline) {
    auto r = a.post("/api/v1/pipelines/" + pipeline + "/runs/", {{"params", {{"lr", 0.1}}}});
    REQUIRE(r.status == 201);
    return r.body["id"].get<std::string>();
}

/// The `loc` of the first 422 detail item, joined with dots.
inline std::string first_loc(const api::reply& r) {
    std::string out;
    for (const auto& p : r.body["detail"][0]["loc"])
        out += (out.empty() ? "" : ".") + (p.is_string() ? p.get<std::string>() : p.dump());
    return out;
}

}  // namespace test_support
