// Internals of the pipeline layer: text from a server or a user made safe to keep in an error
// message (valid UTF-8, bounded length).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "synapse/core/detail/text.hpp"

namespace synapse::pipeline_service::detail {

/// The length of the well-formed UTF-8 sequence at `s[i]` (1 to 4), or 0 when the bytes there
/// are not one (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, cut
/// short).
constexpr std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = byte(0);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (i + n > s.size()) return 0;
    const unsigned char c1 = byte(1);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 > 0x8F))
        return 0;
    for (std::size_t k = 1; k < n; ++k)
        if ((byte(k) & 0xC0) != 0x80) return 0;
    return n;
}

/// `s` with each byte that is not part of well-formed UTF-8 replaced by U+FFFD.
inline std::string utf8_safe(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

/// `s` without surrounding whitespace, cut to at most `limit` bytes (at a character boundary,
/// then "..."), as valid UTF-8: for quoting a server's text in an error message.
inline std::string trimmed(std::string_view s, std::size_t limit = 500) {
    s = synapse::detail::trim(s);
    if (s.size() <= limit) return utf8_safe(s);
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return utf8_safe(s.substr(0, cut)) + "...";
}

}  // namespace synapse::pipeline_service::detail
