#include <synapse/core/error.hpp>

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace core_error_test {

std::string streamed(const auto& value) {
    std::ostringstream os;
    os << value;
    return os.str();
}

}  // namespace core_error_test

using core_error_test::streamed;
using synapse::errc;

TEST_CASE("every error code has a stable snake_case name", "[error]") {
    const std::vector<std::pair<errc, std::string_view>> names = {
        {errc::invalid_json, "invalid_json"},
        {errc::validation_failed, "validation_failed"},
        {errc::unknown_action, "unknown_action"},
        {errc::action_failed, "action_failed"},
        {errc::invalid_argument, "invalid_argument"},
        {errc::config_not_found, "config_not_found"},
        {errc::config_invalid, "config_invalid"},
        {errc::io_error, "io_error"},
        {errc::protocol_error, "protocol_error"},
        {errc::process_failed, "process_failed"},
        {errc::timeout, "timeout"},
        {errc::transport_error, "transport_error"},
        {errc::http_error, "http_error"},
        {errc::unauthorized, "unauthorized"},
        {errc::not_found, "not_found"},
        {errc::malformed_response, "malformed_response"},
        {errc::too_large, "too_large"},
        {errc::already_exists, "already_exists"},
        {errc::job_failed, "job_failed"},
    };
    for (const auto& [code, name] : names) {
        INFO("code " << static_cast<int>(code));
        CHECK(synapse::to_string(code) == name);
    }
    CHECK(static_cast<int>(errc::invalid_json) == 1);
    CHECK(static_cast<int>(errc::timeout) == 11);
}

TEST_CASE("error code names are usable at compile time", "[error]") {
    STATIC_REQUIRE(synapse::to_string(errc::io_error) == "io_error");
    STATIC_REQUIRE(noexcept(synapse::to_string(errc::timeout)));
}

TEST_CASE("a value outside the enumeration is named unknown_error", "[error]") {
    CHECK(synapse::to_string(static_cast<errc>(0)) == "unknown_error");
    CHECK(synapse::to_string(static_cast<errc>(999)) == "unknown_error");
}

TEST_CASE("an error code streams as its name", "[error]") {
    CHECK(streamed(errc::validation_failed) == "validation_failed");
    CHECK(streamed(errc::process_failed) == "process_failed");
}

TEST_CASE("an error cannot be made without saying what kind of failure it is", "[error]") {
    STATIC_REQUIRE_FALSE(std::is_default_constructible_v<synapse::error>);
    STATIC_REQUIRE(std::is_constructible_v<synapse::error, errc, std::string>);
}

TEST_CASE("a new error has its code and message and no context", "[error]") {
    synapse::error e(errc::io_error, "");
    CHECK(e.code == errc::io_error);
    CHECK(e.message.empty());
    CHECK(e.where.empty());
    CHECK_FALSE(e.http_status.has_value());
    CHECK(e.job_id.empty());
    CHECK(e.fields.empty());
    CHECK_FALSE(e.exit_code.has_value());
    CHECK(synapse::to_string(e) == "io_error: ");
}

TEST_CASE("an error without context prints as code and message", "[error]") {
    synapse::error e(errc::io_error, "cannot read params file");
    CHECK(synapse::to_string(e) == "io_error: cannot read params file");
}

TEST_CASE("an error prints where it happened", "[error]") {
    synapse::error e(errc::config_invalid, "bad indentation");
    e.where = "config.yaml:12";
    CHECK(synapse::to_string(e) == "config_invalid: bad indentation (at config.yaml:12)");
}

TEST_CASE("an error prints its HTTP status", "[error]") {
    synapse::error e(errc::process_failed, "job submission rejected");
    e.http_status = 503;
    CHECK(synapse::to_string(e) == "process_failed: job submission rejected [HTTP 503]");
}

TEST_CASE("an error prints its job id", "[error]") {
    synapse::error e(errc::timeout, "job did not finish");
    e.job_id = "raysubmit_42";
    CHECK(synapse::to_string(e) == "timeout: job did not finish [job raysubmit_42]");
}

TEST_CASE("an error prints the exit status of a failed process, including zero", "[error]") {
    synapse::error e(errc::protocol_error, "no result marker");
    e.exit_code = 0;
    CHECK(synapse::to_string(e) == "protocol_error: no result marker [exit 0]");
    e.exit_code = -9;
    CHECK(synapse::to_string(e) == "protocol_error: no result marker [exit -9]");
}

TEST_CASE("an error prints every failing field, separated by semicolons", "[error]") {
    synapse::error e(errc::validation_failed, "2 fields failed validation");
    e.fields.push_back(
        {"model.layers[2].size", "expected integer, got string \"x\"", "integer", "string"});
    e.fields.push_back({"epochs", "missing required field", "present", "absent"});
    CHECK(synapse::to_string(e) ==
          "validation_failed: 2 fields failed validation: model.layers[2].size: expected "
          "integer, got string \"x\"; epochs: missing required field");
}

