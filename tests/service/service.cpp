// The service process: SIGTERM and SIGINT stop it cleanly.
#include <csignal>
#include <string>

#include <catch2/catch.hpp>

#include "service_process.hpp"

using test_support::api;
using test_support::service_process;
using test_support::temp_dir;

TEST_CASE("SIGTERM and SIGINT stop the service cleanly", "[service][api]") {
    temp_dir dir;
    service_process svc(dir / "p.db");
    CHECK(svc.stop(SIGTERM) == 0);
    CHECK(svc.log().find("SIGTERM, shutting down") != std::string::npos);
    svc.start();
    CHECK(api(svc.port()).get("/health").status == 200);
    CHECK(svc.stop(SIGINT) == 0);
    CHECK(svc.log().find("SIGINT, shutting down") != std::string::npos);
}
