// Server-sent events in two chunks split anywhere: the same events as in one chunk, or the
// same error; never a crash, and the size limit holds.
#include <string>
#include <synapse/pipeline/sse.hpp>
#include <vector>

#include "fuzz_target.hpp"

namespace {

struct outcome {
    std::vector<std::string> events;
    bool failed = false;
};

outcome parse(std::string_view first, std::string_view second) {
    synapse::sse_parser parser(synapse::sse_limits{4096});
    outcome o;
    auto on_event = [&](const synapse::sse_event& e) {
        fuzz::expect(e.data.size() <= 4096, "an event's data stays within the limit");
        o.events.push_back(e.event + "\x1f" + e.id + "\x1f" + e.data);
        return true;
    };
    for (auto chunk : {first, second}) {
        auto fed = parser.feed(chunk, on_event);
        if (!fed) {
            o.failed = true;
            break;
        }
    }
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = fuzz::text(data, size);
    const std::size_t at = fuzz::split_point(input);
    auto whole = parse(input, {});
    auto split = parse(input.substr(0, at), input.substr(at));
    if (!whole.failed && !split.failed)
        fuzz::expect(whole.events == split.events, "chunking does not change the events");
    return 0;
}
