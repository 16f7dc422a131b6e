// synapse-sdk's own PipelineServiceClient (Python, from PyPI, in .venv) against the real service.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "../common/run.hpp"
#include "service_process.hpp"

using test_support::service_process;
using test_support::temp_dir;

TEST_CASE("synapse-sdk's PipelineServiceClient works against the service", "[service][sdk]") {
    if (!std::filesystem::exists(SYNAPSE_VENV_PYTHON))
        FAIL("no " SYNAPSE_VENV_PYTHON " (scripts/bootstrap creates it with synapse-sdk)");
    temp_dir dir;
    service_process svc(dir / "p.db");
    const std::string script = std::string(SYNAPSE_SOURCE_DIR) + "/tests/service/sdk_client.py";
    auto r = test_support::run({SYNAPSE_VENV_PYTHON, "-W", "ignore", script,
                                "http://127.0.0.1:" + std::to_string(svc.port())});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("all ok") != std::string::npos);
}
