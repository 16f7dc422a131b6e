// The `pattern` constraint: a string (or path) field matches an ECMAScript regular expression.
// Separate from constraints.hpp because <regex> is slow to compile.
//
//     synapse::rule(&params::run_name, synapse::rules::pattern("^[a-z0-9-]+$"))
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <type_traits>

#include "synapse/core/constraints.hpp"

namespace synapse::rules {

/// The string (or path) matches an ECMAScript regular expression somewhere, as JSON Schema's
/// `pattern` does: anchor it with ^...$ to match the whole value.
struct pattern_t {
    std::string source;
    std::shared_ptr<const std::regex> re;

    template <class V>
    std::optional<std::string> check(const V& v) const {
        std::string text;
        if constexpr (std::is_same_v<V, std::filesystem::path>)
            text = v.string();
        else
            text = std::string(v);
        if (!re) return "pattern /" + source + "/ is not a valid regular expression";
        try {
            if (std::regex_search(text, *re)) return std::nullopt;
        } catch (const std::regex_error&) {
            // std::regex gives up on some inputs (error_complexity, error_stack) by throwing.
            return "cannot be matched against /" + source + "/: the value is too complex for it";
        }
        return "must match /" + source + "/, got \"" + text + "\"";
    }
    void describe(json& s) const { s["pattern"] = source; }
};
/// A malformed expression does not throw: every value then fails with a message saying so.
inline pattern_t pattern(std::string source) {
    std::shared_ptr<const std::regex> re;
    try {
        re = std::make_shared<const std::regex>(source, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
    }
    return {std::move(source), std::move(re)};
}

}  // namespace synapse::rules
