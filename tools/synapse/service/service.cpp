// `synapse service`: opens the store, installs the routes, serves until SIGINT/SIGTERM.
#include "service.hpp"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include <httplib.h>
#include <pthread.h>

#include "store.hpp"
#include "stream_hub.hpp"

namespace synapse_service {

int run_service(const service_options& options) {
    // Signals are taken by one thread (sigwait) so that shutdown runs as ordinary code; every
    // other thread, created below, inherits the blocked mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN);  // a file size limit is a full disk: SQLITE_FULL, not a crash

    std::error_code ec;
    const auto parent = std::filesystem::path(options.db).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    auto opened = store::open({.path = options.db,
                               .busy_timeout_ms = options.busy_timeout_ms,
                               .readers = options.threads});
    if (!opened) {
        std::cerr << "error: " << to_string(opened.error()) << "\n";
        return 1;
    }
    auto& db = **opened;
    stream_hub hub({.backlog = options.backlog,
                    .max_runs = 1024,
                    .max_streams = options.max_streams,
                    .heartbeat = std::chrono::milliseconds(
                        static_cast<long long>(options.heartbeat * 1000.0))});
    db.set_listener(
        {.changed = [&hub](const std::string& run, const run_snapshot& s) { hub.publish(run, s); },
         .deleted = [&hub](const std::string& run) { hub.run_deleted(run); }});

    httplib::Server server;
    const auto threads = options.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server.set_payload_max_length(options.max_body);
    server.set_keep_alive_max_count(10000);
    server.set_keep_alive_timeout(2);
    // Headers and body go out in separate writes: without TCP_NODELAY, Nagle's algorithm and
    // the client's delayed ACK add ~40 ms to every small answer and SSE frame.
    server.set_tcp_nodelay(true);
    install_routes(server, db, hub, options);

    int port = options.port;
    if (port == 0) {
        port = server.bind_to_any_port(options.host);
        if (port < 0) port = -1;
    } else if (!server.bind_to_port(options.host, port)) {
        port = -1;
    }
    if (port < 0) {
        std::cerr << "error: cannot listen on " << options.host << ":" << options.port << "\n";
        return 1;
    }
    std::printf("synapse service listening on http://%s:%d (database %s)\n", options.host.c_str(),
                port, options.db.c_str());
    std::fflush(stdout);

    std::thread waiter([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        if (sig != 0) {
            std::fprintf(stderr, "synapse service: %s, shutting down\n",
                         sig == SIGINT ? "SIGINT" : "SIGTERM");
            hub.shutdown();
            server.stop();
        }
    });
    const bool ok = server.listen_after_bind();
    if (!ok && server.is_running()) std::cerr << "error: the server stopped unexpectedly\n";
    // listen_after_bind returns after a stop; if it failed on its own, wake the waiter.
    hub.shutdown();
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    return 0;
}

}  // namespace synapse_service
