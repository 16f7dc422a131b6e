// The one place that decides what `synapse::expected` is: C++23's `std::expected` when the
// standard library has it, else `tl::expected` (<tl/expected.hpp>, Debian: libexpected-dev).
// clang 16 with libstdc++ 12 is the case for tl: it accepts -std=c++2b, but libstdc++ 12 shows
// `std::expected` only to compilers reporting C++20 concepts (`__cpp_concepts` 202002), which
// clang 16 does not. Define SYNAPSE_USE_TL_EXPECTED (or SYNAPSE_USE_STD_EXPECTED) to pin the
// choice, e.g. when one program mixes compilers or standards. Code elsewhere uses only the
// members both share (has_value, value, error, operator*, operator->, operator bool), and the
// helpers below.
#pragma once

#include <version>

#include "synapse/core/config.hpp"
#include "synapse/core/error.hpp"

#if defined(SYNAPSE_USE_TL_EXPECTED)
#define SYNAPSE_HAS_TL_EXPECTED 1
#elif defined(SYNAPSE_USE_STD_EXPECTED) || defined(__cpp_lib_expected)
#define SYNAPSE_HAS_TL_EXPECTED 0
#elif __has_include(<tl/expected.hpp>)
#define SYNAPSE_HAS_TL_EXPECTED 1
#else
#error \
    "synapse-cpp needs std::expected or tl::expected: with g++ 12 or newer compile with -std=c++23; with clang (whose libstdc++ 12 hides std::expected from it) install tl-expected (Debian: apt-get install libexpected-dev) and compile with -std=c++2b."
#endif

#if SYNAPSE_HAS_TL_EXPECTED
#include <tl/expected.hpp>
#else
#include <expected>
#endif

#include <type_traits>
#include <utility>

namespace synapse {

#if SYNAPSE_HAS_TL_EXPECTED
template <class T, class E = error>
using expected = tl::expected<T, E>;
template <class E>
using unexpected_type = tl::unexpected<E>;
#else
template <class T, class E = error>
using expected = std::expected<T, E>;
template <class E>
using unexpected_type = std::unexpected<E>;
#endif

/// Wraps an error for returning from a function whose result is `expected<T>`.
inline unexpected_type<error> fail(error e) {
    return unexpected_type<error>(std::move(e));
}

/// Shorthand: `return synapse::fail(errc::io_error, "cannot read params file");`
inline unexpected_type<error> fail(errc code, std::string message) {
    return unexpected_type<error>(error{code, std::move(message)});
}

/// True when `T` is some `synapse::expected<U>`.
template <class T>
struct is_expected : std::false_type {};
template <class T, class E>
struct is_expected<expected<T, E>> : std::true_type {};
template <class T>
inline constexpr bool is_expected_v = is_expected<std::remove_cvref_t<T>>::value;

/// Applies `f` to the value of `e`, or passes its error along (the monadic `transform`, kept here
/// because g++ 12's std::expected lacks it).
template <class T, class F>
[[nodiscard]] auto map(expected<T>&& e, F&& f) -> expected<std::invoke_result_t<F, T&&>> {
    if (!e) return fail(std::move(e).error());
    if constexpr (std::is_void_v<std::invoke_result_t<F, T&&>>) {
        std::forward<F>(f)(std::move(*e));
        return {};
    } else {
        return std::forward<F>(f)(std::move(*e));
    }
}

/// Applies `f` (which returns an `expected`) to the value of `e`, or passes its error along
/// (the monadic `and_then`).
template <class T, class F>
[[nodiscard]] auto and_then(expected<T>&& e, F&& f) -> std::invoke_result_t<F, T&&> {
    if (!e) return fail(std::move(e).error());
    return std::forward<F>(f)(std::move(*e));
}

}  // namespace synapse
