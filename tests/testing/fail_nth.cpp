#include <synapse/testing/fail_nth.hpp>
#include <synapse/testing/scripted_transport.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace fail_nth_test {

synapse::http_request get(std::string target) {
    synapse::http_request r;
    r.method = "GET";
    r.target = std::move(target);
    return r;
}

bool keep_going(std::string_view) {
    return true;
}

}  // namespace fail_nth_test

using fail_nth_test::get;
using fail_nth_test::keep_going;
using synapse::errc;
using synapse::testing::fail_nth;
using synapse::testing::scripted_transport;

TEST_CASE("fail_nth of a Transport is a Transport", "[fail_nth]") {
    STATIC_REQUIRE(synapse::check_transport<fail_nth<scripted_transport>>());
}

TEST_CASE("fail_nth fails only the chosen operation with a transport_error by default",
          "[fail_nth]") {
    scripted_transport inner;
    inner.respond(200, "one").respond(200, "three");
    fail_nth t(std::move(inner), 2);

    auto first = t.send(get("/1"));
    REQUIRE(first);
    CHECK(first->body == "one");

    auto second = t.send(get("/2"));
    REQUIRE_FALSE(second);
    CHECK(second.error().code == errc::transport_error);
    CHECK(second.error().message == "injected failure of operation 2");

    auto third = t.send(get("/3"));
    REQUIRE(third);
    CHECK(third->body == "three");
    CHECK(t.count() == 3);
}

TEST_CASE("fail_nth does not pass the failed request to the wrapped transport", "[fail_nth]") {
    scripted_transport inner;
    inner.respond(200).respond(200);
    fail_nth t(std::move(inner), 1);
    REQUIRE_FALSE(t.send(get("/1")));
    REQUIRE(t.send(get("/2")));
    REQUIRE(t.inner().requests().size() == 1);
    CHECK(t.inner().requests()[0].target == "/2");
}

TEST_CASE("fail_nth counts send and stream calls together", "[fail_nth]") {
    scripted_transport inner;
    inner.respond(200).respond_chunks(200, {"a"}).respond(200);
    fail_nth t(std::move(inner), 3);
    REQUIRE(t.send(get("/1")));
    REQUIRE(t.stream(get("/2"), keep_going));
    auto third = t.stream(get("/3"), keep_going);
    REQUIRE_FALSE(third);
    CHECK(third.error().code == errc::transport_error);
    REQUIRE(t.send(get("/4")));
    CHECK(t.count() == 4);
}

TEST_CASE("fail_nth fails with the chosen error", "[fail_nth]") {
    synapse::error timeout{errc::timeout, "no answer within 100 ms"};
    fail_nth t(scripted_transport{}, 1, timeout);
    auto r = t.send(get("/1"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::timeout);
    CHECK(r.error().message == "no answer within 100 ms");
    CHECK(t.count() == 1);
}

TEST_CASE("fail_nth passes the wrapped transport's own errors through", "[fail_nth]") {
    fail_nth t(scripted_transport{}, 5);
    auto r = t.send(get("/1"));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.starts_with("no scripted response left"));
    CHECK(t.count() == 1);
}

TEST_CASE("fail_nth with n = 0 never fails", "[fail_nth]") {
    scripted_transport inner;
    inner.respond(200).respond(200);
    fail_nth t(std::move(inner), 0);
    REQUIRE(t.send(get("/1")));
    REQUIRE(t.send(get("/2")));
    CHECK(t.count() == 2);
}
