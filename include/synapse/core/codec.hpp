// synapse::codec<T>: how a params or result type is read from JSON (with validation that
// collects every failing field), written to JSON, and described as JSON Schema.
//
// Built in: bool, integers, floating point, std::string, std::filesystem::path (as a string),
// std::optional<T> (an optional field; null reads as empty), std::vector<T>,
// std::map<std::string, T>, synapse::json (anything), enums reflected with SYNAPSE_REFLECT_ENUM
// (enum.hpp) and structs reflected with SYNAPSE_REFLECT (reflect.hpp).
// Specialise `synapse::codec<T>` for any other type, following the members below.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "synapse/core/detail/read_state.hpp"
#include "synapse/core/json.hpp"

namespace synapse {

namespace detail {

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
        st.add("integer " + dump(j) + " does not fit in [" + std::to_string(limits::min()) + ", " +
                   std::to_string(limits::max()) + "]",
               "integer in [" + std::to_string(limits::min()) + ", " +
                   std::to_string(limits::max()) + "]",
               dump(j));
    }
};

template <class T>
struct codec<T, std::enable_if_t<std::is_floating_point_v<T>>> {
    static constexpr bool supported = true;
    static void read(const json& j, T& out, detail::read_state& st) {
        if (!j.is_number()) return st.type_mismatch("number", j);
        const double v = j.get<double>();
        // A finite double beyond a float's range has no float value (converting it is undefined).
        if constexpr (sizeof(T) < sizeof(double)) {
            if (std::isfinite(v) && (v > static_cast<double>(std::numeric_limits<T>::max()) ||
                                     v < -static_cast<double>(std::numeric_limits<T>::max())))
                return st.add("number " + dump(j) + " does not fit in a float",
                              "number within float range", dump(j));
        }
        out = j.get<T>();
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
