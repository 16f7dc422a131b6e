// Plain structs as JSON, through Boost.Hana reflection. Reflect a struct once, at global scope:
//
//     struct train_params { std::filesystem::path train_path; int epochs = 100; };
//     SYNAPSE_REFLECT(train_params, train_path, epochs)
//
// then `synapse::from_json<train_params>(j)` validates and reads it (reporting every failing
// field with its JSON path), `synapse::to_json(p)` writes it and
// `synapse::json_schema<train_params>()` describes it. Constraints: see constraints.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/hana/accessors.hpp>
#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/length.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>

#include "synapse/core/codec.hpp"
#include "synapse/core/constraints.hpp"
#include "synapse/core/enum.hpp"

/// Reflects struct `T` (use at global scope, with the qualified name) so that its listed fields
/// read from and write to JSON object keys of the same names.
#define SYNAPSE_REFLECT(T, ...) BOOST_HANA_ADAPT_STRUCT(T, __VA_ARGS__);

namespace synapse {

namespace detail {

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

/// The reflected field names of T, in declaration order.
template <class T>
const std::vector<std::string_view>& field_names() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> out;
        boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
            out.emplace_back(boost::hana::to<const char*>(boost::hana::first(pair)));
        });
        return out;
    }();
    return names;
}

/// Index of the reflected field of `object` that lives at `address`, or -1.
template <class T>
int field_index(const T& object, const void* address) {
    int index = 0, found = -1;
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
        if (static_cast<const void*>(&boost::hana::second(pair)(object)) == address) found = index;
        ++index;
    });
    return found;
}

}  // namespace detail

template <class T>
struct codec<T, std::enable_if_t<boost::hana::Struct<T>::value>> {
    static constexpr bool supported = true;
    static constexpr std::size_t field_count =
        decltype(boost::hana::length(boost::hana::accessors<T>()))::value;

