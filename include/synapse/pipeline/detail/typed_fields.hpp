// The fields of a reflected struct as the compiler sees them, for synapse::pipeline: each
// field's name, JSON kind and whether it is required (not std::optional, not marked `defaulted`
// by a rule). Read from the Boost.Hana accessors and from the type of the struct's constraints,
// in unevaluated contexts only.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana/accessors.hpp>
#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/pair.hpp>
#include <boost/hana/string.hpp>
#include <boost/hana/tuple.hpp>

#include "synapse/core/constraints.hpp"
#include "synapse/core/enum.hpp"
#include "synapse/core/json.hpp"
#include "synapse/pipeline/detail/param_check.hpp"

namespace synapse::detail {

// ---- kinds ------------------------------------------------------------------------------------

template <class M>
struct is_std_vector : std::false_type {};
template <class T, class A>
struct is_std_vector<std::vector<T, A>> : std::true_type {};

template <class M>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};

/// The JSON kind a field of type M reads from (std::optional<T>: T's kind; a type with its own
/// codec that is none of the built-in ones: any).
template <class M>
consteval param_kind kind_of() {
    using T = typename unwrap_optional<M>::type;
    if constexpr (!std::is_same_v<T, M>)
        return kind_of<T>();
    else if constexpr (std::is_same_v<T, json>)
        return param_kind::any;
    else if constexpr (std::is_same_v<T, bool>)
        return param_kind::boolean;
    else if constexpr (std::is_integral_v<T>)
        return param_kind::integer;
    else if constexpr (std::is_floating_point_v<T>)
        return param_kind::number;
    else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path> ||
                       ReflectedEnum<T>)
        return param_kind::string;
    else if constexpr (is_std_vector<T>::value)
        return param_kind::array;
    else if constexpr (is_string_map<T>::value || boost::hana::Struct<T>::value)
        return param_kind::object;
    else
        return param_kind::any;
}

// ---- defaulted fields -------------------------------------------------------------------------

template <class R>
struct is_member_rule : std::false_type {};
template <auto P, class... C>
struct is_member_rule<member_rule<P, C...>> : std::true_type {};

/// The member pointer behind a Hana accessor, when it is the one BOOST_HANA_ADAPT_STRUCT makes.
template <class Accessor>
struct accessor_member {
    static constexpr bool known = false;
};
template <class P, P Pointer>
struct accessor_member<boost::hana::struct_detail::member_ptr<P, Pointer>> {
    static constexpr bool known = true;
    static constexpr P value = Pointer;
};

/// True when rule R marks the field behind `Accessor` (of type `M T::*`) `defaulted`, or may
/// do so: an old-form rule(&T::f, ...) holds its member pointer at run time, so any defaulted
/// one of the same member type counts.
template <class R, class Accessor, class Pointer>
consteval bool rule_may_default() {
    if constexpr (!R::marks_default) {
        return false;
    } else {
        using RulePointer = std::remove_cv_t<decltype(R::member)>;
        if constexpr (!std::is_same_v<RulePointer, Pointer>)
            return false;
        else if constexpr (is_member_rule<R>::value && accessor_member<Accessor>::known)
            return R::member == accessor_member<Accessor>::value;
        else
            return true;
    }
}

template <class T, class Accessor, class Pointer, class... Rules>
consteval bool any_rule_may_default(const std::tuple<Rules...>*) {
    return (rule_may_default<Rules, Accessor, Pointer>() || ...);
}

template <class T>
using rules_of_t = std::remove_cvref_t<decltype(constraints_of<T>::get())>;

// ---- field tables -----------------------------------------------------------------------------

template <class... Pairs>
struct hana_pair_list {};
template <class... Pairs>
hana_pair_list<Pairs...> hana_pairs(const boost::hana::tuple<Pairs...>&);  // unevaluated only

template <class T, class Pair>
struct typed_field;
template <class T, class Name, class Accessor>
struct typed_field<T, boost::hana::pair<Name, Accessor>> {
    using member_type = std::remove_cvref_t<decltype(std::declval<Accessor>()(std::declval<T&>()))>;

    static consteval param_field get() {
        constexpr bool optional =
            !std::is_same_v<typename unwrap_optional<member_type>::type, member_type>;
        constexpr bool defaulted = any_rule_may_default<T, Accessor, member_type T::*>(
            static_cast<const rules_of_t<T>*>(nullptr));
        return {std::string_view(Name::c_str()), kind_of<member_type>(), !optional && !defaulted};
    }
};

template <class T, class... Pairs>
consteval auto typed_field_array(hana_pair_list<Pairs...>) {
    return std::array<param_field, sizeof...(Pairs)>{typed_field<T, Pairs>::get()...};
}

/// The fields of T, when T is a reflected struct; any other type (a map, synapse::json, a type
/// with its own codec) is `open`: it lists no fields and, as a result, may provide any key.
template <class T>
struct typed_fields {
    static constexpr bool open = true;
    static constexpr std::array<param_field, 0> fields{};
};
template <class T>
    requires boost::hana::Struct<T>::value
struct typed_fields<T> {
    static constexpr bool open = false;
    static constexpr auto fields =
        typed_field_array<T>(decltype(hana_pairs(boost::hana::accessors<T>())){});
};

}  // namespace synapse::detail
