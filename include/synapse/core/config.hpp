// Version, language checks and the warning guards shared by every synapse header.
#pragma once

#define SYNAPSE_VERSION_MAJOR 0
#define SYNAPSE_VERSION_MINOR 1
#define SYNAPSE_VERSION_PATCH 0
#define SYNAPSE_VERSION_STRING "0.1.0"

#if defined(_MSVC_LANG)
#define SYNAPSE_CPLUSPLUS _MSVC_LANG
#else
#define SYNAPSE_CPLUSPLUS __cplusplus
#endif

#if SYNAPSE_CPLUSPLUS < 202002L
#error "synapse-cpp needs C++20 or newer: compile with -std=c++20 (or -std=c++23)."
#endif

namespace synapse {

/// The library version, as "major.minor.patch".
inline constexpr const char* version_string = SYNAPSE_VERSION_STRING;

}  // namespace synapse
