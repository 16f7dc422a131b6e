// The Serializer policy: how params and results are written as the job protocol's wire text.
// A client writes an action's params as the text that travels in SYNAPSE_ACTION_PARAMS (or the
// params file), and reads the result from the line the action printed between
// __SYNAPSE_RESULT_START__ and __SYNAPSE_RESULT_END__. `json_serializer` is the protocol's own
// format (what synapse-sdk writes and reads); an executor takes another one as a template
// argument, e.g. to record or transform what goes over the wire.
//
//     struct my_serializer {
//         using serializer_concept = synapse::serializer_tag;
//         synapse::expected<std::string> write_params(const synapse::json& params) const;
//         synapse::expected<synapse::json> read_result(std::string_view line) const;
//     };
#pragma once

#include <concepts>
#include <string>
#include <string_view>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"

namespace synapse {

/// Declared by serializers: `using serializer_concept = synapse::serializer_tag;`
struct serializer_tag {};

template <class S>
concept Serializer = requires { typename S::serializer_concept; } &&
                     std::derived_from<typename S::serializer_concept, serializer_tag> &&
                     requires(const S& s, const json& params, std::string_view line) {
                         { s.write_params(params) } -> std::same_as<expected<std::string>>;
                         { s.read_result(line) } -> std::same_as<expected<json>>;
                     };

/// States why `S` is not a Serializer, one sentence per requirement.
template <class S>
constexpr bool check_serializer() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(
        requires { typename S::serializer_concept; },
        "not a Serializer: declare `using serializer_concept = synapse::serializer_tag;` "
        "in the serializer");
    static_assert(
        requires(const S& s, const json& params) {
            { s.write_params(params) } -> std::same_as<expected<std::string>>;
        },
        "not a Serializer: needs `expected<std::string> write_params(const json& params) const` "
        "(the params' wire text)");
    static_assert(
        requires(const S& s, std::string_view line) {
            { s.read_result(line) } -> std::same_as<expected<json>>;
        },
        "not a Serializer: needs `expected<json> read_result(std::string_view line) const` (the "
        "result line between the markers)");
#endif
    return Serializer<S>;
}

/// The job protocol's JSON: params as one line of compact JSON (invalid UTF-8 replaced, never
/// thrown), the result line parsed as JSON (a protocol_error naming the position otherwise).
struct json_serializer {
    using serializer_concept = serializer_tag;

    [[nodiscard]] expected<std::string> write_params(const json& params) const {
        return params.dump(-1, ' ', false, json::error_handler_t::replace);
    }

    [[nodiscard]] expected<json> read_result(std::string_view line) const {
        auto parsed = parse_json(line, "the result line");
        if (!parsed) {
            error e = std::move(parsed).error();
            e.code = errc::protocol_error;
            return fail(std::move(e));
        }
        return parsed;
    }
};

static_assert(check_serializer<json_serializer>());

}  // namespace synapse
