// The HTTP routes of the pipeline service (reference §2.3), one header per group, all compiled
// in routes.cpp: middleware.hpp (authentication, CORS, redirects, error bodies),
// routes_pipelines.hpp, routes_runs.hpp (with the SSE stream), routes_records.hpp (checkpoints
// and logs). Requests are read by requests.hpp and answered by replies.hpp.
#pragma once

#include <string>

namespace synapse_service {

/// The API's prefix: every route but /health and the page is under it.
inline const std::string api_prefix = "/api/v1";

}  // namespace synapse_service
