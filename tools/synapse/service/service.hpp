// `synapse service`: the pipeline service (synapse-sdk's dev-api, reference §2) on SQLite.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace httplib {
class Server;
}

namespace synapse_service {

class store;
class stream_hub;

struct service_options {
    std::string host = "127.0.0.1";
    int port = 8100;  ///< 0: any free port (printed on the first line of stdout)
    std::string db = "data/pipeline.db";
    std::string token;  ///< when set, `Authorization: Bearer <token>` is required
    std::vector<std::string> cors_origins;    ///< empty: no CORS headers; "*" allows any origin
    std::size_t max_body = 10 * 1024 * 1024;  ///< request bodies over this get 413
    std::size_t threads = 32;                 ///< worker threads (one per open connection)
    std::size_t max_streams = 24;             ///< concurrent SSE streams; over it: 503
    double heartbeat = 15.0;                  ///< seconds between SSE comment heartbeats
    std::size_t backlog = 256;   ///< SSE events kept per run for Last-Event-ID resumption
    int busy_timeout_ms = 5000;  ///< how long a write waits for another process's lock
};

/// Registers every route of the service on `server`.
void install_routes(httplib::Server& server, store& db, stream_hub& hub,
                    const service_options& options);

/// The web page served at `/` (plain HTML and JavaScript).
const std::string& web_page();

/// Runs the service until SIGINT or SIGTERM; returns the process exit status.
int run_service(const service_options& options);

}  // namespace synapse_service
