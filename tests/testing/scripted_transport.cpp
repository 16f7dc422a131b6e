#include <synapse/testing/scripted_transport.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace scripted_transport_test {

synapse::http_request get(std::string target) {
    synapse::http_request r;
    r.method = "GET";
    r.target = std::move(target);
    return r;
}

}  // namespace scripted_transport_test

using scripted_transport_test::get;
using synapse::errc;
using synapse::testing::scripted_transport;

TEST_CASE("scripted_transport satisfies the Transport concept", "[scripted_transport]") {
    STATIC_REQUIRE(synapse::check_transport<scripted_transport>());
}

TEST_CASE("scripted_transport answers with its script in order", "[scripted_transport]") {
    scripted_transport t;
    t.respond(200, R"({"ray_version":"2.52.0"})").respond(404, "Job x does not exist");
    synapse::http_response custom;
    custom.status = 204;
    custom.headers = {{"X-Custom", "1"}};
    t.respond(custom);

    auto first = t.send(get("/api/version"));
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(first->body == R"({"ray_version":"2.52.0"})");
    CHECK(first->header("content-type") == "application/json");

    auto second = t.send(get("/api/jobs/x"));
    REQUIRE(second);
    CHECK(second->status == 404);
    CHECK(second->header("Content-Type").empty());

    auto third = t.send(get("/api/serve/applications/"));
    REQUIRE(third);
    CHECK(third->status == 204);
    CHECK(third->header("x-custom") == "1");
    CHECK(t.remaining() == 0);
}

TEST_CASE("scripted_transport records every request it gets", "[scripted_transport]") {
    scripted_transport t;
    t.respond(200).respond(200);
    synapse::http_request post;
    post.method = "POST";
    post.target = "/api/jobs/";
    post.body = R"({"entrypoint":"python x.py"})";
    post.content_type = "application/json";
    post.headers = {{"X-Trace", "abc"}};
    REQUIRE(t.send(post));
    REQUIRE(t.stream(get("/api/jobs/1/logs"), [](std::string_view) { return true; }));
    REQUIRE_FALSE(t.send(get("/api/version")));

    const auto& seen = t.requests();
    REQUIRE(seen.size() == 3);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].target == "/api/jobs/");
    CHECK(seen[0].body == R"({"entrypoint":"python x.py"})");
    CHECK(seen[0].content_type == "application/json");
    CHECK(seen[0].headers.at(0).second == "abc");
    CHECK(seen[1].target == "/api/jobs/1/logs");
    CHECK(seen[2].target == "/api/version");
}

TEST_CASE("scripted_transport fails with transport_error when the script is used up",
          "[scripted_transport]") {
    scripted_transport t;
    auto r = t.send(get("/api/version"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::transport_error);
    CHECK(r.error().message.starts_with("no scripted response left"));

    auto s = t.stream(get("/api/version"), [](std::string_view) { return true; });
    REQUIRE_FALSE(s);
    CHECK(s.error().code == errc::transport_error);
}

TEST_CASE("scripted_transport returns scripted errors", "[scripted_transport]") {
    scripted_transport t;
    t.fail_with(synapse::error{errc::timeout, "no answer within 30000 ms"});
    auto r = t.send(get("/api/version"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::timeout);
    CHECK(r.error().message == "no answer within 30000 ms");
}

TEST_CASE("scripted_transport streams scripted chunks and an empty body", "[scripted_transport]") {
    scripted_transport t;
    t.respond_chunks(200, {"line 1\n", "line 2\n", "line 3\n"});
    std::vector<std::string> pieces;
    auto r = t.stream(get("/logs"), [&](std::string_view c) {
        pieces.emplace_back(c);
        return true;
    });
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body.empty());
    CHECK(pieces == std::vector<std::string>{"line 1\n", "line 2\n", "line 3\n"});
}

TEST_CASE("scripted_transport stops streaming when on_chunk returns false",
          "[scripted_transport]") {
    scripted_transport t;
    t.respond_chunks(200, {"a", "b", "c", "d"});
    std::vector<std::string> pieces;
    auto r = t.stream(get("/logs"), [&](std::string_view c) {
        pieces.emplace_back(c);
        return pieces.size() < 2;
    });
    REQUIRE(r);
    CHECK(pieces == std::vector<std::string>{"a", "b"});
}

TEST_CASE("scripted_transport streams a plain body as one chunk", "[scripted_transport]") {
    scripted_transport t;
    t.respond(200, "whole body");
    std::vector<std::string> pieces;
    auto r = t.stream(get("/logs"), [&](std::string_view c) {
        pieces.emplace_back(c);
        return true;
    });
    REQUIRE(r);
    CHECK(r->body.empty());
    CHECK(pieces == std::vector<std::string>{"whole body"});
}

TEST_CASE("scripted_transport returns an error status of a stream with its body",
          "[scripted_transport]") {
    scripted_transport t;
    t.respond(404, "Job x does not exist");
    int calls = 0;
    auto r = t.stream(get("/logs"), [&](std::string_view) {
        ++calls;
        return true;
    });
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body == "Job x does not exist");
    CHECK(calls == 0);
}

TEST_CASE("scripted_transport gives send the chunks joined", "[scripted_transport]") {
    scripted_transport t;
    t.respond_chunks(200, {"a", "b"});
    auto r = t.send(get("/logs"));
    REQUIRE(r);
    CHECK(r->body == "ab");
}
