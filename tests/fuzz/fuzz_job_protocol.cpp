// A plugin's output as the job protocol reads it (result scanner, output filter, error lines)
// and the worker protocol's request lines: never a crash; a result is found only between the
// markers, and the filter never shows a marker line.
#include <string>
#include <synapse/plugin/job_protocol.hpp>
#include <synapse/plugin/worker_protocol.hpp>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view output = fuzz::text(data, size);
    auto result = synapse::job_protocol::parse_result(output);
    if (result)
        fuzz::expect(output.find(synapse::job_protocol::result_start) != std::string_view::npos,
                     "a result comes only after the start marker");
    synapse::job_protocol::output_filter filter;
    std::size_t start = 0;
    while (start <= output.size()) {
        const auto end = output.find('\n', start);
        const auto line =
            output.substr(start, end == std::string_view::npos ? output.npos : end - start);
        if (filter.visible(line))
            fuzz::expect(line != synapse::job_protocol::result_start &&
                             line != synapse::job_protocol::result_end,
                         "the output filter hides the result markers");
        (void)synapse::job_protocol::read_error_line(line);
        (void)synapse::worker_protocol::parse_request(line);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return 0;
}
