// Enums as JSON strings. Reflect an enum once, at global scope:
//
//     enum class optimizer { sgd, adam };
//     SYNAPSE_REFLECT_ENUM(optimizer, sgd, adam)
//
// and it reads from and writes to "sgd" / "adam", with a JSON Schema `enum`.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include <boost/preprocessor/seq/for_each.hpp>
#include <boost/preprocessor/stringize.hpp>
#include <boost/preprocessor/variadic/to_seq.hpp>

#include "synapse/core/codec.hpp"

namespace synapse {

/// Specialised by SYNAPSE_REFLECT_ENUM: `values` lists each enumerator with its JSON name.
template <class E>
struct enum_traits;

template <class E>
concept ReflectedEnum = std::is_enum_v<E> && requires { enum_traits<E>::values; };

/// The JSON name of an enumerator, or "" for a value that was not reflected.
template <ReflectedEnum E>
constexpr std::string_view enum_name(E value) noexcept {
    for (const auto& [v, name] : enum_traits<E>::values)
        if (v == value) return name;
    return {};
}

template <ReflectedEnum E>
struct codec<E> {
    static constexpr bool supported = true;

    static void read(const json& j, E& out, detail::read_state& st) {
        if (j.is_string()) {
            const auto& text = j.get_ref<const std::string&>();
            for (const auto& [v, name] : enum_traits<E>::values) {
                if (name == text) {
                    out = v;
                    return;
                }
            }
        }
        std::string allowed = "one of ";
        bool first = true;
        for (const auto& entry : enum_traits<E>::values) {
            allowed += first ? "\"" : ", \"";
            allowed += entry.second;
            allowed += '"';
            first = false;
        }
        if (j.is_string())
            st.add("expected " + allowed + ", got " + dump(j), allowed, dump(j));
        else
            st.type_mismatch(allowed, j);
    }

    static json write(E value) { return std::string(enum_name(value)); }

    static json schema() {
        json names = json::array();
        for (const auto& entry : enum_traits<E>::values) names.push_back(entry.second);
        return {{"type", "string"}, {"enum", names}};
    }
};

}  // namespace synapse

#define SYNAPSE_DETAIL_ENUM_ENTRY(r, E, value) {E::value, BOOST_PP_STRINGIZE(value)},

/// Reflects enum `E` (use at global scope, with the qualified name): each listed enumerator
/// reads from and writes to its own name.
#define SYNAPSE_REFLECT_ENUM(E, ...)                                                       \
    template <>                                                                            \
    struct synapse::enum_traits<E> {                                                       \
        static constexpr std::pair<E, std::string_view> values[] = {BOOST_PP_SEQ_FOR_EACH( \
            SYNAPSE_DETAIL_ENUM_ENTRY, E, BOOST_PP_VARIADIC_TO_SEQ(__VA_ARGS__))};         \
    };
