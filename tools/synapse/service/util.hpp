// Small helpers of the pipeline service: the current time as dev-api writes it, UUID4 ids, JSON
// written the way Python's json.dumps writes it (for SSE data lines), and comparing tokens.
// Timestamps are read and written by <synapse/pipeline/timestamp.hpp>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <synapse/core/json.hpp>
#include <synapse/pipeline/timestamp.hpp>

namespace synapse_service {

using synapse::json;

/// Microseconds since the Unix epoch, UTC.
std::int64_t now_micros();

/// Now, as dev-api writes it: naive UTC ISO-8601 with microseconds.
inline std::string now_timestamp() {
    return synapse::pipeline_service::format_timestamp(now_micros());
}

/// A random UUID4 string (36 characters).
std::string new_uuid4();

/// JSON as Python's json.dumps writes it with its defaults: ", " and ": " separators and
/// non-ASCII escaped (bytes that are not UTF-8 become U+FFFD).
std::string python_dumps(const json& j);

/// Constant-time comparison (for tokens).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace synapse_service
