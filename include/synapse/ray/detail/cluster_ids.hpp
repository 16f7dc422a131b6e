// Checking ids before a request is made: job ids as synapse-sdk checks them (its messages), and
// Ray's hex ids of nodes, tasks and actors.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "synapse/core/expected.hpp"

namespace synapse::detail {

/// A submission or job id: 1..100 characters, letters, digits, `-` and `_`.
[[nodiscard]] inline expected<void> check_job_id(std::string_view id) {
    if (id.empty()) return fail(errc::invalid_argument, "job ID cannot be empty");
    for (unsigned char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return fail(errc::invalid_argument, "Invalid job ID format");
    if (id.size() > 100) return fail(errc::invalid_argument, "job ID too long");
    return {};
}

/// A node, task or actor id: `length` lowercase hex characters.
[[nodiscard]] inline expected<void> check_hex_id(std::string_view kind, std::string_view id,
                                                 std::size_t length) {
    const std::string what(kind);
    if (id.empty()) return fail(errc::invalid_argument, what + " ID cannot be empty");
    for (unsigned char c : id)
        if (!((c >= 'a' && c <= 'f') || (c >= '0' && c <= '9')))
            return fail(errc::invalid_argument,
                        "Invalid " + what + " ID format: " + what + " ids are lowercase hex");
    if (id.size() != length)
        return fail(errc::invalid_argument, what + " ID must be " + std::to_string(length) +
                                                " hex characters, not " +
                                                std::to_string(id.size()));
    return {};
}

}  // namespace synapse::detail
