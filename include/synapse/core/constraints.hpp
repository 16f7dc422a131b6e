// Declared constraints on the fields of a reflected struct. A struct lists them in a static
// member function, next to its fields:
//
//     struct train_params {
//         std::filesystem::path train_path;
//         int epochs = 100;
//         double learning_rate = 0.01;
//         std::string optimizer = "sgd";
//
//         static auto constraints() {
//             using namespace synapse::rules;
//             return synapse::constraints(
//                 synapse::rule<&train_params::train_path>(non_empty),
//                 synapse::rule<&train_params::epochs>(defaulted, in_range(1, 100000)),
//                 synapse::rule<&train_params::learning_rate>(defaulted, in_range(0.0, 10.0)),
//                 synapse::rule<&train_params::optimizer>(defaulted, one_of({"sgd", "adam"})));
//         }
//     };
//
// `rule<&T::field>(checks...)` names the field in its type, so the compiler knows which fields
// are `defaulted` (synapse::pipeline checks at compile time that required params are provided).
// The older `rule(&T::field, checks...)` keeps working for validation and JSON Schema exactly
// the same; only the compile-time check cannot tell which field it marks `defaulted`.
//
// `pattern(regex)` lives in <synapse/core/pattern.hpp>, so that only the files that use it pay
// for <regex> at compile time.
//
// Every non-optional field is required unless a rule marks it `defaulted`, in which case an
// absent field keeps the value the struct's default member initializer gave it. Types that
// cannot carry a member function specialise `synapse::constraints_of<T>` instead.
#pragma once

#include <charconv>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "synapse/core/codec.hpp"

namespace synapse {

namespace detail {

/// Python-style shortest text for a number: 0.5, 3.0, 10.
template <class T>
std::string number_text(T v) {
    if constexpr (std::is_floating_point_v<T>) {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        std::string s(buf, ec == std::errc{} ? end : buf);
        if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
        return s;
    } else {
        return std::to_string(v);
    }
}

template <class T>
struct unwrap_optional {
    using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
    using type = T;
};

}  // namespace detail

namespace rules {

/// An absent field keeps the struct's default value (and JSON Schema shows it as `default`).
struct defaulted_t {
    static constexpr bool marks_default = true;
    template <class V>
    std::optional<std::string> check(const V&) const {
        return std::nullopt;
    }
    void describe(json&) const {}
};
inline constexpr defaulted_t defaulted{};

/// lo <= value <= hi (either bound may be open, see at_least / at_most).
template <class N>
struct range_t {
    std::optional<N> lo, hi;

    template <class V>
    std::optional<std::string> check(const V& v) const {
        static_assert(std::is_arithmetic_v<V>, "synapse::rules::in_range applies to numbers");
        // Compare in the field's own type when it is floating point, so that a float field
        // holding 0.3f meets a bound written as the double 0.3.
        // Integers of mixed signedness compare by value (std::cmp_less).
        auto below = [&](N bound) {
            if constexpr (std::is_floating_point_v<V>)
                return v < static_cast<V>(bound);
            else if constexpr (std::is_integral_v<N> && !std::is_same_v<V, bool>)
                return std::cmp_less(v, bound);
            else
                return v < bound;
        };
        auto above = [&](N bound) {
            if constexpr (std::is_floating_point_v<V>)
                return v > static_cast<V>(bound);
            else if constexpr (std::is_integral_v<N> && !std::is_same_v<V, bool>)
                return std::cmp_greater(v, bound);
            else
                return v > bound;
        };
        if ((lo && below(*lo)) || (hi && above(*hi))) {
            if (lo && hi)
                return "must be between " + detail::number_text(*lo) + " and " +
                       detail::number_text(*hi) + ", got " + detail::number_text(v);
            if (lo)
                return "must be at least " + detail::number_text(*lo) + ", got " +
                       detail::number_text(v);
            return "must be at most " + detail::number_text(*hi) + ", got " +
                   detail::number_text(v);
        }
        return std::nullopt;
    }
    void describe(json& s) const {
        if (lo) s["minimum"] = *lo;
        if (hi) s["maximum"] = *hi;
    }
};
template <class N>
constexpr range_t<N> in_range(N lo, N hi) {
    return {lo, hi};
}
template <class N>
constexpr range_t<N> at_least(N lo) {
    return {lo, std::nullopt};
}
template <class N>
constexpr range_t<N> at_most(N hi) {
    return {std::nullopt, hi};
}

/// The value is one of the listed strings.
struct one_of_t {
    std::vector<std::string> allowed;

