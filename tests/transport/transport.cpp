#include <synapse/transport/transport.hpp>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace transport_test {

struct minimal_transport {
    using transport_concept = synapse::transport_tag;
    synapse::expected<synapse::http_response> send(const synapse::http_request&) { return {}; }
    synapse::expected<synapse::http_response> stream(const synapse::http_request&,
                                                     const synapse::chunk_handler&) {
        return {};
    }
};

struct untagged_transport {
    synapse::expected<synapse::http_response> send(const synapse::http_request&) { return {}; }
    synapse::expected<synapse::http_response> stream(const synapse::http_request&,
                                                     const synapse::chunk_handler&) {
        return {};
    }
};

struct send_only_transport {
    using transport_concept = synapse::transport_tag;
    synapse::expected<synapse::http_response> send(const synapse::http_request&) { return {}; }
};

struct wrong_return_transport {
    using transport_concept = synapse::transport_tag;
    synapse::http_response send(const synapse::http_request&) { return {}; }
    synapse::expected<synapse::http_response> stream(const synapse::http_request&,
                                                     const synapse::chunk_handler&) {
        return {};
    }
};

synapse::http_response response(int status, std::string body) {
    synapse::http_response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

}  // namespace transport_test

using synapse::errc;
using namespace transport_test;

TEST_CASE("a tagged type with send and stream is a Transport", "[transport]") {
    STATIC_REQUIRE(synapse::Transport<minimal_transport>);
    STATIC_REQUIRE(synapse::check_transport<minimal_transport>());
}

TEST_CASE("a type without the transport tag is not a Transport", "[transport]") {
    STATIC_REQUIRE_FALSE(synapse::Transport<untagged_transport>);
}

TEST_CASE("a type without stream or with the wrong return type is not a Transport", "[transport]") {
    STATIC_REQUIRE_FALSE(synapse::Transport<send_only_transport>);
    STATIC_REQUIRE_FALSE(synapse::Transport<wrong_return_transport>);
    STATIC_REQUIRE_FALSE(synapse::Transport<int>);
}

TEST_CASE("response headers are looked up case-insensitively", "[transport]") {
    synapse::http_response r;
    r.headers = {{"Content-Type", "application/json"}, {"X-Ray", "1"}, {"x-ray", "2"}};
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.header("CONTENT-TYPE") == "application/json");
    CHECK(r.header("X-RAY") == "1");
    CHECK(r.header("Missing").empty());
}

TEST_CASE("GET, HEAD, PUT, DELETE and OPTIONS are idempotent but POST and PATCH are not",
          "[transport]") {
    for (std::string_view m : {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "get", "Delete"}) {
        CHECK(synapse::is_idempotent(m));
    }
    for (std::string_view m : {"POST", "PATCH", "CONNECT", "", "GETX"}) {
        CHECK_FALSE(synapse::is_idempotent(m));
    }
}

TEST_CASE("check_status passes success and redirect statuses through", "[transport][status]") {
    for (int status : {200, 201, 204, 304}) {
        auto r = synapse::check_status(response(status, "ok"), "listing jobs");
        REQUIRE(r);
        CHECK(r->status == status);
        CHECK(r->body == "ok");
    }
}

TEST_CASE("check_status maps 401 and 403 to unauthorized with the status and body",
          "[transport][status]") {
    for (int status : {401, 403}) {
        auto r = synapse::check_status(
            response(status, "Unauthorized: Missing authentication token\n"), "listing jobs");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::unauthorized);
        CHECK(r.error().http_status == status);
        CHECK(r.error().message.starts_with("listing jobs: HTTP " + std::to_string(status) +
                                            ": Unauthorized: Missing authentication token"));
        // The transport knows no Ray: where Ray's token comes from is said by the Ray layer.
        CHECK(r.error().message.find("RAY_AUTH_TOKEN") == std::string::npos);
    }
}

TEST_CASE("errc_for_http_status is the one status mapping", "[transport][status]") {
    CHECK(synapse::errc_for_http_status(401) == errc::unauthorized);
    CHECK(synapse::errc_for_http_status(403) == errc::unauthorized);
    CHECK(synapse::errc_for_http_status(404) == errc::not_found);
    CHECK(synapse::errc_for_http_status(413) == errc::too_large);
    CHECK(synapse::errc_for_http_status(500) == errc::http_error);
    CHECK(synapse::errc_for_http_status(422) == errc::http_error);
}

TEST_CASE("check_status maps 404 to not_found and quotes the server", "[transport][status]") {
    auto r = synapse::check_status(response(404, "Job raysubmit_1 does not exist"), "getting job");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::not_found);
    CHECK(r.error().http_status == 404);
    CHECK(r.error().message == "getting job: HTTP 404: Job raysubmit_1 does not exist");
}

TEST_CASE("check_status maps other error statuses to http_error", "[transport][status]") {
    for (int status : {400, 405, 422, 500, 503}) {
        auto r = synapse::check_status(response(status, ""), "submitting job");
        REQUIRE_FALSE(r);
        CHECK(r.error().code == errc::http_error);
        CHECK(r.error().http_status == status);
        CHECK(r.error().message == "submitting job: HTTP " + std::to_string(status));
    }
}

TEST_CASE("check_status cuts a long server body to 500 characters", "[transport][status]") {
    const std::string traceback = "  Traceback\n" + std::string(2000, 'x') + "\n";
    auto r = synapse::check_status(response(500, traceback), "submitting job");
    REQUIRE_FALSE(r);
    const std::string& m = r.error().message;
    CHECK(m.starts_with("submitting job: HTTP 500: Traceback\n"));
    CHECK(m.ends_with("..."));
    CHECK(m.size() == std::string("submitting job: HTTP 500: ").size() + 500 + 3);
}

TEST_CASE("check_status reports a missing status as a malformed response", "[transport][status]") {
    auto r = synapse::check_status(response(0, ""), "");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::malformed_response);
    CHECK_FALSE(r.error().http_status.has_value());
}

TEST_CASE("check_status passes transport errors through unchanged", "[transport][status]") {
    synapse::expected<synapse::http_response> failed =
        synapse::fail(errc::timeout, "no answer within 100 ms");
    auto r = synapse::check_status(std::move(failed), "listing jobs");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::timeout);
    CHECK(r.error().message == "no answer within 100 ms");
}
