// The pipeline service client's errors: the service's error answers, malformed answers, request
// bodies refused before they are sent, and transport failures.
#include <synapse/pipeline/service_client.hpp>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "answers.hpp"

namespace ps = synapse::pipeline_service;
using namespace test_answers;
using synapse::errc;
using synapse::json;
using synapse::testing::scripted_transport;

TEST_CASE("a 404 detail becomes not_found with the status and the service's text",
          "[pipeline][client]") {
    scripted_transport t;
    t.respond(404, R"({"detail": "Run not found"})");
    client_type c(std::move(t));
    auto r = c.get_run("nope");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::not_found);
    CHECK(r.error().http_status == 404);
    CHECK(r.error().message == "reading run nope: HTTP 404: Run not found");
}

TEST_CASE("a 422 validation detail names each failing field", "[pipeline][client]") {
    scripted_transport t;
    t.respond(422, R"({"detail": [{"type": "less_than_equal", "loc": ["body", "action_progress",
        "progress"], "msg": "Input should be less than or equal to 1", "input": 2.0,
        "ctx": {"le": 1.0}}, {"type": "missing", "loc": ["body", "entries", 0, "message"],
        "msg": "Field required", "input": {}}]})")
        .respond(500, "Internal Server Error");
    client_type c(std::move(t));
    auto r = c.get_progress("r1");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::validation_failed);
    CHECK(r.error().http_status == 422);
    REQUIRE(r.error().fields.size() == 2);
    CHECK(r.error().fields[0].path == "action_progress.progress");
    CHECK(r.error().fields[0].message == "Input should be less than or equal to 1");
    CHECK(r.error().fields[1].path == "entries[0].message");
    CHECK(r.error().message.find("entries[0].message: Field required") != std::string::npos);

    auto text = c.get_run("r1");  // a body that is not {"detail": ...} is quoted as it is
    REQUIRE_FALSE(text);
    CHECK(text.error().code == errc::http_error);
    CHECK(text.error().http_status == 500);
    CHECK(text.error().message == "reading run r1: HTTP 500: Internal Server Error");
}

TEST_CASE("malformed answers are malformed_response naming the problem, never a crash",
          "[pipeline][client]") {
    scripted_transport t;
    t.respond(200, "<html>proxy error</html>")
        .respond(200, R"({"id": "r1", "status": "exploded"})")
        .respond(201, R"({"not": "a list"})")
        .respond(200, "");
    client_type c(std::move(t));
    auto html = c.get_run("r1");
    REQUIRE_FALSE(html);
    CHECK(html.error().code == errc::malformed_response);
    CHECK(html.error().message.find("invalid JSON") != std::string::npos);
    auto shape = c.get_run("r1");
    REQUIRE_FALSE(shape);
    CHECK(shape.error().code == errc::malformed_response);
    std::vector<std::string> paths;
    for (const auto& f : shape.error().fields) paths.push_back(f.path);
    CHECK(std::find(paths.begin(), paths.end(), "status") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "pipeline_id") != paths.end());
    auto logs = c.append_logs("r1", {{.message = "x"}});
    REQUIRE_FALSE(logs);
    CHECK(logs.error().code == errc::malformed_response);
    CHECK(c.health().error().code == errc::malformed_response);
}

TEST_CASE("a bad request body is refused before it is sent", "[pipeline][client]") {
    scripted_transport t;
    client_type c(std::move(t));
    ps::progress_update u;
    u.action_progress = ps::action_progress{.name = "train", .progress = 1.5};
    auto r = c.report_progress("r1", u);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::validation_failed);
    CHECK(r.error().where == "action_progress.progress");
    CHECK_FALSE(c.create_pipeline({.name = ""}));
    CHECK(c.transport().requests().empty());
}

TEST_CASE("an older service's progress_category is read as progress_step", "[pipeline][client]") {
    scripted_transport t;
    t.respond(200, R"({"run_id": "r1", "status": "running", "current_action_index": 0,
        "progress": [{"name": "train", "status": "running", "progress": 0.5,
        "progress_category": "epoch"}]})");
    client_type c(std::move(t));
    auto p = c.get_progress("r1");
    REQUIRE(p);
    CHECK(p->actions().at(0).progress_step == "epoch");
}

TEST_CASE("a transport failure passes through with its code and the call named",
          "[pipeline][client]") {
    scripted_transport t;
    t.fail_with(synapse::error(errc::transport_error, "cannot connect to 127.0.0.1:1"));
    client_type c(std::move(t));
    auto r = c.get_pipeline("p1");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::transport_error);
    CHECK(r.error().message == "reading pipeline p1: cannot connect to 127.0.0.1:1");
}
