#include <synapse/plugin/worker_protocol.hpp>

#include <catch2/catch.hpp>

using synapse::json;
namespace wp = synapse::worker_protocol;

TEST_CASE("a request line gives its id, action and params", "[worker_protocol]") {
    auto r = wp::parse_request(R"({"id": "7", "action": "train", "params": {"epochs": 3}})");
    REQUIRE(r.value);
    CHECK_FALSE(r.problem);
    CHECK(r.value->id == "7");
    CHECK(r.value->action == "train");
    CHECK(r.value->params == json{{"epochs", 3}});
}

TEST_CASE("a request without params runs with an empty object", "[worker_protocol]") {
    auto r = wp::parse_request(R"({"id": "1", "action": "count"})");
    REQUIRE(r.value);
    CHECK(r.value->params == json::object());
}

TEST_CASE("a shutdown line reads as a request without an action", "[worker_protocol]") {
    auto r = wp::parse_request(R"({"type": "shutdown"})");
    REQUIRE(r.value);
    CHECK(r.value->action.empty());
}

TEST_CASE("a request that is not JSON is a problem naming the request line", "[worker_protocol]") {
    auto r = wp::parse_request("train please");
    CHECK_FALSE(r.value);
    REQUIRE(r.problem);
    CHECK(r.problem->code == synapse::errc::invalid_json);
    CHECK(r.problem->message.find("request line") != std::string::npos);
}

TEST_CASE("malformed requests keep their id for the error frame", "[worker_protocol]") {
    auto no_action = wp::parse_request(R"({"id": "9", "params": {}})");
    REQUIRE(no_action.problem);
    CHECK(no_action.id == "9");
    CHECK(no_action.problem->message.find("\"action\"") != std::string::npos);

    auto bad_params = wp::parse_request(R"({"id": "10", "action": "count", "params": [1]})");
    REQUIRE(bad_params.problem);
    CHECK(bad_params.id == "10");
    CHECK(bad_params.problem->message.find("\"params\" must be an object") != std::string::npos);

    auto array = wp::parse_request("[1, 2]");
    REQUIRE(array.problem);
    CHECK(array.problem->message.find("got array") != std::string::npos);
}

TEST_CASE("an error survives the trip through a frame", "[worker_protocol]") {
    synapse::error e(synapse::errc::validation_failed, "invalid params for action 'train'");
    e.where = "params";
    e.fields.push_back({"epochs", "must be at least 1", "integer >= 1", "0"});
    auto frame = synapse::parse_json(wp::error_frame("3", e));
    REQUIRE(frame);
    CHECK((*frame)["type"] == "error");
    CHECK((*frame)["id"] == "3");
    auto back = wp::error_from_json((*frame)["error"]);
    CHECK(back.code == synapse::errc::validation_failed);
    CHECK(back.message == e.message);
    CHECK(back.where == "params");
    REQUIRE(back.fields.size() == 1);
    CHECK(back.fields[0].path == "epochs");
    CHECK(back.fields[0].actual == "0");
}

TEST_CASE("an error frame with an unknown code reads as a failed action", "[worker_protocol]") {
    auto e = wp::error_from_json(json{{"code", "ValueError"}, {"message", "boom"}});
    CHECK(e.code == synapse::errc::action_failed);
    CHECK(e.message == "boom");
    CHECK(wp::error_from_json(json("not an object")).code == synapse::errc::action_failed);
}

TEST_CASE("frames are one line each, even around text with newlines", "[worker_protocol]") {
    const auto result = wp::result_frame("1", json{{"text", "a\nb"}});
    const auto event = wp::event_frame("1", R"({"type":"log","event":"x"})");
    CHECK(result.find('\n') == std::string::npos);
    CHECK(event.find('\n') == std::string::npos);
    auto parsed = synapse::parse_json(event);
    REQUIRE(parsed);
    CHECK((*parsed)["event"]["event"] == "x");
    auto request = synapse::parse_json(wp::format_request({"2", "count", json{{"add", 1}}}));
    REQUIRE(request);
    CHECK((*request)["action"] == "count");
}
