// plugin_environment: the key/value settings an action runs with, with synapse-sdk's parsing
// rules. Sources, in increasing priority: the process environment, config.yaml's `env`, then
// explicit values (see `layered`). Later sources win and no key of an earlier one is dropped.
#pragma once

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

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
        return v->is_string() ? v->get<std::string>() : v->dump();
    }

    /// Integer value; a string must hold a whole integer ("3.5" is an error, as in synapse-sdk).
    expected<std::int64_t> get_int(std::string_view key, std::int64_t fallback = 0) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (v->is_number_integer()) return v->get<std::int64_t>();
        if (v->is_boolean()) return v->get<bool>() ? 1 : 0;
        if (v->is_number_float()) return static_cast<std::int64_t>(v->get<double>());
        if (v->is_string()) {
            const auto& s = v->get_ref<const std::string&>();
            auto t = trim(s);
            std::int64_t out = 0;
            char* end = nullptr;
            errno = 0;
            out = std::strtoll(t.c_str(), &end, 10);
            if (!t.empty() && end == t.c_str() + t.size() && errno == 0) return out;
        }
        return bad_value(key, *v, "an integer");
    }

    /// Floating-point value.
    expected<double> get_float(std::string_view key, double fallback = 0.0) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (v->is_number()) return v->get<double>();
        if (v->is_string()) {
            auto t = trim(v->get_ref<const std::string&>());
            char* end = nullptr;
            errno = 0;
            double out = std::strtod(t.c_str(), &end);
            if (!t.empty() && end == t.c_str() + t.size() && errno == 0) return out;
        }
        return bad_value(key, *v, "a number");
    }

    /// synapse-sdk's rule: a string is true iff it is "true", "1" or "yes" (any case);
    /// other types by truthiness.
    bool get_bool(std::string_view key, bool fallback = false) const {
        const json* v = find(key);
        if (!v) return fallback;
        if (v->is_boolean()) return v->get<bool>();
        if (v->is_string()) {
            std::string s = v->get<std::string>();
            for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s == "true" || s == "1" || s == "yes";
        }
        if (v->is_number()) return v->get<double>() != 0.0;
        return !v->empty();
    }

    /// A list: arrays as they are (items as text), strings split on ',' with items trimmed and
    /// empty items dropped; any other type gives `fallback`.
    std::vector<std::string> get_list(std::string_view key,
                                      std::vector<std::string> fallback = {}) const {
        const json* v = find(key);
        if (!v) return fallback;
        std::vector<std::string> out;
        if (v->is_array()) {
            for (const auto& item : *v)
                out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
            return out;
        }
        if (!v->is_string()) return fallback;
        const auto& s = v->get_ref<const std::string&>();
        std::size_t start = 0;
        while (start <= s.size()) {
            auto comma = s.find(',', start);
            if (comma == std::string::npos) comma = s.size();
            auto item = trim(s.substr(start, comma - start));
            if (!item.empty()) out.push_back(std::move(item));
            start = comma + 1;
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
                out[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
        return out;
    }

  private:
    static std::string trim(const std::string& s) {
        auto b = s.find_first_not_of(" \t\r\n");
        if (b == std::string::npos) return {};
        auto e = s.find_last_not_of(" \t\r\n");
        return s.substr(b, e - b + 1);
    }

    static unexpected_type<error> bad_value(std::string_view key, const json& v,
                                            std::string_view wanted) {
        error e(errc::invalid_argument, "environment value " + std::string(key) + "=" + v.dump() +
                                            " is not " + std::string(wanted));
        e.where = std::string(key);
        return fail(std::move(e));
    }

    json values_ = json::object();
};

}  // namespace synapse
