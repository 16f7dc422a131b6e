// A log split into lines from chunks (line_splitter, as the log tail uses it): the lines joined
// with newlines give back the text, whatever the chunks.
#include <string>
#include <synapse/ray/line_splitter.hpp>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = fuzz::text(data, size);
    if (input.find('\r') != std::string_view::npos) return 0;  // "\r\n" is a line end too
    const std::size_t at = fuzz::split_point(input);
    std::string joined;
    synapse::line_splitter lines([&](std::string_view line) {
        joined.append(line).push_back('\n');
        return true;
    });
    lines.feed(input.substr(0, at));
    lines.feed(input.substr(at));
    const bool open_line = !input.empty() && input.back() != '\n';
    lines.finish();
    if (open_line) joined.pop_back();
    fuzz::expect(joined == input, "the lines give back the text");
    return 0;
}
