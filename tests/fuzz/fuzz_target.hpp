// What every fuzz target shares: the libFuzzer entry point's signature, and `expect`, which ends
// the process when a property the target checks does not hold (libFuzzer, and the corpus replay
// in the unit suite, report it as a crash with the input that caused it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fuzz {

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

/// Splits the input where its first byte says: the chunks a stream would bring.
inline std::size_t split_point(std::string_view input) {
    if (input.empty()) return 0;
    return static_cast<unsigned char>(input.front()) % (input.size() + 1);
}

inline void expect(bool holds, const char* property) {
    if (holds) return;
    std::fprintf(stderr, "fuzz: property violated: %s\n", property);
    std::abort();
}

}  // namespace fuzz
