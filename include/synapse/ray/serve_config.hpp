// Changing one Serve application and leaving the others alone. Serve's PUT replaces every
// declaratively deployed application (imperative ones, from `serve.run`, are never touched), so a
// change reads the live state, rebuilds the whole config from it (each other declarative
// application with the config it was deployed with, Serve's proxy and capacity settings kept),
// changes only the one application, reads the live state once more right before writing, and
// starts over when someone else changed it meanwhile (every PUT moves the applications'
// `last_deployed_time_s`).
//
//     auto deployed = synapse::apply_serve_change(api, [&](const serve_instance& live) {
//         return synapse::serve_config_with(live, my_app, {{"host", "127.0.0.1"}});
//     });
//     auto app = synapse::wait_for_application(api, "my_app", std::chrono::minutes(5));
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

#include "synapse/core/clock.hpp"
#include "synapse/core/detail/poll.hpp"
#include "synapse/ray/serve_api.hpp"

namespace synapse {

namespace detail {

/// The config every declarative application of `live` runs with, except `skip`; with Serve's
/// proxy settings, or `new_http_options` when Serve is not running yet.
inline json serve_config_keeping(const serve_instance& live, std::string_view skip,
                                 const json& new_http_options) {
    json config = json::object();
    json apps = json::array();
    for (const auto& [name, app] : live.applications)
        if (name != skip && app.source == "declarative" && app.deployed_app_config.is_object())
            apps.push_back(app.deployed_app_config);
    config["applications"] = std::move(apps);
    if (live.running) {
        json http = json::object();
        for (const char* key : {"host", "port", "root_path"})
            if (auto it = live.http_options.find(key); it != live.http_options.end())
                http[key] = *it;
        config["http_options"] = std::move(http);
        if (live.proxy_location) config["proxy_location"] = *live.proxy_location;
    } else if (new_http_options.is_object() && !new_http_options.empty()) {
        config["http_options"] = new_http_options;
    }
    if (live.target_capacity.is_number()) config["target_capacity"] = live.target_capacity;
    return config;
}

/// What every writer of the config changes: the declarative applications and when each was
/// last deployed.
inline std::string serve_fingerprint(const serve_instance& live) {
    std::string out;
    for (const auto& [name, app] : live.applications) {
        if (app.source != "declarative") continue;
        char time[32];
        std::snprintf(time, sizeof time, "%.6f", app.last_deployed_time_s);
        out += name + "@" + time + ";";
    }
    return out;
}

}  // namespace detail

/// The PUT body that adds `app` (a ServeApplicationSchema; replacing the application of the same
/// name) and keeps every other declarative application of `live` as it is.
[[nodiscard]] inline json serve_config_with(const serve_instance& live, const json& app,
                                            const json& new_http_options = json::object()) {
    json config = detail::serve_config_keeping(live, app.value("name", ""), new_http_options);
    config["applications"].push_back(app);
    return config;
}

/// The PUT body without the application `name`, keeping every other declarative application.
[[nodiscard]] inline json serve_config_without(const serve_instance& live, std::string_view name) {
    return detail::serve_config_keeping(live, name, json::object());
}

/// Reads the live state, builds the config with `build(live)`, checks that nobody changed the
/// state meanwhile and writes it; starts over (up to `attempts` times) when somebody did. The
/// state the config was built from. Errors: the API's, and errc::timeout (naming the attempts)
/// when the state kept changing.
template <class Api, class Build>
[[nodiscard]] expected<serve_instance> apply_serve_change(Api& api, Build&& build,
                                                          int attempts = 5) {
    for (int attempt = 0; attempt < attempts; ++attempt) {
        auto live = api.get();
        if (!live) return fail(std::move(live).error());
        const json config = build(*live);
        auto again = api.get();
        if (!again) return fail(std::move(again).error());
        if (detail::serve_fingerprint(*again) != detail::serve_fingerprint(*live)) continue;
        if (auto put = api.put(config); !put) return fail(std::move(put).error());
        return live;
    }
    return fail(errc::timeout, "Serve's applications kept changing while ours was written (" +
                                   std::to_string(attempts) + " attempts)");
}

/// Waits until the application `name` is RUNNING; its state then. Errors: errc::job_failed with
/// Serve's messages when it is DEPLOY_FAILED or UNHEALTHY, not_found when it is gone, timeout
/// naming the last status, cancelled when `stop` is requested. `on_status` sees each status.
template <class Api, class OnStatus = void (*)(const serve_application&)>
[[nodiscard]] expected<serve_application> wait_for_application(
    Api& api, std::string_view name, std::chrono::milliseconds timeout, std::stop_token stop = {},
    OnStatus&& on_status = [](const serve_application&) {},
    std::shared_ptr<const clock> clock = system_clock_ptr()) {
    std::optional<expected<serve_application>> outcome;
    std::string last = "not listed yet";
    const auto end = detail::poll_until(
        *clock, stop, timeout,
        detail::backoff(std::chrono::milliseconds(100), std::chrono::seconds(1)), [&] {
            auto live = api.get();
            if (!live) {
                outcome = fail(std::move(live).error());
                return true;
            }
            auto it = live->applications.find(std::string(name));
            if (it == live->applications.end()) return false;
            const auto& app = it->second;
            on_status(app);
            last = app.status;
            if (app.status == "RUNNING") {
                outcome = app;
                return true;
            }
            if (app.status == "DEPLOY_FAILED" || app.status == "UNHEALTHY") {
                outcome = fail(errc::job_failed, "Serve application '" + std::string(name) +
                                                     "' is " + app.status + ": " + app.messages());
                return true;
            }
            return false;
        });
    if (outcome) return std::move(*outcome);
    if (end == detail::poll_end::stopped)
        return fail(errc::cancelled,
                    "stopped waiting for Serve application '" + std::string(name) + "'");
    return fail(errc::timeout, "Serve application '" + std::string(name) +
                                   "' was not RUNNING within " + std::to_string(timeout.count()) +
                                   " ms (last status: " + last + ")");
}

/// Waits until the application `name` is no longer listed (its replicas stopped). Errors: the
/// API's, timeout.
template <class Api>
[[nodiscard]] expected<void> wait_for_removal(
    Api& api, std::string_view name, std::chrono::milliseconds timeout,
    std::shared_ptr<const clock> clock = system_clock_ptr()) {
    std::optional<error> failed;
    const auto end = detail::poll_until(
        *clock, {}, timeout,
        detail::backoff(std::chrono::milliseconds(100), std::chrono::seconds(1)), [&] {
            auto live = api.get();
            if (!live) failed = std::move(live).error();
            return failed || !live->applications.contains(std::string(name));
        });
    if (failed) return fail(std::move(*failed));
    if (end != detail::poll_end::done)
        return fail(errc::timeout, "Serve application '" + std::string(name) +
                                       "' was still listed " + std::to_string(timeout.count()) +
                                       " ms after its removal");
    return {};
}

}  // namespace synapse
