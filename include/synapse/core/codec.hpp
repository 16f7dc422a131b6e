// synapse::codec<T>: how a params or result type is read from JSON (with validation that
// collects every failing field), written to JSON, and described as JSON Schema.
//
// Built in: bool, integers, floating point, std::string, std::filesystem::path (as a string),
// std::optional<T> (an optional field; null reads as empty), std::vector<T>,
// std::map<std::string, T>, synapse::json (anything), enums reflected with SYNAPSE_REFLECT_ENUM
// (enum.hpp) and structs reflected with SYNAPSE_REFLECT (reflect.hpp).
// Specialise `synapse::codec<T>` for any other type, following the members below.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

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
        std::string preview = actual.dump();
        if (preview.size() > 40) preview = preview.substr(0, 37) + "...";
        if (!actual.is_null()) actual_text += " " + preview;
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

template <class>
inline constexpr bool dependent_false = false;

}  // namespace detail

/// The primary template: a type synapse does not know how to read or write.
template <class T, class Enable = void>
struct codec {
    static constexpr bool supported = false;

    static void read(const json&, T&, detail::read_state&) {
        static_assert(detail::dependent_false<T>,
                      "synapse::codec<T>: T is not a supported params/result type. Reflect a "
                      "struct with SYNAPSE_REFLECT(T, fields...), an enum with "
                      "SYNAPSE_REFLECT_ENUM(E, values...), or specialise synapse::codec<T>.");
    }
};

/// True when synapse can read, write and describe `T`.
template <class T>
concept Reflectable = codec<T>::supported;

template <>
struct codec<bool> {
    static constexpr bool supported = true;
    static void read(const json& j, bool& out, detail::read_state& st) {
        if (j.is_boolean())
            out = j.get<bool>();
        else
            st.type_mismatch("boolean", j);
    }
    static json write(bool v) { return v; }
    static json schema() { return {{"type", "boolean"}}; }
};

template <class T>
struct codec<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
    static constexpr bool supported = true;
    static void read(const json& j, T& out, detail::read_state& st) {
        using limits = std::numeric_limits<T>;
        if (j.is_number_unsigned()) {
            auto v = j.get<std::uint64_t>();
            if (v > static_cast<std::uint64_t>(limits::max())) return out_of_range(j, st);
            out = static_cast<T>(v);
        } else if (j.is_number_integer()) {
            auto v = j.get<std::int64_t>();
            if constexpr (std::is_unsigned_v<T>) {
                if (v < 0) return out_of_range(j, st);
                if (static_cast<std::uint64_t>(v) > static_cast<std::uint64_t>(limits::max()))
                    return out_of_range(j, st);
            } else {
                if (v < static_cast<std::int64_t>(limits::min()) ||
                    v > static_cast<std::int64_t>(limits::max()))
                    return out_of_range(j, st);
            }
            out = static_cast<T>(v);
        } else {
            st.type_mismatch("integer", j);
        }
    }
    static json write(T v) { return v; }
    static json schema() {
        json s = {{"type", "integer"}};
        if constexpr (std::is_unsigned_v<T>) s["minimum"] = 0;
        return s;
    }

  private:
    static void out_of_range(const json& j, detail::read_state& st) {
        using limits = std::numeric_limits<T>;
        st.add("integer " + j.dump() + " does not fit in [" + std::to_string(limits::min()) + ", " +
                   std::to_string(limits::max()) + "]",
               "integer in [" + std::to_string(limits::min()) + ", " +
                   std::to_string(limits::max()) + "]",
               j.dump());
    }
};

template <class T>
struct codec<T, std::enable_if_t<std::is_floating_point_v<T>>> {
    static constexpr bool supported = true;
    static void read(const json& j, T& out, detail::read_state& st) {
        if (j.is_number())
            out = j.get<T>();
        else
            st.type_mismatch("number", j);
    }
    static json write(T v) { return v; }
    static json schema() { return {{"type", "number"}}; }
};

template <>
struct codec<std::string> {
    static constexpr bool supported = true;
    static void read(const json& j, std::string& out, detail::read_state& st) {
        if (j.is_string())
            out = j.get_ref<const std::string&>();
        else
            st.type_mismatch("string", j);
    }
    static json write(const std::string& v) { return v; }
    static json schema() { return {{"type", "string"}}; }
};

template <>
struct codec<std::filesystem::path> {
    static constexpr bool supported = true;
    static void read(const json& j, std::filesystem::path& out, detail::read_state& st) {
        if (j.is_string())
            out = j.get<std::string>();
        else
            st.type_mismatch("string (a path)", j);
    }
    static json write(const std::filesystem::path& v) { return v.string(); }
    static json schema() { return {{"type", "string"}, {"format", "path"}}; }
};

template <>
struct codec<json> {
    static constexpr bool supported = true;
    static void read(const json& j, json& out, detail::read_state&) { out = j; }
    static json write(const json& v) { return v; }
    static json schema() { return json::object(); }
};

template <class T>
struct codec<std::optional<T>> {
    static constexpr bool supported = codec<T>::supported;
    static void read(const json& j, std::optional<T>& out, detail::read_state& st) {
        if (j.is_null()) {
            out.reset();
            return;
        }
        T value{};
        auto before = st.error_count();
        codec<T>::read(j, value, st);
        if (st.error_count() == before) out = std::move(value);
    }
    static json write(const std::optional<T>& v) { return v ? codec<T>::write(*v) : json(nullptr); }
    static json schema() {
        return {{"anyOf", json::array({codec<T>::schema(), {{"type", "null"}}})}};
    }
};

template <class T, class A>
struct codec<std::vector<T, A>> {
    static constexpr bool supported = codec<T>::supported;
    static void read(const json& j, std::vector<T, A>& out, detail::read_state& st) {
        if (!j.is_array()) return st.type_mismatch("array", j);
        out.clear();
        out.resize(j.size());
        for (std::size_t i = 0; i < j.size(); ++i) {
            auto scope = st.enter_index(i);
            codec<T>::read(j[i], out[i], st);
        }
    }
    static json write(const std::vector<T, A>& v) {
        json out = json::array();
        for (const auto& item : v) out.push_back(codec<T>::write(item));
        return out;
    }
    static json schema() { return {{"type", "array"}, {"items", codec<T>::schema()}}; }
};

template <class T, class C, class A>
struct codec<std::map<std::string, T, C, A>> {
    static constexpr bool supported = codec<T>::supported;
    static void read(const json& j, std::map<std::string, T, C, A>& out, detail::read_state& st) {
        if (!j.is_object()) return st.type_mismatch("object", j);
        out.clear();
        for (auto it = j.begin(); it != j.end(); ++it) {
            auto scope = st.enter_key(it.key());
            codec<T>::read(it.value(), out[it.key()], st);
        }
    }
    static json write(const std::map<std::string, T, C, A>& v) {
        json out = json::object();
        for (const auto& [key, item] : v) out[key] = codec<T>::write(item);
        return out;
    }
    static json schema() {
        return {{"type", "object"}, {"additionalProperties", codec<T>::schema()}};
    }
};

}  // namespace synapse
