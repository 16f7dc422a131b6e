// A WebSocketConnector for tests that opens no socket: each `connect` plays the next scripted
// connection (refused with an error, or a list of frames: text, a silent read, a normal close, a
// broken connection) and records the target. A read past the end of the script is silent. With
// a manual_clock, every silent read advances it by the read's timeout, so code that waits on a
// quiet stream runs in no wall time. Copies share the script.
//
//     synapse::testing::scripted_websocket ws;
//     ws.push({.frames = {text("line 1\n"), silent(), close_normally()}});
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/testing/manual_clock.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse::testing {

class scripted_websocket {
  public:
    using websocket_concept = websocket_tag;

    /// One step of a connection.
    struct frame {
        enum kind_t { text, silent, close_normally, broken } kind = text;
        std::string data{};  ///< the message, for `text`
    };

    /// One connection: refused, or these frames in order.
    struct connection {
        std::optional<error> refuse{};
        std::vector<frame> frames{};
    };

    /// The open socket `connect` returns.
    class socket {
      public:
        [[nodiscard]] expected<std::optional<std::string>> read(std::chrono::milliseconds timeout) {
            if (!open_) return fail(errc::transport_error, "the WebSocket connection is closed");
            if (next_ >= frames_.size() || frames_[next_].kind == frame::silent) {
                if (next_ < frames_.size()) ++next_;
                if (clock_) clock_->advance(timeout);
                return fail(errc::timeout, "no WebSocket message within " +
                                               std::to_string(timeout.count()) + " ms");
            }
            const frame& f = frames_[next_++];
            if (f.kind == frame::text) return std::optional<std::string>(f.data);
            open_ = false;
            if (f.kind == frame::close_normally) return std::optional<std::string>();
            return fail(errc::transport_error, "the WebSocket connection broke (scripted)");
        }
        void close() noexcept { open_ = false; }

      private:
        friend class scripted_websocket;
        socket(std::vector<frame> frames, std::shared_ptr<manual_clock> clock)
            : frames_(std::move(frames)), clock_(std::move(clock)) {}
        std::vector<frame> frames_;
        std::size_t next_ = 0;
        bool open_ = true;
        std::shared_ptr<manual_clock> clock_;
    };

    /// With `clock`, silent reads advance it by their timeout.
    explicit scripted_websocket(std::shared_ptr<manual_clock> clock = nullptr)
        : state_(std::make_shared<state>()) {
        state_->clock = std::move(clock);
    }

    /// Adds the next connection. Without one, `connect` is refused with a transport_error.
    void push(connection c) {
        std::lock_guard lock(state_->mutex);
        state_->connections.push_back(std::move(c));
    }

    /// The targets `connect` was called with, in order.
    std::vector<std::string> targets() const {
        std::lock_guard lock(state_->mutex);
        return state_->targets;
    }

    [[nodiscard]] expected<socket> connect(std::string_view target) {
        std::lock_guard lock(state_->mutex);
        state_->targets.emplace_back(target);
        if (state_->connections.empty())
            return fail(errc::transport_error, "cannot connect (no scripted connection left)");
        connection c = std::move(state_->connections.front());
        state_->connections.pop_front();
        if (c.refuse) return fail(std::move(*c.refuse));
        return socket(std::move(c.frames), state_->clock);
    }

  private:
    struct state {
        mutable std::mutex mutex;
        std::deque<connection> connections;
        std::vector<std::string> targets;
        std::shared_ptr<manual_clock> clock;
    };
    std::shared_ptr<state> state_;
};

/// Steps of a scripted connection.
inline scripted_websocket::frame text(std::string data) {
    return {scripted_websocket::frame::text, std::move(data)};
}
inline scripted_websocket::frame silent() {
    return {scripted_websocket::frame::silent, {}};
}
inline scripted_websocket::frame close_normally() {
    return {scripted_websocket::frame::close_normally, {}};
}
inline scripted_websocket::frame broken() {
    return {scripted_websocket::frame::broken, {}};
}

static_assert(check_websocket_connector<scripted_websocket>());

}  // namespace synapse::testing
