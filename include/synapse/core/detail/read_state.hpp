// Internals of codec.hpp: the state of one validation pass (the JSON path being read and the
// errors found so far), and the options it reads with.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/error.hpp"
#include "synapse/core/json.hpp"

namespace synapse {

/// How strictly values are read.
struct parse_options {
    /// Reject object keys that no field declares. Off by default, because pipelines pass the
    /// params accumulated over several actions to each action.
    bool strict = false;
};

namespace detail {

/// The cursor of one validation pass: where in the JSON value we are, and the errors found so
/// far. The path is kept as a stack of segments and only spelled out when an error is recorded,
/// so validating a good value allocates nothing for paths.
class read_state {
  public:
    explicit read_state(parse_options options = {}) : options_(options) {}

    const parse_options& options() const noexcept { return options_; }
    std::vector<field_error>& errors() noexcept { return errors_; }
    std::size_t error_count() const noexcept { return errors_.size(); }

    /// The current JSON path, e.g. "model.layers[2].units" ("" at the root).
    std::string path() const {
        std::string out;
        for (std::size_t i = 0; i < depth_ && i < max_depth; ++i) {
            const auto& s = segments_[i];
            if (s.is_index) {
                out += '[';
                out += std::to_string(s.key_size);
                out += ']';
            } else {
                if (!out.empty()) out += '.';
                out.append(s.key_data, s.key_size);
            }
        }
        if (depth_ > max_depth) out += "...";
        return out;
    }

    /// Records "expected <expected>, got <actual type> <preview>" at the current path.
    void type_mismatch(std::string_view expected_type, const json& actual) {
        std::string actual_text(json_type_name(actual));
        if (!actual.is_null()) actual_text += " " + preview(actual);
        add(std::string("expected ") + std::string(expected_type) + ", got " + actual_text,
            std::string(expected_type), std::string(json_type_name(actual)));
    }

    void add(std::string message, std::string expected_value = {}, std::string actual = {}) {
        errors_.push_back(
            {path(), std::move(message), std::move(expected_value), std::move(actual)});
    }

    /// Pops the segment pushed by enter_key / enter_index when a nested value has been read.
    class scope {
      public:
        explicit scope(read_state& s) : s_(s) {}
        scope(const scope&) = delete;
        scope& operator=(const scope&) = delete;
        ~scope() { --s_.depth_; }

      private:
        read_state& s_;
    };

    /// Enters object key `key`, which must outlive the returned scope.
    [[nodiscard]] scope enter_key(std::string_view key) {
        push({key.data(), key.size(), false});
        return scope(*this);
    }

    [[nodiscard]] scope enter_index(std::size_t index) {
        push({nullptr, index, true});
        return scope(*this);
    }

    /// `value` as JSON text for a message: at most 40 bytes ("..." marks a cut, made between
    /// UTF-8 characters), with invalid UTF-8 written as U+FFFD.
    static std::string preview(const json& value) {
        std::string text = dump(value);
        if (text.size() <= 40) return text;
        std::size_t cut = 37;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
        text.resize(cut);
        return text + "...";
    }

  private:
    // Trivial, so the segment stack below costs nothing to create.
    struct segment {
        const char* key_data;
        std::size_t key_size;  // or the array index
        bool is_index;
    };

    // Paths deeper than this are shown cut short with "..." (no allocation while reading).
    static constexpr std::size_t max_depth = 32;

    void push(segment s) {
        if (depth_ < max_depth) segments_[depth_] = s;
        ++depth_;
    }

    parse_options options_;
    std::array<segment, max_depth> segments_;  // only [0, depth_) is ever read
    std::size_t depth_ = 0;
    std::vector<field_error> errors_;
};

}  // namespace detail

}  // namespace synapse
