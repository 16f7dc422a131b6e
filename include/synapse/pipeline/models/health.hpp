// GET /health of the pipeline service.
#pragma once

#include <string>

#include "synapse/core/reflect.hpp"

namespace synapse::pipeline_service {

/// GET /health: `{"status": "healthy", "service": "Synapse Pipeline Service"}`.
struct health {
    std::string status{};
    std::string service{};
};

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT(synapse::pipeline_service::health, status, service)
