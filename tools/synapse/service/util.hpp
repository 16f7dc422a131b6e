// Small helpers of the pipeline service: timestamps as dev-api writes them, UUID4 ids, JSON
// written the way Python's json.dumps writes it (for SSE data lines), and a nesting guard.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <synapse/core/json.hpp>

namespace synapse_service {

using synapse::json;

/// Microseconds since the Unix epoch, UTC.
std::int64_t now_micros();

/// Naive UTC ISO-8601 with microseconds, as dev-api writes it: "2026-11-22T01:02:03.456789".
std::string format_timestamp(std::int64_t micros);
inline std::string now_timestamp() {
    return format_timestamp(now_micros());
}

/// Reads "YYYY-MM-DD[THH:MM[:SS[.ffffff]]][Z|+HH:MM|-HH:MM]" (a space may replace the T).
/// A time with an offset is converted to UTC; a naive time is taken as UTC.
std::optional<std::int64_t> parse_timestamp(std::string_view text);

/// A random UUID4 string (36 characters).
std::string new_uuid4();

/// JSON as Python's json.dumps writes it with its defaults: ", " and ": " separators and
/// non-ASCII escaped.
std::string python_dumps(const json& j);

/// The deepest nesting of arrays and objects in JSON text (strings are skipped).
std::size_t json_nesting_depth(std::string_view text);

/// Constant-time comparison (for tokens).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace synapse_service
