// JSON for synapse: nlohmann::json, plus parsing that reports errors as `synapse::error`
// with a line and column instead of throwing, and `dump` that writes any value without throwing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "synapse/core/expected.hpp"

namespace synapse {

/// JSON values keep their keys in insertion order, so results list their fields in declaration
/// order (as Pydantic's model_dump does), and small objects live in one vector instead of a tree.
using json = nlohmann::ordered_json;

/// The JSON Schema name of a value's type: null, boolean, integer, number, string, array, object.
inline std::string_view json_type_name(const json& j) noexcept {
    switch (j.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return "boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer";
        case json::value_t::number_float: return "number";
        case json::value_t::string: return "string";
        case json::value_t::array: return "array";
        case json::value_t::object: return "object";
        default: return "binary";
    }
}

/// `j` as JSON text (`indent` as in json::dump: -1 for one line). Unlike json::dump it never
/// throws: a string that is not valid UTF-8 (user data often holds such bytes, e.g. a file name
/// or a process environment value) has each invalid byte written as U+FFFD instead of raising
/// nlohmann's type_error 316. Use it for every value that may hold user data.
[[nodiscard]] inline std::string dump(const json& j, int indent = -1) {
    return j.dump(indent, ' ', false, json::error_handler_t::replace);
}

/// Parses `text` as JSON. On failure the error names `source` (e.g. "--params", a file path),
/// the line and column, and what the parser expected there.
[[nodiscard]] inline expected<json> parse_json(std::string_view text,
                                               std::string_view source = "JSON text") {
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // Turn the byte offset into line:column (both 1-based).
        std::size_t offset = e.byte == 0 ? 0 : e.byte - 1;
        if (offset > text.size()) offset = text.size();
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < offset; ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string reason = e.what();
        // nlohmann's text reads "[json.exception.parse_error.101] parse error at line 1, column 5:
        // syntax error while parsing value - invalid literal; last read: 'tru,'". Keep the part
        // after the location.
        if (auto pos = reason.find(": syntax error"); pos != std::string::npos)
            reason = reason.substr(pos + 2);
        else if (auto p2 = reason.rfind("] "); p2 != std::string::npos)
            reason = reason.substr(p2 + 2);
        error err{errc::invalid_json, "invalid JSON in " + std::string(source) + " at line " +
                                          std::to_string(line) + ", column " +
                                          std::to_string(column) + ": " + reason};
        err.where = std::string(source) + ":" + std::to_string(line) + ":" + std::to_string(column);
        return fail(std::move(err));
    } catch (const json::exception& e) {
        // Not a syntax error but a value nlohmann cannot hold, e.g. "number overflow parsing
        // '1e309'" (out_of_range.406).
        std::string reason = e.what();
        if (auto pos = reason.find("] "); pos != std::string::npos) reason = reason.substr(pos + 2);
        return fail(errc::invalid_json, "invalid JSON in " + std::string(source) + ": " + reason);
    }
}

}  // namespace synapse
