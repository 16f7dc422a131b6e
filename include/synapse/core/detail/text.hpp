// Text helpers for every layer (core is the lowest one): trimming whitespace, and telling whether
// a sentence already mentions a name. No dependencies beyond <string_view>.
#pragma once

#include <cstddef>
#include <string_view>

namespace synapse::detail {

/// The whitespace `trim` removes: what std::isspace accepts in the C locale (and Python's
/// str.strip() for ASCII).
inline constexpr std::string_view whitespace = " \t\n\v\f\r";

/// `s` without leading and trailing whitespace (a view into `s`).
constexpr std::string_view trim(std::string_view s) noexcept {
    const auto first = s.find_first_not_of(whitespace);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(whitespace) - first + 1);
}

/// True for a byte that can continue a name, a path or a number (so that "x" is not found
/// inside "x.json", "max" or "layers[1]"). Bytes of multi-byte UTF-8 characters count as
/// letters.
constexpr bool continues_name(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
           u == '-' || u == '.' || u == '/' || u == '[' || u == ']' || u >= 0x80;
}

/// True when `text` contains `name` as a whole word: an occurrence not preceded or followed by
/// a byte that would make it part of a longer name, path or number. Every text mentions the
/// empty name.
constexpr bool mentions(std::string_view text, std::string_view name) noexcept {
    if (name.empty()) return true;
    for (auto pos = text.find(name); pos != std::string_view::npos;
         pos = text.find(name, pos + 1)) {
        const std::size_t end = pos + name.size();
        const bool starts = pos == 0 || !continues_name(text[pos - 1]);
        const bool ends = end == text.size() || !continues_name(text[end]);
        if (starts && ends) return true;
    }
    return false;
}

}  // namespace synapse::detail
