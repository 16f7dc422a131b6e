// A long streamed HTTP response read the way a WebSocket is read: `http_stream_connector<T>` is a
// WebSocketConnector whose `connect(target)` starts `GET target` on a transport of its own (one
// per stream, from a factory), on a thread, and whose `read(timeout)` hands over what arrived
// since the last read. Made for responses that never end by themselves, such as Ray's followed
// log (`/api/v0/logs/stream`): `close()` ends it at once, through the transport's `stop()` when
// it has one (httplib_transport does), so a silent stream is not waited out.
//
//     synapse::http_stream_connector<synapse::httplib_transport> http(transport_options);
//     auto stream = http.connect("/api/v0/logs/stream?submission_id=raysubmit_1&lines=-1");
//     auto text = stream->read(100ms);   // the body so far, nullopt at its end, or an error
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/transport/transport.hpp"
#include "synapse/transport/transport_options.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse {

template <Transport T>
class http_stream_connector {
  public:
    using websocket_concept = websocket_tag;
    /// Makes the transport of one stream.
    using factory = std::function<expected<T>()>;

    /// The most of a body held unread; the stream waits for reads beyond it.
    static constexpr std::size_t max_buffered = 8u * 1024u * 1024u;

    explicit http_stream_connector(factory make) : make_(std::move(make)) {}

    /// Streams on `T::create(options)`, whose read timeout is lifted: a followed log may stay
    /// silent for as long as its job runs, and the reader decides when to give up.
    explicit http_stream_connector(transport_options options)
        requires requires { T::create(options); }
        : make_([options = std::move(options)]() mutable {
              options.read_timeout = std::chrono::hours(24);
              return T::create(options);
          }) {}

    class stream {
      public:
        stream(stream&&) noexcept = default;
        stream& operator=(stream&& other) noexcept {
            if (this != &other) {
                close();
                state_ = std::move(other.state_);
                reader_ = std::move(other.reader_);
            }
            return *this;
        }
        stream(const stream&) = delete;
        stream& operator=(const stream&) = delete;
        ~stream() { close(); }

        /// Everything that arrived since the last read, waiting up to `timeout` for some:
        /// std::nullopt once the body ended, errc::timeout when nothing came in time, or the
        /// transport's error (an HTTP error status as check_status makes it).
        [[nodiscard]] expected<std::optional<std::string>> read(std::chrono::milliseconds timeout) {
            if (!state_) return fail(errc::transport_error, "the HTTP stream is closed");
            std::unique_lock lock(state_->mutex);
            state_->changed.wait_for(lock, timeout,
                                     [&] { return !state_->pieces.empty() || state_->ended; });
            if (!state_->pieces.empty()) {
                std::string out = std::move(state_->pieces.front());
                state_->pieces.pop_front();
                while (!state_->pieces.empty()) {
                    out += state_->pieces.front();
                    state_->pieces.pop_front();
                }
                state_->buffered = 0;
                state_->changed.notify_all();
                return std::optional<std::string>(std::move(out));
            }
            if (state_->failure) return fail(*state_->failure);
            if (state_->ended) return std::optional<std::string>();
            return fail(errc::timeout, "no data on the HTTP stream within " +
                                           std::to_string(timeout.count()) + " ms");
        }

        /// Ends the request (idempotent, never throws).
        void close() noexcept {
            if (!state_) return;
            std::unique_lock lock(state_->mutex);
            state_->closing = true;
            state_->changed.notify_all();
            // A stop before the request went out does nothing: repeat until the reader is done.
            while (!state_->ended) {
                lock.unlock();
                if constexpr (requires { state_->transport.stop(); }) state_->transport.stop();
                lock.lock();
                state_->changed.wait_for(lock, std::chrono::milliseconds(20),
                                         [&] { return state_->ended; });
            }
            lock.unlock();
            if (reader_.joinable()) reader_.join();
            state_.reset();
        }

      private:
        friend class http_stream_connector;
        struct shared {
            explicit shared(T t) : transport(std::move(t)) {}
            T transport;
            std::mutex mutex;
            std::condition_variable changed;
            std::deque<std::string> pieces;
            std::size_t buffered = 0;
            bool ended = false;
            bool closing = false;
            std::optional<error> failure;
        };

        stream(T transport, std::string target)
            : state_(std::make_shared<shared>(std::move(transport))) {
            reader_ = std::thread([s = state_, target = std::move(target)] {
                http_request get{"GET", target, {}, {}, {}};
                auto got = s->transport.stream(get, [&](std::string_view piece) {
                    std::unique_lock lock(s->mutex);
                    s->changed.wait(lock, [&] { return s->closing || s->buffered < max_buffered; });
                    if (s->closing) return false;
                    s->pieces.emplace_back(piece);
                    s->buffered += piece.size();
                    s->changed.notify_all();
                    return true;
                });
                auto checked = check_status(std::move(got), "streaming GET " + target);
                std::lock_guard lock(s->mutex);
                if (!checked && !s->closing) s->failure = std::move(checked).error();
                s->ended = true;
                s->changed.notify_all();
            });
        }

        std::shared_ptr<shared> state_;
        std::thread reader_;
    };

    /// Starts `GET target`; an error only when no transport could be made. What the server
    /// answers (an error status included) comes through `read`.
    [[nodiscard]] expected<stream> connect(std::string_view target) {
        auto t = make_();
        if (!t) return fail(std::move(t).error());
        try {
            return stream(std::move(*t), std::string(target));
        } catch (const std::system_error& e) {
            return fail(errc::transport_error, "cannot start a thread to read GET " +
                                                   std::string(target) + ": " + e.what());
        }
    }

  private:
    factory make_;
};

}  // namespace synapse