    template <class V>
    std::optional<std::string> check(const V& v) const {
        static_assert(std::is_convertible_v<const V&, std::string_view>,
                      "synapse::rules::one_of applies to string fields (use an enum otherwise)");
        for (const auto& a : allowed)
            if (a == std::string_view(v)) return std::nullopt;
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
        return "must be one of " + list + ", got \"" + std::string(v) + "\"";
    }
    void describe(json& s) const { s["enum"] = allowed; }
};
inline one_of_t one_of(std::initializer_list<std::string> allowed) {
    return {allowed};
}

/// A string, path, array or map that is not empty.
struct non_empty_t {
    template <class V>
    std::optional<std::string> check(const V& v) const {
        if (v.empty()) return std::string("must not be empty");
        return std::nullopt;
    }
    void describe(json& s) const {
        // A codec's schema may give "type" as a list of names (or not at all): only a single
        // "array" or "object" picks the keyword for that type.
        const auto type = s.find("type");
        const bool typed = type != s.end() && type->is_string();
        if (typed && *type == "array")
            s["minItems"] = 1;
        else if (typed && *type == "object")
            s["minProperties"] = 1;
        else
            s["minLength"] = 1;
    }
};
inline constexpr non_empty_t non_empty{};

}  // namespace rules

/// The constraints declared on one field.
template <class T, class M, class... Checks>
struct field_rule {
    M T::*member;
    std::tuple<Checks...> checks;

    static constexpr bool marks_default = (std::is_same_v<Checks, rules::defaulted_t> || ...);

    /// Runs every check on the field's value (the contained value of an optional that holds
    /// one) and records failures at the current path.
    void apply(const T& object, detail::read_state& st) const {
        const M& value = object.*member;
        if constexpr (std::is_same_v<typename detail::unwrap_optional<M>::type, M>) {
            run(value, st);
        } else {
            if (value) run(*value, st);
        }
    }

    void describe(json& schema) const {
        std::apply([&](const auto&... c) { (c.describe(schema), ...); }, checks);
    }

  private:
    template <class V>
    void run(const V& value, detail::read_state& st) const {
        std::apply(
            [&](const auto&... c) {
                (
                    [&] {
                        if (auto problem = c.check(value)) st.add(*problem, "constraint");
                    }(),
                    ...);
            },
            checks);
    }
};

namespace detail {

template <class P>
struct member_pointer_traits;
template <class T, class M>
struct member_pointer_traits<M T::*> {
    using class_type = T;
    using member_type = M;
};

}  // namespace detail

/// A field_rule whose type names its field: `member` is a compile-time constant, so which
/// fields are `defaulted` is known to the compiler (see `rule<&T::field>(...)`).
template <auto Member, class... Checks>
struct member_rule
    : field_rule<typename detail::member_pointer_traits<decltype(Member)>::class_type,
                 typename detail::member_pointer_traits<decltype(Member)>::member_type, Checks...> {
    static constexpr auto member = Member;
};

/// Declares constraints on one field: `rule(&params::epochs, in_range(1, 1000))`.
template <class T, class M, class... Checks>
field_rule<T, M, Checks...> rule(M T::*member, Checks... checks) {
    return {member, std::tuple<Checks...>(std::move(checks)...)};
}

/// The same, with the field known at compile time: `rule<&params::epochs>(in_range(1, 1000))`.
template <auto Member, class... Checks>
    requires std::is_member_object_pointer_v<decltype(Member)>
member_rule<Member, Checks...> rule(Checks... checks) {
    return {{Member, std::tuple<Checks...>(std::move(checks)...)}};
}

/// Bundles the rules of a struct.
template <class... Rules>
std::tuple<Rules...> constraints(Rules... rules) {
    return std::tuple<Rules...>(std::move(rules)...);
}

/// The constraints of `T`: `T::constraints()` when declared, else none. Specialise it for
/// types that cannot carry a member function.
template <class T>
struct constraints_of {
    static const auto& get() {
        if constexpr (requires { T::constraints(); }) {
            static const auto rules = T::constraints();
            return rules;
        } else {
            static const std::tuple<> none;
            return none;
        }
    }
};

}  // namespace synapse
