// How an HTTP client transport connects. Plain data: constructing it does no I/O (Ray's token
// and dashboard address are looked up by the Ray layer, see synapse/ray/dashboard.hpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "synapse/core/config.hpp"

namespace synapse {

struct transport_options {
    /// scheme://host[:port][/path-prefix], e.g. "http://127.0.0.1:8265". Required.
    std::string base_url;
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds read_timeout{30000};
    /// Sent as `Authorization: Bearer <token>` when set. Never logged or put in an error.
    std::optional<std::string> token{};
    /// Extra attempts for idempotent requests after a connection failure or a 502/503/504.
    int max_retries = 3;
    /// The wait before the first retry; it doubles for each further one.
    std::chrono::milliseconds retry_backoff{200};
    /// Must not look like a browser: some servers (Ray's dashboard) refuse POST/PUT from
    /// "Mozilla..." agents.
    std::string user_agent = std::string("synapse-cpp/") + SYNAPSE_VERSION_STRING;
};

}  // namespace synapse
