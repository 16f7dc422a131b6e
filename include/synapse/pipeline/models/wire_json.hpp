// The pipeline service's JSON text: writing request bodies, reading what older synapse-sdk
// copies send, writing any JSON without throwing, and bounding the nesting of text to parse.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/json.hpp"
#include "synapse/core/reflect.hpp"

namespace synapse::pipeline_service {

/// The deepest nesting of arrays and objects in JSON text (brackets inside strings do not
/// count). nlohmann parses any depth, but copying, writing and reading a value into a model
/// recurse once per level: text from elsewhere is checked with this before it is parsed.
constexpr std::size_t json_nesting_depth(std::string_view text) noexcept {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > deepest) deepest = depth;
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

/// Writes a request body: like `to_json`, but top-level fields that are not set are left out
/// (dev-api applies a PATCH's fields "as given", so a null would clear a field).
template <Reflectable T>
json to_request_json(const T& value) {
    json j = to_json(value);
    for (auto it = j.begin(); it != j.end();) {
        if (it->is_null())
            it = j.erase(it);
        else
            ++it;
    }
    return j;
}

namespace detail {

/// One action progress object: `progress_category` becomes `progress_step` when that is absent
/// or null, and is dropped otherwise.
inline void normalize_action_progress(json& entry) {
    if (!entry.is_object()) return;
    auto category = entry.find("progress_category");
    if (category == entry.end()) return;
    json value = std::move(*category);
    entry.erase(category);
    auto step = entry.find("progress_step");
    if (step == entry.end())
        entry["progress_step"] = std::move(value);
    else if (step->is_null())
        *step = std::move(value);
}

}  // namespace detail

/// Older synapse-sdk copies call an action's step `progress_category`; dev-api and synapse-sdk
/// 2026.2 call it `progress_step`. Rewrites `j` (a run, a progress state, a progress update, or
/// an array of them) so that each action progress object in its `progress` list and its
/// `action_progress` carries the step as `progress_step` (when that is absent or null) and no
/// `progress_category`. Anything else is left as it is.
inline void normalize_legacy_fields(json& j) {
    if (j.is_array()) {
        for (auto& item : j) normalize_legacy_fields(item);
        return;
    }
    if (!j.is_object()) return;
    if (auto it = j.find("progress"); it != j.end() && it->is_array())
        for (auto& entry : *it) detail::normalize_action_progress(entry);
    if (auto it = j.find("action_progress"); it != j.end()) detail::normalize_action_progress(*it);
}

}  // namespace synapse::pipeline_service
