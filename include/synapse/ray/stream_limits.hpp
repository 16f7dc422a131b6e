// How a job's log is followed (WebSocket, HTTP stream, or WebSocket falling back to HTTP), how
// much of it a follower accepts, and what it saw. Plain data, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace synapse {

/// The stream a log follower reads while the job runs.
enum class tail_protocol {
    websocket,  ///< the dashboard's log tail WebSocket (`/api/jobs/{id}/logs/tail`)
    http,       ///< the State API's streamed log (`/api/v0/logs/stream?submission_id=...`)
    automatic,  ///< WebSocket; HTTP from the first WebSocket failure on (each line still once)
};

/// "websocket", "http" or "auto".
constexpr std::string_view to_string(tail_protocol p) noexcept {
    switch (p) {
        case tail_protocol::websocket: return "websocket";
        case tail_protocol::http: return "http";
        case tail_protocol::automatic: return "auto";
    }
    return "auto";
}

/// The protocol named `name` ("ws" or "websocket", "http", "auto"); std::nullopt for others.
constexpr std::optional<tail_protocol> parse_tail_protocol(std::string_view name) noexcept {
    if (name == "ws" || name == "websocket") return tail_protocol::websocket;
    if (name == "http") return tail_protocol::http;
    if (name == "auto") return tail_protocol::automatic;
    return std::nullopt;
}

/// Bounds on what one follow of a log accepts; the defaults are synapse-sdk's `StreamLimits`.
/// Exceeding a count ends the follow with errc::too_large naming the limit; a line longer than
/// `max_message_size` bytes is skipped and counted (tail_stats::skipped_lines), the follow goes
/// on. synapse-sdk skips a whole WebSocket message over the size, which loses the other lines
/// it carries (Ray batches many lines per message): here the unit is the line.
struct stream_limits {
    /// WebSocket messages that carried data.
    std::uint64_t max_messages = 10'000;
    /// Lines handed over (skipped ones included).
    std::uint64_t max_lines = 50'000;
    /// Bytes of the lines handed over, newlines included.
    std::uint64_t max_bytes = 50ull * 1024 * 1024;
    /// The longest line handed over, in bytes.
    std::size_t max_message_size = 10'240;

    /// No limit at all: for a follower that holds nothing (e.g. one that prints each line).
    static constexpr stream_limits none() noexcept {
        constexpr auto most = std::numeric_limits<std::uint64_t>::max();
        return {most, most, most, std::numeric_limits<std::size_t>::max()};
    }
};

/// What one follow of a log saw.
struct tail_stats {
    std::uint64_t messages = 0;       ///< WebSocket messages that carried data
    std::uint64_t lines = 0;          ///< lines handed over or skipped as too long
    std::uint64_t bytes = 0;          ///< their bytes, newlines included
    std::uint64_t skipped_lines = 0;  ///< lines longer than max_message_size, not handed over
    /// The stream read last (a job that had ended before is read from its finished log alone).
    tail_protocol protocol = tail_protocol::websocket;
    /// Why `automatic` went over to HTTP, if it did (the WebSocket's error).
    std::optional<std::string> fell_back;
};

}  // namespace synapse
