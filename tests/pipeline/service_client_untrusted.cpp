// The pipeline service client fed answers no honest service sends: every one gives a
// synapse::error with valid UTF-8 text, never an exception.
#include <synapse/pipeline/service_client.hpp>

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "answers.hpp"

namespace ps = synapse::pipeline_service;
using namespace test_answers;
using synapse::errc;
using synapse::json;
using synapse::testing::scripted_transport;

namespace {

/// Whether every text of `e` is valid UTF-8 (nlohmann refuses to write anything else).
bool valid_utf8(const synapse::error& e) {
    try {
        json j = {e.message, e.where};
        for (const auto& f : e.fields) j.push_back({f.path, f.message, f.expected, f.actual});
        (void)j.dump();
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

/// A transport whose every call throws, as a faulty user-written transport might.
struct throwing_transport {
    using transport_concept = synapse::transport_tag;
    synapse::expected<synapse::http_response> send(const synapse::http_request&) {
        throw std::runtime_error("socket exploded");
    }
    synapse::expected<synapse::http_response> stream(const synapse::http_request&,
                                                     const synapse::chunk_handler&) {
        throw std::logic_error("stream exploded");
    }
};

}  // namespace

TEST_CASE("an error answer with a detail of any shape is an error with the status",
          "[pipeline][client][untrusted]") {
    scripted_transport t;
    t.respond(422, R"({"detail": ["x"]})")
        .respond(400, R"({"detail": 5})")
        .respond(500, R"([1, 2])")
        .respond(404, R"({"detail": {"why": null}})")
        .respond(422, R"({"detail": [{"loc": 7, "msg": ["m"]}, null]})");
    client_type c(std::move(t));
    auto list = c.get_run("r1");
    REQUIRE_FALSE(list);
    CHECK(list.error().code == errc::validation_failed);
    CHECK(list.error().message == "reading run r1: HTTP 422: (body): \"x\"");
    auto number = c.get_run("r1");
    REQUIRE_FALSE(number);
    CHECK(number.error().code == errc::http_error);
    CHECK(number.error().message == "reading run r1: HTTP 400: 5");
    auto array = c.get_run("r1");
    REQUIRE_FALSE(array);
    CHECK(array.error().message == "reading run r1: HTTP 500: [1, 2]");
    auto object = c.latest_checkpoint("r1");  // a 404 that is not "No checkpoints found"
    REQUIRE_FALSE(object);
    CHECK(object.error().code == errc::not_found);
    auto items = c.report_progress("r1", {.status = ps::run_status::running});
    REQUIRE_FALSE(items);
    CHECK(items.error().fields.size() == 2);
    CHECK(valid_utf8(items.error()));
}

TEST_CASE("a success answer that is not the expected JSON is malformed_response",
          "[pipeline][client][untrusted]") {
    scripted_transport t;
    t.respond(200, R"("just a string")")
        .respond(200, "5")
        .respond(200, "null")
        .respond(200, "[" + run_answer() + "]")  // an array where an object is expected
        .respond(200, R"({"id": "r1"})")         // an object where an array is expected
        .respond(200, R"({"run_id": "r1", "status": "running", "progress": {"a": 1}})")
        .respond(201, R"([{"id": 1}, "entry", null])")
        .respond(200, R"({"id": "c1", "run_id": "r1", "action_name": ["download"]})");
    client_type c(std::move(t));
    std::vector<synapse::error> errors;
    auto keep = [&](auto r) {
        REQUIRE_FALSE(r);
        errors.push_back(r.error());
    };
    keep(c.get_run("r1"));
    keep(c.get_pipeline("p1"));
    keep(c.health());
    keep(c.get_run("r1"));
    keep(c.list_runs());
    keep(c.get_progress("r1"));
    keep(c.append_logs("r1", {{.message = "hello"}}));
    keep(c.latest_checkpoint("r1"));
    for (const auto& e : errors) {
        INFO(e.message);
        CHECK(e.code == errc::malformed_response);
        CHECK(e.http_status.has_value());
        CHECK(valid_utf8(e));
    }
    CHECK(errors[3].message == "reading run r1: unexpected answer: 1 field failed validation");
    CHECK(errors[3].fields.at(0).message.starts_with("expected object, got array"));
    CHECK(errors[5].where == "progress");
}

TEST_CASE("answers that are not UTF-8 are errors whose text is UTF-8",
          "[pipeline][client][untrusted]") {
    scripted_transport t;
    t.respond(200, "{\"id\": \"r\xFF\", \"pipeline_id\": \"p1\"}")
        .respond(500, "\xFF\xFEproxy \xC3 failure")
        .respond(422, "{\"detail\": \"bad \xED\xA0\x80 surrogate\"}")
        .respond_chunks(200, {"event: progress\ndata: {\"run_id\": \"\xC0\xAF\"}\n\n"})
        .respond_chunks(200, {"event: error\ndata: \xFF\n\n"});
    client_type c(std::move(t));
    auto body = c.get_run("r1");
    REQUIRE_FALSE(body);
    CHECK(body.error().code == errc::malformed_response);
    CHECK(body.error().message.find("invalid JSON") != std::string::npos);
    CHECK(valid_utf8(body.error()));
    auto status = c.get_run("r1");
    REQUIRE_FALSE(status);
    CHECK(status.error().code == errc::http_error);
    CHECK(status.error().message.find("proxy") != std::string::npos);
    CHECK(status.error().message.find("\xEF\xBF\xBD") != std::string::npos);
    CHECK(valid_utf8(status.error()));
    auto detail = c.get_run("r1");
    REQUIRE_FALSE(detail);
    CHECK(detail.error().code == errc::validation_failed);
    CHECK(valid_utf8(detail.error()));
    auto event = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(event);
    CHECK(event.error().code == errc::malformed_response);
    CHECK(valid_utf8(event.error()));
    auto error_event = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(error_event);
    CHECK(error_event.error().code == errc::http_error);
    CHECK(valid_utf8(error_event.error()));
}

TEST_CASE("stream events of the wrong shape end the stream with an error",
          "[pipeline][client][untrusted]") {
    const char* frames[] = {
        "event: error\ndata: {\"error\": 5}\n\n",
        "event: error\ndata: [\"Run not found\"]\n\n",
        "event: progress\ndata: [1, 2]\n\n",
        "event: completed\ndata: \"done\"\n\n",
        "event: progress\ndata: {\"run_id\": \"r1\", \"progress\": [5]}\n\n",
    };
    for (const char* frame : frames) {
        INFO(frame);
        scripted_transport t;
        t.respond_chunks(200, {frame});
        client_type c(std::move(t));
        synapse::expected<void> done;
        REQUIRE_NOTHROW(done = c.stream_progress(
                            "r1", [](const ps::pipeline_progress&) { return true; }, {}, fast));
        REQUIRE_FALSE(done);
        CHECK((done.error().code == errc::http_error ||
               done.error().code == errc::malformed_response));
    }
    scripted_transport t;
    t.respond(404, R"({"detail": ["x", {"loc": null}]})");
    client_type c(std::move(t));
    auto unknown = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == errc::not_found);
}

TEST_CASE("user strings that are not UTF-8 are sent with U+FFFD, never thrown over",
          "[pipeline][client][untrusted]") {
    scripted_transport t;
    t.respond(201, pipeline_answer).respond(201, std::string("[") + log_answer + "]");
    client_type c(std::move(t));
    REQUIRE(c.create_pipeline({.name = "train \xFF"}));
    CHECK(json::parse(c.transport().requests().at(0).body)["name"] == "train \xEF\xBF\xBD");
    REQUIRE(c.append_logs("r1", {{.message = "\xC3", .timestamp = "2026-01-01T00:00:00Z"}}));

    auto bad_time = c.append_logs("r1", {{.message = "m", .timestamp = "noon \xFF"}});
    REQUIRE_FALSE(bad_time);
    CHECK(bad_time.error().code == errc::validation_failed);
    CHECK(bad_time.error().where == "entries[0].timestamp");
    CHECK(valid_utf8(bad_time.error()));
    CHECK(c.transport().requests().size() == 2);  // the bad entry was not sent

    auto id = c.get_run("r\xFF");  // no script left: the transport's error, named
    REQUIRE_FALSE(id);
    CHECK(valid_utf8(id.error()));
}

TEST_CASE("a transport that throws gives transport_error", "[pipeline][client][untrusted]") {
    synapse::basic_pipeline_service_client<throwing_transport> c(throwing_transport{});
    auto run = c.get_run("r1");
    REQUIRE_FALSE(run);
    CHECK(run.error().code == errc::transport_error);
    CHECK(run.error().message == "reading run r1: socket exploded");
    auto removed = c.delete_run("r1");
    REQUIRE_FALSE(removed);
    CHECK(removed.error().code == errc::transport_error);
    auto checkpoint = c.latest_checkpoint("r1");
    REQUIRE_FALSE(checkpoint);
    auto stream = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(stream);
    CHECK(stream.error().message == "streaming the progress of run r1: stream exploded");
}

TEST_CASE("an answer nested deeper than 512 levels is refused before it is parsed",
          "[pipeline][client][untrusted]") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    scripted_transport t;
    t.respond(200, R"({"id": "r1", "params": )" + deep + "}")
        .respond(500, R"({"detail": )" + deep + "}")
        .respond_chunks(200, {"event: progress\ndata: " + deep + "\n\n"});
    client_type c(std::move(t));
    auto run = c.get_run("r1");
    REQUIRE_FALSE(run);
    CHECK(run.error().code == errc::malformed_response);
    CHECK(run.error().message == "reading run r1: the answer is nested deeper than 512 levels");
    auto error_body = c.get_run("r1");
    REQUIRE_FALSE(error_body);
    CHECK(error_body.error().code == errc::http_error);
    CHECK(error_body.error().message.size() < 600);  // the body quoted, cut short
    auto event = c.stream_progress("r1", [](const ps::pipeline_progress&) { return true; });
    REQUIRE_FALSE(event);
    CHECK(event.error().code == errc::malformed_response);
}
