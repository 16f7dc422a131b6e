// A Transport for tests: returns scripted results in order and records every request, so client
// code can be tested without a server.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse::testing {

/// Answers each `send` or `stream` call with the next scripted result and records the request.
/// When the script is used up, calls fail with errc::transport_error "no scripted response left".
///
/// For `stream`, a scripted success (status < 400) hands its chunks to `on_chunk` (the body as
/// one chunk when no chunks were given) and returns the status and headers with an empty body,
/// stopping when `on_chunk` returns false; an error status returns the body in the response, as
/// real transports do.
class scripted_transport {
  public:
    using transport_concept = transport_tag;

    /// One scripted answer: a response (or an error), and for `stream` its body in pieces.
    struct step {
        expected<http_response> result;
        std::vector<std::string> chunks;
    };

    scripted_transport() = default;

    /// Queues a response.
    scripted_transport& respond(http_response response) {
        steps_.push_back(step{std::move(response), {}});
        return *this;
    }
    /// Queues a response with `status` and `body` (and a JSON content type when the body starts
    /// with '{' or '[').
    scripted_transport& respond(int status, std::string body = {}) {
        http_response response;
        response.status = status;
        if (!body.empty() && (body.front() == '{' || body.front() == '[')) {
            response.headers.emplace_back("Content-Type", "application/json");
        }
        response.body = std::move(body);
        return respond(std::move(response));
    }
    /// Queues a response whose body `stream` delivers as these chunks (`send` gets them joined).
    scripted_transport& respond_chunks(int status, std::vector<std::string> chunks) {
        http_response response;
        response.status = status;
        for (const auto& c : chunks) response.body += c;
        steps_.push_back(step{std::move(response), std::move(chunks)});
        return *this;
    }
    /// Queues a failure (no response), e.g. `fail_with({errc::timeout, "slow"})`.
    scripted_transport& fail_with(error e) {
        steps_.push_back(step{unexpected_type<error>(std::move(e)), {}});
        return *this;
    }
    /// Queues any scripted step.
    scripted_transport& push(step s) {
        steps_.push_back(std::move(s));
        return *this;
    }

    [[nodiscard]] expected<http_response> send(const http_request& request) {
        requests_.push_back(request);
        if (steps_.empty()) return no_response_left(request);
        step s = std::move(steps_.front());
        steps_.pop_front();
        return std::move(s.result);
    }

    [[nodiscard]] expected<http_response> stream(const http_request& request,
                                                 const chunk_handler& on_chunk) {
        requests_.push_back(request);
        if (steps_.empty()) return no_response_left(request);
        step s = std::move(steps_.front());
        steps_.pop_front();
        if (!s.result || s.result->status >= 400) return std::move(s.result);
        http_response response = std::move(*s.result);
        if (s.chunks.empty() && !response.body.empty()) s.chunks.push_back(response.body);
        response.body.clear();
        for (const auto& chunk : s.chunks) {
            if (!on_chunk(chunk)) break;
        }
        return response;
    }

    /// Every request received so far, in order.
    const std::vector<http_request>& requests() const noexcept { return requests_; }
    /// The scripted steps not used yet.
    std::size_t remaining() const noexcept { return steps_.size(); }

  private:
    static expected<http_response> no_response_left(const http_request& request) {
        return fail(errc::transport_error,
                    "no scripted response left for " + request.method + " " + request.target);
    }

    std::deque<step> steps_;
    std::vector<http_request> requests_;
};

static_assert(check_transport<scripted_transport>());

}  // namespace synapse::testing
