// A Transport wrapper for tests: makes the Nth operation fail, to exercise error paths of code
// that talks to a server (a failure in the middle of an upload, of a poll loop, ...).
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse::testing {

/// Forwards `send` and `stream` to the wrapped transport, except that operation number `n`
/// (1-based, counting both kinds) fails with the chosen error instead of reaching it.
template <Transport T>
class fail_nth {
  public:
    using transport_concept = transport_tag;

    /// Fails operation `n` with errc::transport_error "injected failure of operation <n>".
    fail_nth(T inner, std::size_t n) : fail_nth(std::move(inner), n, default_error(n)) {}
    /// Fails operation `n` with `failure`.
    fail_nth(T inner, std::size_t n, error failure)
        : inner_(std::move(inner)), n_(n), failure_(std::move(failure)) {}

    [[nodiscard]] expected<http_response> send(const http_request& request) {
        if (++count_ == n_) return fail(failure_);
        return inner_.send(request);
    }

    [[nodiscard]] expected<http_response> stream(const http_request& request,
                                                 const chunk_handler& on_chunk) {
        if (++count_ == n_) return fail(failure_);
        return inner_.stream(request, on_chunk);
    }

    /// How many operations were attempted, the failed one included.
    std::size_t count() const noexcept { return count_; }
    /// The wrapped transport.
    T& inner() noexcept { return inner_; }
    const T& inner() const noexcept { return inner_; }

  private:
    static error default_error(std::size_t n) {
        return error{errc::transport_error, "injected failure of operation " + std::to_string(n)};
    }

    T inner_;
    std::size_t n_;
    std::size_t count_ = 0;
    error failure_;
};

}  // namespace synapse::testing
