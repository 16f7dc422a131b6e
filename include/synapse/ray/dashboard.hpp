// Where a Ray dashboard is and how to authenticate to it: the default address, the environment
// variables that name another, and HTTP options carrying Ray's auth token.
//
//     auto t = synapse::httplib_transport::create(synapse::dashboard_transport_options());
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include "synapse/core/error.hpp"
#include "synapse/ray/auth.hpp"
#include "synapse/transport/transport_options.hpp"

namespace synapse {

/// A local Ray head's dashboard.
inline constexpr std::string_view default_dashboard_url = "http://127.0.0.1:8265";

/// The dashboard to talk to when none is given: $RAY_DASHBOARD_ADDRESS, else
/// $RAY_DASHBOARD_URL, else default_dashboard_url.
[[nodiscard]] inline std::string dashboard_url_from_environment() {
    for (const char* name : {"RAY_DASHBOARD_ADDRESS", "RAY_DASHBOARD_URL"})
        if (const char* v = std::getenv(name); v && *v) return v;
    return std::string(default_dashboard_url);
}

/// HTTP options for the dashboard at `url` (default: dashboard_url_from_environment()), with
/// Ray's auth token when there is one (see ray_auth_token). Reads the environment and the token
/// file: call it when you mean to.
[[nodiscard]] inline transport_options dashboard_transport_options(std::string url = {}) {
    transport_options o;
    o.base_url = url.empty() ? dashboard_url_from_environment() : std::move(url);
    o.token = ray_auth_token();
    return o;
}

namespace detail {

/// Adds where Ray's token comes from to an errc::unauthorized error of the dashboard.
inline error with_ray_token_hint(error e) {
    if (e.code == errc::unauthorized)
        e.message +=
            " (check the Ray auth token: RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH or "
            "~/.ray/auth_token)";
    return e;
}

}  // namespace detail

}  // namespace synapse