    static void read(const json& j, T& out, detail::read_state& st) {
        if (!j.is_object()) return st.type_mismatch("object", j);
        const auto& names = detail::field_names<T>();
        const auto& rules = constraints_of<T>::get();
        std::array<bool, field_count> ok{};

        const auto& fields = j.get_ref<const json::object_t&>();
        std::size_t index = 0, cursor = 0;
        boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
            auto& member = boost::hana::second(pair)(out);
            using M = std::remove_cvref_t<decltype(member)>;
            auto scope = st.enter_key(names[index]);
            const json* value = lookup(fields, cursor, names[index]);
            if (!value) {
                if constexpr (detail::is_optional_v<M>) {
                    member.reset();
                    ok[index] = 1;
                } else if (has_default(rules, out, &member)) {
                    ok[index] = 1;
                } else {
                    st.add("missing required field", "present", "absent");
                }
            } else {
                auto before = st.error_count();
                codec<M>::read(*value, member, st);
                ok[index] = st.error_count() == before;
            }
            ++index;
        });

        if (st.options().strict) {
            for (auto it = j.begin(); it != j.end(); ++it) {
                bool known = false;
                for (auto name : names) known = known || name == it.key();
                if (!known) {
                    auto scope = st.enter_key(it.key());
                    st.add("unknown field (strict mode)", "absent", "present");
                }
            }
        }

        std::apply(
            [&](const auto&... rule) {
                (
                    [&] {
                        int i = detail::field_index(out, &(out.*(rule.member)));
                        if (i < 0 || !ok[static_cast<std::size_t>(i)]) return;
                        auto scope = st.enter_key(names[static_cast<std::size_t>(i)]);
                        rule.apply(out, st);
                    }(),
                    ...);
            },
            rules);
    }

    static json write(const T& value) {
        json out = json::object();
        // Field names are unique, so append in declaration order without looking keys up.
        auto& fields = out.get_ref<json::object_t&>();
        fields.reserve(field_count);
        boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
            const auto& member = boost::hana::second(pair)(value);
            using M = std::remove_cvref_t<decltype(member)>;
            fields.json::object_t::Container::emplace_back(
                boost::hana::to<const char*>(boost::hana::first(pair)), codec<M>::write(member));
        });
        return out;
    }

    static json schema() {
        static_assert(std::is_default_constructible_v<T>,
                      "a reflected params/result struct must be default-constructible");
        const T defaults{};
        const auto& names = detail::field_names<T>();
        const auto& rules = constraints_of<T>::get();
        json properties = json::object();
        json required = json::array();
        std::size_t index = 0;
        boost::hana::for_each(boost::hana::accessors<T>(), [&](auto pair) {
            const auto& member = boost::hana::second(pair)(defaults);
            using M = std::remove_cvref_t<decltype(member)>;
            json field = codec<M>::schema();
            std::string name(names[index]);
            if constexpr (!detail::is_optional_v<M>) {
                if (has_default(rules, defaults, &member))
                    field["default"] = codec<M>::write(member);
                else
                    required.push_back(name);
            }
            properties[name] = std::move(field);
            ++index;
        });
        std::apply(
            [&](const auto&... rule) {
                (
                    [&] {
                        int i = detail::field_index(defaults, &(defaults.*(rule.member)));
                        if (i < 0) return;
                        json& field = properties[std::string(names[static_cast<std::size_t>(i)])];
                        // Constraints of an optional field describe its non-null alternative.
                        rule.describe(field.contains("anyOf") ? field["anyOf"][0] : field);
                    }(),
                    ...);
            },
            rules);
        json s = {{"type", "object"}, {"properties", std::move(properties)}};
        if (!required.empty()) s["required"] = std::move(required);
        return s;
    }

  private:
    /// The value of key `name`. Objects usually list keys in declaration order (ours are written
    /// that way), so the entry at `cursor` is tried first and the search is linear only otherwise.
    static const json* lookup(const json::object_t& fields, std::size_t& cursor,
                              std::string_view name) {
        if (cursor < fields.size()) {
            const auto& entry = *(fields.begin() + static_cast<std::ptrdiff_t>(cursor));
            if (entry.first == name) {
                ++cursor;
                return &entry.second;
            }
        }
        for (const auto& entry : fields)
            if (entry.first == name) return &entry.second;
        return nullptr;
    }

    template <class Rules>
    static bool has_default(const Rules& rules, const T& object, const void* address) {
        return std::apply(
            [&](const auto&... rule) {
                return ((rule.marks_default &&
                         static_cast<const void*>(&(object.*(rule.member))) == address) ||
                        ...);
            },
            rules);
    }
};

/// Reads a `T` from JSON, validating as it goes. On failure the error is `validation_failed`
/// and `fields` lists every failing field with its JSON path. A `codec<T>` specialisation that
/// throws (e.g. nlohmann's type_error from an unchecked `get`) fails the read with its message.
template <Reflectable T>
[[nodiscard]] expected<T> from_json(const json& j, parse_options options = {}) {
    static_assert(std::is_default_constructible_v<T>,
                  "synapse::from_json<T>: T must be default-constructible");
    T value{};
    detail::read_state st(options);
    try {
        codec<T>::read(j, value, st);
    } catch (const std::exception& ex) {
        return fail(errc::validation_failed, std::string("reading the value threw: ") + ex.what());
    }
    if (st.error_count() != 0) {
        auto n = st.error_count();
        error e{errc::validation_failed,
                std::to_string(n) + (n == 1 ? " field failed" : " fields failed") + " validation"};
        e.fields = std::move(st.errors());
        if (e.fields.size() == 1) e.where = e.fields.front().path;
        return fail(std::move(e));
    }
    return value;
}

/// Parses JSON text and reads a `T` from it (errors name `source` and the position).
template <Reflectable T>
[[nodiscard]] expected<T> from_json_text(std::string_view text, parse_options options = {},
                                         std::string_view source = "JSON text") {
    auto j = parse_json(text, source);
    if (!j) return fail(std::move(j).error());
    return from_json<T>(*j, options);
}

/// Writes a `T` as JSON.
template <Reflectable T>
json to_json(const T& value) {
    return codec<T>::write(value);
}

/// The JSON Schema (draft 2020-12) of `T`.
template <Reflectable T>
json json_schema() {
    json s = codec<T>::schema();
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema";
    return s;
}

}  // namespace synapse
