// The incremental JSON field reader (a job's log inside `{"logs": "..."}`) against
// nlohmann::json on the same text: when both accept it, the streamed text is the field's value.
#include <string>
#include <synapse/core/json.hpp>
#include <synapse/ray/detail/json_field_stream.hpp>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input = fuzz::text(data, size);
    const std::size_t at = fuzz::split_point(input);
    std::string streamed;
    synapse::detail::json_field_stream reader("logs", [&](std::string_view piece) {
        streamed.append(piece);
        return true;
    });
    const bool fed = reader.feed(input.substr(0, at)) && reader.feed(input.substr(at));
    const bool ok = fed && reader.finish().has_value();
    if (!ok) return 0;
    const auto j = synapse::json::parse(input.begin(), input.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("logs") || !j["logs"].is_string())
        return 0;  // stricter than the reader (e.g. invalid UTF-8): nothing to compare
    fuzz::expect(streamed == j["logs"].get<std::string>(), "the streamed text is the field");
    return 0;
}
