// Decodes one string field of a JSON object that arrives in chunks, without holding the document:
// `{"logs": "<megabytes>"}` is handed on as decoded text pieces while it streams in. Memory stays
// at a few bytes (a pending escape, the current key) however long the string is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/expected.hpp"

namespace synapse::detail {

/// Feeds the chunks of a JSON object; the decoded value of the top-level string field `key` goes
/// to `on_text` in pieces (escapes decoded, UTF-8 kept). Other fields, of any type, are skipped.
/// `finish` says whether the document was a complete object containing the field.
class json_field_stream {
  public:
    json_field_stream(std::string key, std::function<bool(std::string_view)> on_text)
        : key_(std::move(key)), on_text_(std::move(on_text)) {}

    /// Consumes a chunk; false when the document is malformed (see `error_message`) or `on_text`
    /// returned false.
    bool feed(std::string_view chunk) {
        for (std::size_t i = 0; i < chunk.size() && ok_; ++i) {
            const char c = chunk[i];
            if (state_ == state::value_string && !in_escape_ && c != '\\' && c != '"') {
                // Hand on the run of plain characters in one piece.
                std::size_t end = i;
                while (end < chunk.size() && chunk[end] != '\\' && chunk[end] != '"') ++end;
                offset_ += end - i;
                if (!emit(chunk.substr(i, end - i))) return false;
                i = end - 1;
                continue;
            }
            step(c);
        }
        return ok_ && !stopped_;
    }

    /// Ends the document: ok when it was complete and held the field as a string.
    expected<void> finish() const {
        if (!ok_) return fail(errc::malformed_response, error_);
        if (state_ != state::done)
            return fail(errc::malformed_response, "the JSON answer ended early");
        if (!found_) return fail(errc::malformed_response, "no \"" + key_ + "\" in the answer");
        return {};
    }

    /// Why `feed` returned false, when the document was malformed.
    const std::string& error_message() const noexcept { return error_; }
    /// Bytes consumed so far (for error positions).
    std::size_t offset() const noexcept { return offset_; }

  private:
    enum class state {
        start,         // before '{'
        key_or_end,    // after '{' or ','
        key,           // inside a key string
        colon,         // after a key
        value,         // before a value
        value_string,  // inside the wanted string value
        skip_string,   // inside another string value
        skip_scalar,   // inside a number, true, false, null
        skip_nested,   // inside a nested object or array
        comma_or_end,  // after a value
        done,
    };

    void step(char c) {
        ++offset_;
        const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        switch (state_) {
            case state::start:
                if (space) return;
                if (c != '{') return bad("expected a JSON object");
                state_ = state::key_or_end;
                return;
            case state::key_or_end:
                if (space) return;
                if (c == '}' && !after_comma_) {
                    state_ = state::done;
                    return;
                }
                if (c != '"') return bad("expected a key");
                after_comma_ = false;
                current_key_.clear();
                state_ = state::key;
                return;
            case state::key:
                if (in_escape_) {
                    in_escape_ = false;
                    current_key_ += '\\';
                    current_key_ += c;
                } else if (c == '\\') {
                    in_escape_ = true;
                } else if (c == '"') {
                    state_ = state::colon;
                } else if (current_key_.size() < 1024) {
                    current_key_ += c;
                }
                return;
            case state::colon:
                if (space) return;
                if (c != ':') return bad("expected ':' after a key");
                state_ = state::value;
                return;
            case state::value:
                if (space) return;
                // A second value for the field: its first was handed on already, and parsers
                // disagree on which one counts (nlohmann takes the last).
                if (found_ && current_key_ == key_)
                    return bad("\"" + key_ + "\" appears twice in the answer");
                if (c == '"') {
                    if (current_key_ == key_ && !found_) {
                        found_ = true;
                        state_ = state::value_string;
                    } else {
                        state_ = state::skip_string;
                    }
                } else if (c == '{' || c == '[') {
                    depth_ = 1;
                    state_ = state::skip_nested;
                } else if (c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n') {
                    state_ = state::skip_scalar;
                } else {
                    return bad("expected a value");
                }
                return;
            case state::value_string: return string_char(c);
            case state::skip_string:
                if (in_escape_)
                    in_escape_ = false;
                else if (c == '\\')
                    in_escape_ = true;
                else if (c == '"')
                    state_ = state::comma_or_end;
                return;
            case state::skip_scalar:
                if (c == ',' || c == '}' || space) {
                    state_ = state::comma_or_end;
                    --offset_;
                    step(c);
                }
                return;
            case state::skip_nested:
                if (nested_string_) {
                    if (in_escape_)
                        in_escape_ = false;
                    else if (c == '\\')
                        in_escape_ = true;
                    else if (c == '"')
                        nested_string_ = false;
                } else if (c == '"') {
                    nested_string_ = true;
                } else if (c == '{' || c == '[') {
                    ++depth_;
                } else if ((c == '}' || c == ']') && --depth_ == 0) {
                    state_ = state::comma_or_end;
                }
                return;
            case state::comma_or_end:
                if (space) return;
                if (c == ',') {
                    after_comma_ = true;
                    state_ = state::key_or_end;
                    return;
                }
                if (c != '}') return bad("expected ',' or '}'");
                state_ = state::done;
                return;
            case state::done:
                if (!space) bad("text after the JSON object");
                return;
        }
    }

