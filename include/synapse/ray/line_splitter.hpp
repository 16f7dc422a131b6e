// Splitting a stream of text chunks into whole lines, keeping only the unfinished line.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace synapse {

/// Splits a stream of chunks into lines. A chunk may hold several lines or end mid-line; the
/// unfinished tail is kept until the rest arrives. Lines are passed without their "\n" (and
/// without a "\r" before it). Only the unfinished line is kept in memory.
class line_splitter {
  public:
    /// `on_line` gets each complete line; returning false stops the splitter (every later
    /// `feed` or `finish` returns false without calling it again).
    explicit line_splitter(std::function<bool(std::string_view line)> on_line)
        : on_line_(std::move(on_line)) {}

    /// Passes every line that `chunk` completes to the callback; false once it returned false.
    bool feed(std::string_view chunk) {
        if (stopped_) return false;
        while (!chunk.empty()) {
            const auto newline = chunk.find('\n');
            if (newline == std::string_view::npos) {
                partial_.append(chunk);
                return true;
            }
            std::string_view line = chunk.substr(0, newline);
            chunk.remove_prefix(newline + 1);
            bool keep_going;
            if (partial_.empty()) {
                keep_going = deliver(line);
            } else {
                partial_.append(line);
                std::string whole = std::move(partial_);
                partial_.clear();
                keep_going = deliver(whole);
            }
            if (!keep_going) return false;
        }
        return true;
    }

    /// Passes the unfinished last line, if any, to the callback (a log that does not end with
    /// a newline); false when the callback returned false, now or before.
    bool finish() {
        if (stopped_) return false;
        if (partial_.empty()) return true;
        std::string last = std::move(partial_);
        partial_.clear();
        return deliver(last);
    }

    /// The unfinished line so far.
    const std::string& partial() const noexcept { return partial_; }

  private:
    bool deliver(std::string_view line) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!on_line_(line)) stopped_ = true;
        return !stopped_;
    }

    std::function<bool(std::string_view)> on_line_;
    std::string partial_;
    bool stopped_ = false;
};

}  // namespace synapse
