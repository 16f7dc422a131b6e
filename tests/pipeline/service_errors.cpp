// The service's error bodies, both ways: the 422 detail the service writes and the error the
// client reads from any answer with an error status, whatever its body holds.
#include <synapse/pipeline/service_errors.hpp>

#include <catch2/catch.hpp>
#include <string>

#include <synapse/pipeline/models/progress.hpp>

namespace ps = synapse::pipeline_service;
using synapse::errc;
using synapse::http_response;
using synapse::json;

namespace {

http_response answer(int status, std::string body) {
    http_response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

}  // namespace

TEST_CASE("a field path and FastAPI's loc are each other's inverse", "[pipeline][errors]") {
    const json loc = ps::fastapi_loc("body", "action_progress.items[2].progress");
    CHECK(loc == json::array({"body", "action_progress", "items", 2, "progress"}));
    CHECK(ps::fastapi_path(loc) == "action_progress.items[2].progress");
    CHECK(ps::fastapi_loc("body", "") == json::array({"body"}));
    CHECK(ps::fastapi_path(json::array({"query", "limit"})) == "limit");
    CHECK(ps::fastapi_path(json::array({"body", 0, true, nullptr})) == "[0].true.null");
    CHECK(ps::fastapi_path(json("body")).empty());
}

TEST_CASE("a validation error becomes FastAPI's detail list, one item per field",
          "[pipeline][errors]") {
    auto bad = synapse::from_json<ps::progress_update>(json::parse(
        R"({"current_action_index": "two", "status": "sleeping",
            "action_progress": {"progress": 1.5}})"));
    REQUIRE_FALSE(bad);
    const json detail = ps::validation_detail(bad.error(), "body");
    REQUIRE(detail.size() == 4);
    CHECK(detail[0] == json{{"type", "type_error"},
                            {"loc", {"body", "current_action_index"}},
                            {"msg", "current_action_index: expected integer, got string \"two\""}});
    CHECK(detail[1]["type"] == "missing");
    CHECK(detail[1]["loc"] == json::array({"body", "action_progress", "name"}));
    CHECK(detail[2]["type"] == "value_error");
    CHECK(detail[2]["loc"] == json::array({"body", "action_progress", "progress"}));
    CHECK(detail[3]["type"] == "enum");
    CHECK(detail[3]["loc"] == json::array({"body", "status"}));

    auto root = synapse::from_json<ps::progress_update>(json::array());
    REQUIRE_FALSE(root);
    const json whole = ps::validation_detail(root.error(), "body");
    CHECK(whole[0]["loc"] == json::array({"body"}));
    CHECK(whole[0]["msg"] == "body: expected object, got array []");
}

TEST_CASE("error statuses map to codes with the service's detail text", "[pipeline][errors]") {
    auto not_found = ps::service_error(answer(404, R"({"detail": "Run not found"})"), "reading");
    CHECK(not_found.code == errc::not_found);
    CHECK(not_found.message == "reading: HTTP 404: Run not found");
    CHECK(ps::service_error(answer(401, "{}"), "x").code == errc::unauthorized);
    CHECK(ps::service_error(answer(403, ""), "x").code == errc::unauthorized);
    CHECK(ps::service_error(answer(413, ""), "x").code == errc::too_large);
    CHECK(ps::service_error(answer(503, ""), "x").message == "x: HTTP 503");
    auto no_status = ps::service_error(answer(0, ""), "x");
    CHECK(no_status.code == errc::malformed_response);
    CHECK(ps::detail_text(answer(404, R"({"detail": "Checkpoint not found"})")) ==
          "Checkpoint not found");
    CHECK(ps::detail_text(answer(404, R"({"detail": 5})")).empty());
}

TEST_CASE("any error body gives an error, never an exception", "[pipeline][errors]") {
    const char* bodies[] = {
        R"({"detail": ["x"]})",
        R"({"detail": 5})",
        R"({"detail": null})",
        R"({"detail": {"nested": [1, 2]}})",
        R"({"detail": [5, null, [], {"loc": "body", "msg": 7, "type": [], "input": {"a": 1}}]})",
        R"({"detail": [{"loc": [1.5, {"k": "v"}, -3, 18446744073709551615]}]})",
        R"(["detail"])",
        R"("detail")",
        "not json at all",
        "{\"detail\": \"caf\xC3\xA9\"}",
        "\xFF\xFE binary \x80",
        "",
    };
    for (const char* body : bodies) {
        INFO(body);
        synapse::error e(errc::invalid_argument, "not read yet");
        REQUIRE_NOTHROW(e = ps::service_error(answer(422, body), "posting"));
        CHECK(e.code == errc::validation_failed);
        CHECK(e.http_status == 422);
        CHECK(e.message.rfind("posting: HTTP 422", 0) == 0);
        CHECK_NOTHROW(json(e.message).dump());  // valid UTF-8
        for (const auto& f : e.fields) CHECK_NOTHROW(json(f.message + f.path + f.actual).dump());
        CHECK_NOTHROW(ps::detail_text(answer(422, body)));
    }
    auto items = ps::service_error(answer(422, R"({"detail": ["x", 5]})"), "posting");
    REQUIRE(items.fields.size() == 2);
    CHECK(items.fields[0].message == "\"x\"");
    CHECK(items.message == "posting: HTTP 422: (body): \"x\"; (body): 5");
    CHECK(ps::service_error(answer(400, R"({"detail": 5})"), "posting").message ==
          "posting: HTTP 400: 5");
}

TEST_CASE("a long error body is cut at a character boundary", "[pipeline][errors]") {
    std::string body;
    for (int i = 0; i < 400; ++i) body += "\xC3\xA9";  // 800 bytes of "é"
    body = "x" + body;                                 // so that byte 500 is mid-character
    auto e = ps::service_error(answer(500, body), "reading");
    CHECK(e.code == errc::http_error);
    CHECK_NOTHROW(json(e.message).dump());
    CHECK(e.message.size() < 540);
    CHECK(e.message.ends_with("\xC3\xA9..."));
    CHECK(e.message.find("\xEF\xBF\xBD") == std::string::npos);  // nothing had to be replaced
}
