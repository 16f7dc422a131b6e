// Around the routes: the bearer token, CORS, and FastAPI's trailing-slash redirect.
#include <string>

#include <catch2/catch.hpp>

#include "api_fixtures.hpp"
#include "service_process.hpp"

using synapse::json;
using test_support::api;
using test_support::service_process;
using test_support::temp_dir;

TEST_CASE("a bearer token guards everything but /health", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db", {"--token", "s3cret"});
    api anonymous(svc.port());
    api wrong(svc.port(), "nope");
    api right(svc.port(), "s3cret");
    CHECK(anonymous.get("/health").status == 200);
    auto refused = anonymous.get("/api/v1/pipelines/");
    CHECK(refused.status == 401);
    CHECK(refused.body == json{{"detail", "Not authenticated"}});
    CHECK(wrong.get("/api/v1/pipelines/").status == 401);
    CHECK(wrong.post("/api/v1/pipelines/", {{"name", "x"}}).status == 401);
    CHECK(right.get("/api/v1/pipelines/").status == 200);
    CHECK(right.post("/api/v1/pipelines/", {{"name", "x"}}).status == 201);
    CHECK(anonymous.get("/api/v1/pipelines/?access_token=s3cret").status == 200);
}

TEST_CASE("CORS headers only when an origin is configured", "[service][api]") {
    temp_dir dir;
    httplib::Headers origin{{"Origin", "http://app.example"}};
    {
        service_process svc(dir / "a.db");
        httplib::Client c("127.0.0.1", svc.port());
        auto r = c.Get("/api/v1/pipelines/", origin);
        REQUIRE(r);
        CHECK_FALSE(r->has_header("Access-Control-Allow-Origin"));
    }
    service_process svc(dir / "b.db", {"--cors-origin", "http://app.example"});
    httplib::Client c("127.0.0.1", svc.port());
    auto r = c.Get("/api/v1/pipelines/", origin);
    REQUIRE(r);
    CHECK(r->get_header_value("Access-Control-Allow-Origin") == "http://app.example");
    auto other = c.Get("/api/v1/pipelines/", httplib::Headers{{"Origin", "http://evil.example"}});
    REQUIRE(other);
    CHECK_FALSE(other->has_header("Access-Control-Allow-Origin"));
    auto preflight = c.Options("/api/v1/pipelines/", origin);
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
    CHECK(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization") !=
          std::string::npos);
}

TEST_CASE("a path without its trailing slash is redirected with 307, as FastAPI does",
          "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    api a(svc.port());
    auto list = a.get("/api/v1/pipelines?skip=0");
    CHECK(list.status == 307);
    auto& raw = a.raw();
    auto r = raw.Post("/api/v1/pipelines", "{}", "application/json");
    REQUIRE(r);
    CHECK(r->status == 307);
    CHECK(r->get_header_value("Location") == "/api/v1/pipelines/");
    auto extra = raw.Get("/api/v1/runs/abc/");
    REQUIRE(extra);
    CHECK(extra->status == 307);
    CHECK(extra->get_header_value("Location") == "/api/v1/runs/abc");
    CHECK(a.get("/api/v1/unknown").status == 404);
}
