// plugin_environment: the key/value settings an action runs with, with synapse-sdk's parsing
// rules. Sources, in increasing priority: the process environment, config.yaml's `env`, then
// explicit values (see `layered`). Later sources win and no key of an earlier one is dropped.
#pragma once

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/detail/text.hpp"
#include "synapse/core/json.hpp"

extern "C" char** environ;  // POSIX: the process environment

namespace synapse {

class plugin_environment {
  public:
    plugin_environment() = default;

    /// From a JSON object (values of any JSON type; TOML and YAML sources arrive this way).
    /// A non-object gives an empty environment.
    explicit plugin_environment(json values)
        : values_(values.is_object() ? std::move(values) : json::object()) {}

    /// From string pairs.
    static plugin_environment from_map(const std::map<std::string, std::string>& values) {
        json j = json::object();
        for (const auto& [k, v] : values) j[k] = v;
        return plugin_environment(std::move(j));
    }

    /// Every process environment variable whose name starts with `prefix`, keyed without it.
    static plugin_environment from_process(std::string_view prefix = {}) {
        json j = json::object();
        for (char** e = environ; e && *e; ++e) {
            std::string_view entry(*e);
            auto eq = entry.find('=');
            if (eq == std::string_view::npos) continue;
            auto key = entry.substr(0, eq);
            if (key.substr(0, prefix.size()) != prefix || key.size() == prefix.size()) continue;
            j[std::string(key.substr(prefix.size()))] = std::string(entry.substr(eq + 1));
        }
        return plugin_environment(std::move(j));
    }

    /// Merges environments: later ones override earlier ones key by key.
    static plugin_environment merge(std::initializer_list<const plugin_environment*> sources) {
        plugin_environment out;
        for (const auto* s : sources)
            if (s) out.update(*s);
        return out;
    }

    /// The documented priority: process environment < config.yaml `env` < explicit values.
    static plugin_environment layered(const plugin_environment& process,
                                      const plugin_environment& config,
                                      const plugin_environment& explicit_values) {
        return merge({&process, &config, &explicit_values});
    }

    /// Overrides this environment's keys with `later`'s (this one's other keys stay).
    plugin_environment& update(const plugin_environment& later) {
        for (auto it = later.values_.begin(); it != later.values_.end(); ++it)
            values_[it.key()] = it.value();
        return *this;
    }

    plugin_environment& set(std::string key, json value) {
        values_[std::move(key)] = std::move(value);
        return *this;
    }

    bool contains(std::string_view key) const { return find(key) != nullptr; }
    bool empty() const noexcept { return values_.empty(); }
    std::size_t size() const noexcept { return values_.size(); }

    /// The raw value, or null when absent.
    const json* find(std::string_view key) const {
        auto it = values_.find(key);
        return it == values_.end() || it->is_null() ? nullptr : &*it;
    }

    /// Text of the value (a non-string is written as JSON), or `fallback`.
    std::string get_string(std::string_view key, std::string fallback = {}) const {
        const json* v = find(key);
        if (!v) return fallback;
        return v->is_string() ? v->get<std::string>() : dump(*v);
    }

    /// Integer value, as Python's int() gives it: an integer, a boolean (0 or 1), a finite number
    /// truncated toward zero, or a string holding a whole integer ("3.5" is an error, as in
    /// synapse-sdk). A value outside the int64 range is an error too.
    [[nodiscard]] expected<std::int64_t> get_int(std::string_view key,
                                                 std::int64_t fallback = 0) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (v->is_number_unsigned()) {
            const auto u = v->get<std::uint64_t>();
            if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return static_cast<std::int64_t>(u);
        } else if (v->is_number_integer()) {
            return v->get<std::int64_t>();
        } else if (v->is_boolean()) {
            return v->get<bool>() ? 1 : 0;
        } else if (v->is_number_float()) {
            const double d = v->get<double>();
            const double limit = std::ldexp(1.0, 63);  // int64 holds [-2^63, 2^63)
            if (std::isfinite(d) && d >= -limit && d < limit) return static_cast<std::int64_t>(d);
        } else if (v->is_string()) {
            const std::string t(detail::trim(v->get_ref<const std::string&>()));
            char* end = nullptr;
            errno = 0;
            const std::int64_t out = std::strtoll(t.c_str(), &end, 10);
            if (!t.empty() && end == t.c_str() + t.size() && errno == 0) return out;
        }
        return bad_value(key, *v, "an integer");
    }