    void string_char(char c) {
        if (!in_escape_) {
            if (c == '\\') {
                in_escape_ = true;
                escape_.clear();
            } else if (c == '"') {
                if (high_surrogate_) return bad("an unpaired surrogate in a \\u escape");
                state_ = state::comma_or_end;
            }
            return;  // plain characters are handed on by `feed`
        }
        escape_ += c;
        if (escape_.size() == 1 && escape_[0] != 'u') {
            in_escape_ = false;
            char out;
            switch (c) {
                case 'n': out = '\n'; break;
                case 't': out = '\t'; break;
                case 'r': out = '\r'; break;
                case 'b': out = '\b'; break;
                case 'f': out = '\f'; break;
                case '"': out = '"'; break;
                case '\\': out = '\\'; break;
                case '/': out = '/'; break;
                default: return bad(std::string("an unknown escape \\") + c);
            }
            if (high_surrogate_) return bad("an unpaired surrogate in a \\u escape");
            emit(std::string_view(&out, 1));
            return;
        }
        if (escape_.size() < 5) return;  // \uXXXX not complete yet
        in_escape_ = false;
        std::uint32_t code = 0;
        for (std::size_t k = 1; k < 5; ++k) {
            const char h = escape_[k];
            code <<= 4;
            if (h >= '0' && h <= '9')
                code |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f')
                code |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
                code |= static_cast<std::uint32_t>(h - 'A' + 10);
            else
                return bad("a bad \\u escape");
        }
        if (code >= 0xD800 && code <= 0xDBFF) {
            if (high_surrogate_) return bad("an unpaired surrogate in a \\u escape");
            high_surrogate_ = code;
            return;
        }
        if (code >= 0xDC00 && code <= 0xDFFF) {
            if (!high_surrogate_) return bad("an unpaired surrogate in a \\u escape");
            code = 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (code - 0xDC00);
            high_surrogate_ = 0;
        } else if (high_surrogate_) {
            return bad("an unpaired surrogate in a \\u escape");
        }
        char utf8[4];
        std::size_t n;
        if (code < 0x80) {
            utf8[0] = static_cast<char>(code);
            n = 1;
        } else if (code < 0x800) {
            utf8[0] = static_cast<char>(0xC0 | (code >> 6));
            utf8[1] = static_cast<char>(0x80 | (code & 0x3F));
            n = 2;
        } else if (code < 0x10000) {
            utf8[0] = static_cast<char>(0xE0 | (code >> 12));
            utf8[1] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            utf8[2] = static_cast<char>(0x80 | (code & 0x3F));
            n = 3;
        } else {
            utf8[0] = static_cast<char>(0xF0 | (code >> 18));
            utf8[1] = static_cast<char>(0x80 | ((code >> 12) & 0x3F));
            utf8[2] = static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            utf8[3] = static_cast<char>(0x80 | (code & 0x3F));
            n = 4;
        }
        emit(std::string_view(utf8, n));
    }

    bool emit(std::string_view text) {
        if (text.empty() || stopped_) return !stopped_;
        if (high_surrogate_) {
            bad("an unpaired surrogate in a \\u escape");
            return false;
        }
        if (!on_text_(text)) stopped_ = true;
        return !stopped_;
    }

    void bad(std::string why) {
        if (!ok_) return;
        ok_ = false;
        error_ = why + " at byte " + std::to_string(offset_);
    }

    std::string key_;
    std::function<bool(std::string_view)> on_text_;
    state state_ = state::start;
    std::string current_key_;
    std::string escape_;
    std::uint32_t high_surrogate_ = 0;
    std::size_t depth_ = 0;
    std::size_t offset_ = 0;
    std::string error_;
    bool in_escape_ = false;
    bool nested_string_ = false;
    bool after_comma_ = false;
    bool found_ = false;
    bool ok_ = true;
    bool stopped_ = false;
};

}  // namespace synapse::detail
