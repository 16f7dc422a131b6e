// Whatever a dashboard answers, each client call gives a value or one error: the Jobs API (a
// job, the job list, a stop), the State API (nodes, tasks, actors), Serve's applications and
// the cluster summary, over a transport that answers the input with status 200.
#include <string>
#include <synapse/ray/basic_cluster_client.hpp>
#include <synapse/testing/scripted_transport.hpp>

#include "fuzz_target.hpp"

namespace {

synapse::basic_cluster_client<synapse::testing::scripted_transport> answering(std::string body) {
    synapse::testing::scripted_transport t;
    for (int i = 0; i < 4; ++i) t.respond(200, body);
    return synapse::basic_cluster_client<synapse::testing::scripted_transport>(std::move(t));
}

template <class R>
void check(const R& r) {
    if (!r) fuzz::expect(!r.error().message.empty(), "an error says what was wrong");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(fuzz::text(data, size));
    check(answering(body).get_job("raysubmit_1"));
    check(answering(body).list_jobs());
    check(answering(body).stop_job("raysubmit_1"));
    check(answering(body).list_nodes());
    check(answering(body).list_tasks());
    check(answering(body).list_actors());
    check(answering(body).list_applications());
    check(answering(body).summary());
    check(answering(body).job_logs("raysubmit_1"));
    return 0;
}
