// The fields of a params or result object as a JSON Schema describes them, for check_pipeline:
// the schemas synapse::json_schema<T>() writes and those Pydantic v2's model_json_schema()
// writes (`required` lists; `properties` with `type`, or `anyOf` where a {"type": "null"} branch
// means optional; `$ref` into `$defs`; no `type` meaning any), and the keys of a params object.
#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/pipeline/detail/param_check.hpp"

namespace synapse::detail {

/// The fields found in a schema or object; names point into the JSON they were read from.
struct schema_fields {
    std::vector<param_field> fields;
    bool open = false;  ///< may hold keys it does not list
};

/// `node`, or the schema its `$ref` points to inside `root` ("#/$defs/Name", any JSON pointer);
/// null when the reference leads nowhere.
inline const json* resolve_schema(const json& root, const json& node) {
    const json* at = &node;
    for (int depth = 0; depth < 32; ++depth) {
        if (!at->is_object()) return at;
        const auto ref = at->find("$ref");
        if (ref == at->end() || !ref->is_string()) return at;
        const std::string& text = ref->get_ref<const std::string&>();
        if (text.empty() || text.front() != '#') return nullptr;
        try {
            const json::json_pointer pointer(text.substr(1));
            if (!root.contains(pointer)) return nullptr;
            at = &root.at(pointer);
        } catch (const std::exception&) {
            return nullptr;
        }
    }
    return nullptr;
}

inline param_kind kind_of_type_name(std::string_view type) {
    if (type == "string") return param_kind::string;
    if (type == "integer") return param_kind::integer;
    if (type == "number") return param_kind::number;
    if (type == "boolean") return param_kind::boolean;
    if (type == "array") return param_kind::array;
    if (type == "object") return param_kind::object;
    if (type == "null") return param_kind::null;
    return param_kind::any;
}

/// One kind for several alternatives, nulls left out: the kind they share, `number` for
/// integers and numbers, `null` when only null is left, else `any`.
inline param_kind merge_kinds(const std::vector<param_kind>& kinds) {
    bool first = true, numeric = true;
    param_kind out = param_kind::null;
    for (param_kind k : kinds) {
        if (k == param_kind::null) continue;
        numeric = numeric && (k == param_kind::integer || k == param_kind::number);
        if (first)
            out = k;
        else if (k != out)
            out = numeric ? param_kind::number : param_kind::any;
        first = false;
    }
    return out;
}

/// The kind of a JSON value.
inline param_kind kind_of_value(const json& v) {
    if (v.is_string()) return param_kind::string;
    if (v.is_boolean()) return param_kind::boolean;
    if (v.is_number_integer()) return param_kind::integer;  // signed and unsigned
    if (v.is_number()) return param_kind::number;
    if (v.is_array()) return param_kind::array;
    if (v.is_object()) return param_kind::object;
    if (v.is_null()) return param_kind::null;
    return param_kind::any;
}

/// The kind of the values a schema allows.
inline param_kind kind_of_schema(const json& root, const json& node, int depth = 0) {
    const json* s = resolve_schema(root, node);
    if (!s || !s->is_object() || depth > 32) return param_kind::any;
    std::vector<param_kind> kinds;
    if (const auto type = s->find("type"); type != s->end()) {
        if (type->is_string()) return kind_of_type_name(type->get_ref<const std::string&>());
        if (type->is_array()) {
            for (const auto& t : *type)
                kinds.push_back(t.is_string() ? kind_of_type_name(t.get_ref<const std::string&>())
                                              : param_kind::any);
            return kinds.empty() ? param_kind::any : merge_kinds(kinds);
        }
        return param_kind::any;
    }
    for (const char* key : {"anyOf", "oneOf"}) {
        if (const auto branches = s->find(key); branches != s->end() && branches->is_array()) {
            for (const auto& b : *branches) kinds.push_back(kind_of_schema(root, b, depth + 1));
            return kinds.empty() ? param_kind::any : merge_kinds(kinds);
        }
    }
    if (const auto all = s->find("allOf"); all != s->end() && all->is_array() && all->size() == 1)
        return kind_of_schema(root, all->front(), depth + 1);
    for (const char* key : {"enum", "const"}) {
        if (const auto values = s->find(key); values != s->end()) {
            if (!values->is_array()) return kind_of_value(*values);
            for (const auto& v : *values) kinds.push_back(kind_of_value(v));
            return kinds.empty() ? param_kind::any : merge_kinds(kinds);
        }
    }
    return param_kind::any;
}

/// True when a schema allows null (`{"type": "null"}`, a "null" in a type list, or an `anyOf`
/// / `oneOf` branch that does).
inline bool schema_allows_null(const json& root, const json& node, int depth = 0) {
    const json* s = resolve_schema(root, node);
    if (!s || !s->is_object() || depth > 32) return false;
    if (const auto type = s->find("type"); type != s->end()) {
        if (type->is_string()) return *type == "null";
        if (type->is_array())
            for (const auto& t : *type)
                if (t == "null") return true;
        return false;
    }
    for (const char* key : {"anyOf", "oneOf"}) {
        if (const auto branches = s->find(key); branches != s->end() && branches->is_array())
            for (const auto& b : *branches)
                if (schema_allows_null(root, b, depth + 1)) return true;
    }
    return false;
}

/// The properties of an object schema: each with its kind, required when it is listed in
/// `required` and does not allow null. `open` when the schema lists no properties, or allows
/// additional ones.
inline schema_fields fields_of_schema(const json& root) {
    schema_fields out;
    const json* s = resolve_schema(root, root);
    if (!s || !s->is_object()) {
        out.open = true;
        return out;
    }
    const auto properties = s->find("properties");
    const auto additional = s->find("additionalProperties");
    out.open = properties == s->end() || !properties->is_object() ||
               (additional != s->end() && *additional != false);
    std::vector<std::string_view> required;
    if (const auto r = s->find("required"); r != s->end() && r->is_array())
        for (const auto& name : *r)
            if (name.is_string()) required.push_back(name.get_ref<const std::string&>());
    auto listed = [&](std::string_view name) {
        for (auto r : required)
            if (r == name) return true;
        return false;
    };
    if (properties != s->end() && properties->is_object()) {
        for (auto it = properties->begin(); it != properties->end(); ++it) {
            const std::string& name = it.key();
            out.fields.push_back({name, kind_of_schema(root, it.value()),
                                  listed(name) && !schema_allows_null(root, it.value())});
        }
    }
    // A required name without a property: required, of any kind.
    for (auto name : required) {
        bool known = false;
        for (const auto& f : out.fields) known = known || f.name == name;
        if (!known) out.fields.push_back({name, param_kind::any, true});
    }
    return out;
}

/// The keys of a params object, each with the kind of its value.
inline schema_fields fields_of_object(const json& object) {
    schema_fields out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out.fields.push_back({it.key(), kind_of_value(it.value()), false});
    return out;
}

}  // namespace synapse::detail
