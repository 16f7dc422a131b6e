// Test helper for the codec tests: read a JSON value into a T and keep every error recorded.
#pragma once

#include <utility>
#include <vector>

#include <synapse/core/codec.hpp>

namespace core_codec_test {

using synapse::json;

/// The value read and every error recorded while reading it.
template <class T>
struct outcome {
    T value;
    std::vector<synapse::field_error> errors;
};

/// Reads `j` into a `T` that starts out as `initial`.
template <class T>
outcome<T> read_as(const json& j, T initial = T{}) {
    synapse::detail::read_state st;
    synapse::codec<T>::read(j, initial, st);
    return {std::move(initial), std::move(st.errors())};
}

}  // namespace core_codec_test
