// The constraints the pipeline service puts on its request bodies (synapse-sdk's dev-api models,
// ../docs/synapse-sdk-reference.md §2.2), as synapse constraint rules: the models declare them,
// so `from_json` names each failing field, `json_schema` describes them, the client refuses a bad
// body before sending it and `synapse service` answers 422.
//
//     static auto constraints() {
//         using namespace synapse::pipeline_service::rules;
//         return synapse::constraints(synapse::rule(&pipeline_create::name, length(1, 255)));
//     }
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "synapse/core/json.hpp"
#include "synapse/pipeline/timestamp.hpp"

namespace synapse::pipeline_service {

/// The number of characters (Unicode code points) of UTF-8 text; bytes that do not start a
/// character are not counted.
constexpr std::size_t count_characters(std::string_view text) noexcept {
    std::size_t n = 0;
    for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

namespace rules {

/// A `synapse::json` field that must hold a JSON object (dev-api's `dict` fields: params,
/// result, params_snapshot, metrics). JSON Schema: `"type": "object"`.
struct object_t {
    std::optional<std::string> check(const json& v) const {
        if (v.is_object()) return std::nullopt;
        return "expected object, got " + std::string(json_type_name(v));
    }
    void describe(json& s) const { s["type"] = "object"; }
};
inline constexpr object_t object{};

/// An ISO-8601 date-time string that `parse_timestamp` reads (dev-api's `datetime` fields).
/// JSON Schema: `"format": "date-time"`.
struct date_time_t {
    std::optional<std::string> check(const std::string& v) const {
        if (parse_timestamp(v)) return std::nullopt;
        return "expected an ISO-8601 date-time, got \"" + v + "\"";
    }
    void describe(json& s) const { s["format"] = "date-time"; }
};
inline constexpr date_time_t date_time{};

/// A string of `min` to `max` characters (code points, as Pydantic counts them).
/// JSON Schema: `minLength`, `maxLength`.
struct length_t {
    std::size_t min = 0;
    std::size_t max = 0;
    std::optional<std::string> check(const std::string& v) const {
        const std::size_t n = count_characters(v);
        if (n >= min && n <= max) return std::nullopt;
        return "must have " + std::to_string(min) + " to " + std::to_string(max) +
               " characters, got " + std::to_string(n);
    }
    void describe(json& s) const {
        s["minLength"] = min;
        s["maxLength"] = max;
    }
};
constexpr length_t length(std::size_t min, std::size_t max) noexcept {
    return {min, max};
}

}  // namespace rules

}  // namespace synapse::pipeline_service
