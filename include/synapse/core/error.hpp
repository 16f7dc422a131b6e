// synapse::error: what went wrong, where, and with which context. Every public call that can
// fail returns `synapse::expected<T>` (see expected.hpp) holding one of these; nothing throws
// across the public API (std::bad_alloc aside, as in the standard library).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/config.hpp"
#include "synapse/core/detail/text.hpp"

namespace synapse {

/// The kind of failure. One value per kind; the message and context say the rest.
enum class errc {
    invalid_json = 1,   ///< text that should be JSON is not; the message names the position
    validation_failed,  ///< a value does not match its declared type; `fields` lists every problem
    unknown_action,     ///< no action has that name; the message lists the available ones
    action_failed,      ///< an action returned an error or threw an exception
    invalid_argument,   ///< a library call got an argument outside its domain
    config_not_found,   ///< a plugin directory has no config.yaml
    config_invalid,     ///< config.yaml (or another config file) is malformed; `where` is file:line
    io_error,           ///< a file or directory could not be read or written
    protocol_error,     ///< the job protocol was not followed (env vars, result markers)
    process_failed,     ///< a child process could not start, or exited non-zero
    timeout,            ///< an operation did not finish within its time limit
    transport_error,    ///< a server could not be reached, or the connection failed mid-way
    http_error,         ///< a server answered with an error status; `http_status` has it
    unauthorized,       ///< a server refused the credentials (HTTP 401/403)
    not_found,          ///< a server has no such resource (HTTP 404)
    malformed_response,  ///< a server's answer could not be understood
    too_large,           ///< a payload exceeds a limit (e.g. Ray's 100 MiB package limit)
    already_exists,      ///< a server already has a resource with that id (a submission id)
    job_failed,          ///< a Ray job ended FAILED or STOPPED; the message has Ray's reason
    cancelled,           ///< the caller asked to stop (a stop token) before the work was done
};

/// The stable snake_case name of a code, e.g. "validation_failed".
constexpr std::string_view to_string(errc code) noexcept {
    switch (code) {
        case errc::invalid_json: return "invalid_json";
        case errc::validation_failed: return "validation_failed";
        case errc::unknown_action: return "unknown_action";
        case errc::action_failed: return "action_failed";
        case errc::invalid_argument: return "invalid_argument";
        case errc::config_not_found: return "config_not_found";
        case errc::config_invalid: return "config_invalid";
        case errc::io_error: return "io_error";
        case errc::protocol_error: return "protocol_error";
        case errc::process_failed: return "process_failed";
        case errc::timeout: return "timeout";
        case errc::transport_error: return "transport_error";
        case errc::http_error: return "http_error";
        case errc::unauthorized: return "unauthorized";
        case errc::not_found: return "not_found";
        case errc::malformed_response: return "malformed_response";
        case errc::too_large: return "too_large";
        case errc::already_exists: return "already_exists";
        case errc::job_failed: return "job_failed";
        case errc::cancelled: return "cancelled";
    }
    return "unknown_error";
}

inline std::ostream& operator<<(std::ostream& os, errc code) {
    return os << to_string(code);
}

/// One failing field of a validated value.
struct field_error {
    std::string path;      ///< JSON path of the field, e.g. "model.layers[2].size"
    std::string message;   ///< what is wrong, e.g. "expected integer, got string"
    std::string expected;  ///< the expected JSON type or constraint, e.g. "integer"
    std::string actual;    ///< what was found, e.g. "string" or "-3"

    friend bool operator==(const field_error&, const field_error&) = default;
};

/// A failure with its context. Fields that do not apply stay empty.
///
/// There is no default constructor: an error always says what kind of failure it is, and
/// "no error" is not an error but the value of an `expected` (neither tl::expected nor
/// std::expected needs a default-constructible error type).
struct error {
    error(errc c, std::string msg) : code(c), message(std::move(msg)) {}

    errc code;
    std::string message;              ///< one human sentence, no trailing newline
    std::string where;                ///< field path, or file:line for config files
    std::optional<int> http_status;   ///< HTTP status when the failure came from a server
    std::string job_id;               ///< the job the failure belongs to, when known
    std::vector<field_error> fields;  ///< every failing field, for validation_failed
    std::optional<int> exit_code;     ///< the exit status of a failed child process

    /// Adds context to the message: "reading params: <message>".
    error& prefix(std::string_view context) {
        message = std::string(context) + ": " + message;
        return *this;
    }
};

/// One line: "<code>: <message> (at <where>) [field: problem; ...]". ` (at <where>)` is left
/// out when the message already mentions `where` as a whole word (e.g. "unknown action 'fly'",
/// "config.yaml:3: ...", or a message that already ends in "(at <where>)"), so a place is
/// reported once.
inline std::string to_string(const error& e) {
    std::string out(to_string(e.code));
    out += ": ";
    out += e.message;
    if (!e.where.empty() && !detail::mentions(e.message, e.where)) out += " (at " + e.where + ")";
    if (e.http_status) out += " [HTTP " + std::to_string(*e.http_status) + "]";
    if (!e.job_id.empty()) out += " [job " + e.job_id + "]";
    if (e.exit_code) out += " [exit " + std::to_string(*e.exit_code) + "]";
    for (std::size_t i = 0; i < e.fields.size(); ++i) {
        out += i == 0 ? ": " : "; ";
        out += e.fields[i].path.empty() ? "(root)" : e.fields[i].path;
        out += ": ";
        out += e.fields[i].message;
    }
    return out;
}

inline std::ostream& operator<<(std::ostream& os, const error& e) {
    return os << to_string(e);
}

}  // namespace synapse
