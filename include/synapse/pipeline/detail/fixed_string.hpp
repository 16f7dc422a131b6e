// A string usable as a template argument (a structural type), so that a sentence built at
// compile time can appear in the compiler's "In instantiation of ..." line: C++ before C++26
// has no static_assert message computed from the program.
#pragma once

#include <cstddef>
#include <string_view>

namespace synapse::detail {

/// N characters and a terminating '\0' (without it, GCC prints the text one character short).
template <std::size_t N>
struct fixed_string {
    char value[N + 1]{};

    constexpr fixed_string() = default;
    constexpr fixed_string(std::string_view text) {
        for (std::size_t i = 0; i < N && i < text.size(); ++i) value[i] = text[i];
    }

    static constexpr std::size_t size() { return N; }
    constexpr std::string_view view() const { return {value, N}; }
};

}  // namespace synapse::detail