TEST_CASE("a failing field with an empty path prints as (root)", "[error]") {
    synapse::error e(errc::validation_failed, "1 field failed validation");
    e.fields.push_back({"", "expected object, got integer 3", "object", "integer"});
    CHECK(synapse::to_string(e) ==
          "validation_failed: 1 field failed validation: (root): expected object, got integer 3");
}

TEST_CASE("an error with all its context prints it on one line in a fixed order", "[error]") {
    synapse::error e(errc::action_failed, "training diverged");
    e.where = "train";
    e.http_status = 500;
    e.job_id = "job-7";
    e.exit_code = 3;
    e.fields.push_back({"learning_rate", "must be at most 1.0, got 5.0", "constraint", ""});
    const std::string text = synapse::to_string(e);
    CHECK(text ==
          "action_failed: training diverged (at train) [HTTP 500] [job job-7] [exit 3]: "
          "learning_rate: must be at most 1.0, got 5.0");
    CHECK(text.find('\n') == std::string::npos);
}

TEST_CASE("an error streams exactly as to_string prints it", "[error]") {
    synapse::error e(errc::unknown_action, "no action named \"trian\"");
    e.where = "actions";
    e.job_id = "j1";
    CHECK(streamed(e) == "unknown_action: no action named \"trian\" (at actions) [job j1]");
    CHECK(streamed(e) == synapse::to_string(e));
}

TEST_CASE("prefix adds context in front of the message and can be chained", "[error]") {
    synapse::error e(errc::io_error, "file not found");
    synapse::error& same = e.prefix("reading params");
    CHECK(&same == &e);
    CHECK(e.message == "reading params: file not found");
    e.prefix("action train").prefix("pipeline p");
    CHECK(e.message == "pipeline p: action train: reading params: file not found");
    CHECK(e.code == errc::io_error);
    CHECK(synapse::to_string(e) ==
          "io_error: pipeline p: action train: reading params: file not found");
}

TEST_CASE("prefix leaves the other context untouched", "[error]") {
    synapse::error e(errc::config_invalid, "unexpected key");
    e.where = "config.yaml:3";
    e.exit_code = 1;
    e.prefix("loading plugin");
    CHECK(e.where == "config.yaml:3");
    CHECK(synapse::to_string(e) ==
          "config_invalid: loading plugin: unexpected key (at config.yaml:3) [exit 1]");
}

TEST_CASE("field errors compare equal member by member", "[error]") {
    synapse::field_error a{"x", "bad", "integer", "string"};
    synapse::field_error b = a;
    CHECK(a == b);
    b.actual = "null";
    CHECK_FALSE(a == b);
}

TEST_CASE("where is not repeated when the message already names it", "[error]") {
    synapse::error unknown(errc::unknown_action, "unknown action 'fly'; available: train");
    unknown.where = "fly";
    CHECK(synapse::to_string(unknown) == "unknown_action: unknown action 'fly'; available: train");

    synapse::error config(errc::config_invalid, "/p/config.yaml:3: name: required");
    config.where = "/p/config.yaml:3";
    CHECK(synapse::to_string(config) == "config_invalid: /p/config.yaml:3: name: required");
    config.prefix("loading plugin");
    CHECK(synapse::to_string(config) ==
          "config_invalid: loading plugin: /p/config.yaml:3: name: required");
}

TEST_CASE("where is printed once even when the message already carries (at where)", "[error]") {
    // What invoke_action makes of an action's own error: its text, where included, in the
    // message, and the same where.
    synapse::error e(errc::action_failed,
                     "action 'load' failed: io_error: cannot read model 'x' (at x)");
    e.where = "x";
    CHECK(synapse::to_string(e) ==
          "action_failed: action 'load' failed: io_error: cannot read model 'x' (at x)");
}

TEST_CASE("where is printed when the message names it only inside a longer name", "[error]") {
    const auto printed = [](std::string message, std::string where) {
        synapse::error e(errc::validation_failed, std::move(message));
        e.where = std::move(where);
        return synapse::to_string(e);
    };
    CHECK(printed("cannot read x.json", "x") == "validation_failed: cannot read x.json (at x)");
    CHECK(printed("max is 3", "x") == "validation_failed: max is 3 (at x)");
    CHECK(printed("layers[1] is bad", "layers") ==
          "validation_failed: layers[1] is bad (at layers)");
    CHECK(printed("model.units is bad", "units") ==
          "validation_failed: model.units is bad (at units)");
    CHECK(printed("config.yaml:30: bad", "config.yaml:3") ==
          "validation_failed: config.yaml:30: bad (at config.yaml:3)");
}
