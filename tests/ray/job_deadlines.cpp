// Pending and run deadlines kept in a job's metadata.
#include <synapse/ray/job_deadlines.hpp>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

namespace {

synapse::job_details job_at(synapse::job_status status, std::int64_t start,
                            const synapse::job_deadlines& d) {
    std::map<std::string, std::string> metadata{{"owner", "me"}};
    synapse::write_deadlines(d, metadata);
    synapse::job_details job;
    job.status = status;
    job.start_time = start;
    job.metadata = metadata;
    return job;
}

}  // namespace

TEST_CASE("deadlines are written to the metadata as milliseconds and read back",
          "[job_deadlines]") {
    std::map<std::string, std::string> metadata;
    synapse::write_deadlines({90s, 2h}, metadata);
    CHECK(metadata.at("synapse_pending_deadline_ms") == "90000");
    CHECK(metadata.at("synapse_run_deadline_ms") == "7200000");
    auto back = synapse::read_deadlines(synapse::json(metadata));
    CHECK(back.pending == 90s);
    CHECK(back.run == 2h);

    std::map<std::string, std::string> none;
    synapse::write_deadlines({}, none);
    CHECK(none.empty());
}

TEST_CASE("unreadable deadline values are ignored", "[job_deadlines]") {
    auto d = synapse::read_deadlines(
        {{"synapse_pending_deadline_ms", "soon"}, {"synapse_run_deadline_ms", 5}});
    CHECK_FALSE(d.pending);
    CHECK_FALSE(d.run);
    CHECK_FALSE(synapse::read_deadlines(synapse::json::array()).run);
}

TEST_CASE("a deadline passes only for an unfinished job older than it", "[job_deadlines]") {
    using synapse::job_status;
    const std::int64_t start = 1'000'000;
    auto pending = job_at(job_status::pending, start, {1s, 10s});
    CHECK_FALSE(synapse::deadline_passed(pending, start + 1000));
    CHECK(synapse::deadline_passed(pending, start + 1001) ==
          "still PENDING after its pending deadline of 1000 ms");

    auto running = job_at(job_status::running, start, {1s, 10s});
    CHECK_FALSE(synapse::deadline_passed(running, start + 5000));
    CHECK(synapse::deadline_passed(running, start + 10'001) ==
          "RUNNING past its run deadline of 10000 ms");

    CHECK_FALSE(
        synapse::deadline_passed(job_at(job_status::succeeded, start, {1s, 1s}), start + 99'999));
    CHECK_FALSE(synapse::deadline_passed(job_at(job_status::running, start, {}), start + 99'999));
    auto no_start = job_at(job_status::running, start, {1s, 1s});
    no_start.start_time.reset();
    CHECK_FALSE(synapse::deadline_passed(no_start, start + 99'999));
}
