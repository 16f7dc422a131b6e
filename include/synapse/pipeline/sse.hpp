// An incremental parser for Server-Sent Events (text/event-stream, as the WHATWG HTML standard
// specifies it): feed it the body in chunks split anywhere, get whole events back.
//
//     synapse::sse_parser parser;
//     auto ok = parser.feed(chunk, [](const synapse::sse_event& e) {
//         std::cout << e.event << ": " << e.data << '\n';
//         return true;  // false stops
//     });
//
// - Lines end with "\r\n", "\n" or "\r" (also when a chunk ends between "\r" and "\n").
// - `event:` names the event ("message" when absent), `data:` lines are joined with "\n",
//   `id:` sets the event id, which becomes the last event id when its event ends (kept for
//   later events and for reconnecting with `Last-Event-ID`, so an event cut off by a broken
//   connection is asked for again; an id containing NUL is ignored), `retry:` with only digits sets
//   the reconnection delay. One space after the colon is dropped. Lines starting with ":" are
//   comments; unknown fields are ignored; a leading byte order mark is skipped.
// - A blank line dispatches the event; an event without data is not dispatched. An unfinished
//   event at the end of a stream is dropped (`reset` starts the next connection cleanly).
// - Memory is bounded: the unfinished line plus the pending event data may not exceed
//   `max_event_size` bytes; beyond it `feed` fails with errc::too_large.
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "synapse/core/expected.hpp"

namespace synapse {

/// One dispatched event.
struct sse_event {
    std::string event = "message";  ///< the `event:` field, "message" by default
    std::string data{};             ///< the `data:` lines joined with "\n"
    std::string id{};               ///< the last event id when it was dispatched ("" if none)
};

/// Limits of an `sse_parser`.
struct sse_limits {
    /// The unfinished line plus the data of the event being read, in bytes.
    std::size_t max_event_size = 8u << 20;
};

/// Parses one event stream after another (see the top of this header). Not thread-safe.
class sse_parser {
  public:
    explicit sse_parser(sse_limits limits = {}) : limits_(limits) {}

    /// Parses `chunk` and calls `on_event(const sse_event&)` for each event it completes.
    /// Returns true, or false as soon as `on_event` returned false (the rest of the chunk is
    /// not parsed); errc::too_large when the limit is exceeded, errc::invalid_argument when
    /// `on_event` threw (the exception does not leave `feed`). After an error or a stop, call
    /// `reset` before feeding the next stream.
    template <class F>
    [[nodiscard]] expected<bool> feed(std::string_view chunk, F&& on_event) {
        static_assert(std::is_invocable_r_v<bool, F&, const sse_event&>,
                      "sse_parser::feed: on_event must be callable as bool(const sse_event&)");
        while (!chunk.empty()) {
            if (skip_lf_) {
                skip_lf_ = false;
                if (chunk.front() == '\n') {
                    chunk.remove_prefix(1);
                    continue;
                }
            }
            const auto end = chunk.find_first_of("\r\n");
            if (end == std::string_view::npos) {
                if (line_.size() + chunk.size() + pending_.data.size() > limits_.max_event_size)
                    return too_large();
                line_.append(chunk);
                break;
            }
            skip_lf_ = chunk[end] == '\r';
            std::string_view line = chunk.substr(0, end);
            chunk.remove_prefix(end + 1);
            bool keep_going = true;
            if (line_.empty()) {
                auto r = process_line(line, on_event);
                if (!r) return r;
                keep_going = *r;
            } else {
                if (line_.size() + line.size() + pending_.data.size() > limits_.max_event_size)
                    return too_large();
                line_.append(line);
                std::string whole = std::move(line_);
                line_.clear();
                auto r = process_line(whole, on_event);
                if (!r) return r;
                keep_going = *r;
            }
            if (!keep_going) return false;
        }
        return true;
    }

    /// Forgets the unfinished line and event (a stream ended or broke), with an id it set;
    /// keeps the last event id and the reconnection delay, which outlive a connection.
    void reset() {
        id_buffer_ = last_id_;
        line_.clear();
        pending_.data.clear();
        pending_.event.clear();
        has_data_ = false;
        skip_lf_ = false;
        at_start_ = true;
    }

    /// The id as of the last complete event: send it as `Last-Event-ID` when reconnecting
    /// ("" if none).
    const std::string& last_event_id() const noexcept { return last_id_; }

    /// The reconnection delay from the last valid `retry:` field, if any.
    std::optional<std::chrono::milliseconds> retry() const noexcept { return retry_; }

    /// Bytes held for the unfinished line and event.
    std::size_t buffered() const noexcept { return line_.size() + pending_.data.size(); }

  private:
    unexpected_type<error> too_large() {
        return fail(errc::too_large, "a server-sent event is larger than " +
                                         std::to_string(limits_.max_event_size) + " bytes");
    }

    template <class F>
    expected<bool> process_line(std::string_view line, F& on_event) {
        if (at_start_) {
            at_start_ = false;
            if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
        }
        if (line.empty()) return dispatch(on_event);
        if (line.front() == ':') return true;  // a comment
        std::string_view field = line, value;
        if (const auto colon = line.find(':'); colon != std::string_view::npos) {
            field = line.substr(0, colon);
            value = line.substr(colon + 1);
            if (value.starts_with(' ')) value.remove_prefix(1);
        }
        if (field == "event") {
            pending_.event.assign(value);
        } else if (field == "data") {
            if (pending_.data.size() + value.size() + 1 > limits_.max_event_size)
                return too_large();
            if (has_data_) pending_.data += '\n';
            pending_.data.append(value);
            has_data_ = true;
        } else if (field == "id") {
            if (value.find('\0') == std::string_view::npos) id_buffer_.assign(value);
        } else if (field == "retry") {
            if (!value.empty() && value.size() <= 9 &&
                value.find_first_not_of("0123456789") == std::string_view::npos) {
                long long ms = 0;
                for (char c : value) ms = ms * 10 + (c - '0');
                retry_ = std::chrono::milliseconds(ms);
            }
        }
        return true;
    }

    template <class F>
    expected<bool> dispatch(F& on_event) {
        last_id_ = id_buffer_;
        if (!has_data_) {  // nothing to dispatch: forget the event name too
            pending_.event.clear();
            return true;
        }
        sse_event out;
        out.event = pending_.event.empty() ? std::string("message") : std::move(pending_.event);
        out.data = std::move(pending_.data);
        out.id = last_id_;
        pending_.event.clear();
        pending_.data.clear();
        has_data_ = false;
        try {
            return static_cast<bool>(on_event(static_cast<const sse_event&>(out)));
        } catch (const std::exception& e) {
            return fail(errc::invalid_argument,
                        std::string("the event handler threw: ") + e.what());
        } catch (...) {
            return fail(errc::invalid_argument, "the event handler threw");
        }
    }

    sse_limits limits_{};
    std::string line_;               // the unfinished line
    sse_event pending_{"", {}, {}};  // the event being read (an empty name means "message")
    bool has_data_ = false;
    bool skip_lf_ = false;  // the last line ended with "\r": a "\n" next belongs to it
    bool at_start_ = true;
    std::string id_buffer_;  // the id of the event being read
    std::string last_id_;    // the id as of the last blank line
    std::optional<std::chrono::milliseconds> retry_{};
};

}  // namespace synapse