    /// Floating-point value, as Python's float() gives it: a number, a boolean (0.0 or 1.0), or
    /// a string holding a number.
    [[nodiscard]] expected<double> get_float(std::string_view key, double fallback = 0.0) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (v->is_number()) return v->get<double>();
        if (v->is_boolean()) return v->get<bool>() ? 1.0 : 0.0;
        if (v->is_string()) {
            const std::string t(detail::trim(v->get_ref<const std::string&>()));
            char* end = nullptr;
            errno = 0;
            const double out = std::strtod(t.c_str(), &end);
            if (!t.empty() && end == t.c_str() + t.size() && errno == 0) return out;
        }
        return bad_value(key, *v, "a number");
    }

    /// Boolean value, with synapse-sdk's answer for every value it reads as a boolean: a boolean
    /// is itself; a number is true unless it is 0; a string is true when it is "true", "1" or
    /// "yes" and false when it is "false", "0", "no" or empty (any case). Anything else is
    /// malformed (errc::invalid_argument naming the key): another string ("on", "off", "y",
    /// " true"; synapse-sdk reads all of them as false, so "on" would silently mean off), an
    /// array or an object.
    [[nodiscard]] expected<bool> get_bool(std::string_view key, bool fallback = false) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (v->is_boolean()) return v->get<bool>();
        if (v->is_number()) return v->get<double>() != 0.0;
        if (v->is_string()) {
            std::string s = v->get<std::string>();
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (s == "true" || s == "1" || s == "yes") return true;
            if (s == "false" || s == "0" || s == "no" || s.empty()) return false;
        }
        return bad_value(key, *v, "a boolean (true, 1, yes or false, 0, no; any case)");
    }

    /// A list, as synapse-sdk reads one: an array as it is (each item as text: a string as
    /// itself, anything else as JSON), or a string split on ',' with items trimmed and empty items
    /// dropped. Any other type (a number, a boolean, an object) is malformed:
    /// errc::invalid_argument naming the key (synapse-sdk silently gives the default).
    [[nodiscard]] expected<std::vector<std::string>> get_list(
        std::string_view key, std::vector<std::string> fallback = {}) const {
        const json* v = find(key);
        if (!v) return fallback;
        std::vector<std::string> out;
        if (v->is_array()) {
            for (const auto& item : *v)
                out.push_back(item.is_string() ? item.get<std::string>() : dump(item));
            return out;
        }
        if (!v->is_string())
            return bad_value(key, *v, "a list (an array, or a string of comma-separated items)");
        std::string_view s = v->get_ref<const std::string&>();
        while (true) {
            const auto comma = s.find(',');
            const auto item = detail::trim(s.substr(0, comma));
            if (!item.empty()) out.emplace_back(item);
            if (comma == std::string_view::npos) break;
            s.remove_prefix(comma + 1);
        }
        return out;
    }

    /// All values as a JSON object.
    const json& values() const noexcept { return values_; }

    /// All values as text, e.g. for a child process's environment.
    std::map<std::string, std::string> to_strings() const {
        std::map<std::string, std::string> out;
        for (auto it = values_.begin(); it != values_.end(); ++it)
            if (!it->is_null())
                out[it.key()] = it->is_string() ? it->get<std::string>() : dump(*it);
        return out;
    }

  private:
    static unexpected_type<error> bad_value(std::string_view key, const json& v,
                                            std::string_view wanted) {
        error e(errc::invalid_argument, "environment value " + std::string(key) + "=" + dump(v) +
                                            " is not " + std::string(wanted));
        e.where = std::string(key);
        return fail(std::move(e));
    }

    json values_ = json::object();
};

}  // namespace synapse
