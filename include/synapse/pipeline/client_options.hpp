// Options of the pipeline service client: where the service is, paging of the list calls and
// filters of the log query (progress_stream.hpp has the progress stream's options).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "synapse/pipeline/models/status.hpp"
#include "synapse/transport/httplib_transport.hpp"

namespace synapse {

/// Transport options for a pipeline service at `base_url`: no bearer token (the Ray token is
/// not sent to another service; set `token` for a service started with `--token`).
inline transport_options pipeline_service_options(std::string base_url = "http://127.0.0.1:8100") {
    transport_options o;
    o.base_url = std::move(base_url);
    o.token.reset();
    return o;
}

/// Paging of the list calls (the service's `skip` and `limit`).
struct page {
    int skip = 0;
    int limit = 100;
};

/// Filters of `get_logs`. `since` is an ISO-8601 timestamp; entries strictly after it match.
struct log_query {
    std::optional<std::string> action_name{};
    std::optional<pipeline_service::log_level> level{};
    std::optional<std::string> since{};
    int limit = 1000;  ///< 1 to 10000
};

}  // namespace synapse
