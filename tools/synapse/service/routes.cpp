// The HTTP routes of the pipeline service (reference §2.3): the middleware, then each group of
// endpoints (routes.hpp lists the headers).
#include "middleware.hpp"
#include "routes_pipelines.hpp"
#include "routes_records.hpp"
#include "routes_runs.hpp"
#include "service.hpp"

namespace synapse_service {

void install_routes(httplib::Server& server, store& db, stream_hub& hub,
                    const service_options& options) {
    install_middleware(server, options);
    install_pipeline_routes(server, db);
    install_run_routes(server, db, hub);
    install_record_routes(server, db);
}

}  // namespace synapse_service
