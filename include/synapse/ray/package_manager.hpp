// The PackageManager policy: how a job's runtime_env installs Python packages. `pip` and `uv`
// write the runtime_env section of that name as synapse-sdk does (packages from
// requirements.txt, then wheels; install options split from requirements option lines, then the
// manager's default, `--upgrade` or `--no-cache`, then the user's options, each once); when there
// is nothing to install they write nothing, so Ray builds no virtualenv on the worker.
// `no_packages` never installs anything and refuses a package list.
//
//     synapse::basic_ray_jobs_api_executor<synapse::httplib_transport, synapse::json_serializer,
//                                          synapse::uv> exec(...);
//     synapse::with_package_manager(config.package_manager, [&]<class PM>(PM) { ... });
#pragma once

#include <algorithm>
#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"

namespace synapse {

/// What a job needs installed.
struct package_request {
    /// Packages then wheels (`${RAY_RUNTIME_ENV_CREATE_WORKING_DIR}/wheels/x.whl`), in order.
    std::vector<std::string> packages;
    /// Tokens of requirements.txt option lines (`--extra-index-url`, `https://...`).
    std::vector<std::string> install_options;
    /// config.yaml `package_manager_options`, after the manager's default.
    std::vector<std::string> user_options;
};

/// Declared by package managers: `using package_manager_concept = synapse::package_manager_tag;`
struct package_manager_tag {};

template <class P>
concept PackageManager =
    requires { typename P::package_manager_concept; } &&
    std::derived_from<typename P::package_manager_concept, package_manager_tag> &&
    requires(const P& p, json& runtime_env, const package_request& request) {
        { P::name } -> std::convertible_to<std::string_view>;
        { p.apply(runtime_env, request) } -> std::same_as<expected<void>>;
    };

/// States why `P` is not a PackageManager, one sentence per requirement.
template <class P>
constexpr bool check_package_manager() {
#if !defined(SYNAPSE_DISABLE_CONCEPT_CHECKS)
    static_assert(
        requires { typename P::package_manager_concept; },
        "not a PackageManager: declare `using package_manager_concept = "
        "synapse::package_manager_tag;` in the package manager");
    static_assert(
        requires {
            { P::name } -> std::convertible_to<std::string_view>;
        }, "not a PackageManager: needs `static constexpr std::string_view name` (e.g. \"pip\")");
    static_assert(
        requires(const P& p, json& runtime_env, const package_request& request) {
            { p.apply(runtime_env, request) } -> std::same_as<expected<void>>;
        },
        "not a PackageManager: needs `expected<void> apply(json& runtime_env, const "
        "package_request& request) const` (writes the runtime_env's package section)");
#endif
    return PackageManager<P>;
}

namespace detail {

inline unexpected_type<error> bad_runtime_env(std::string what) {
    error e(errc::config_invalid, "runtime_env: " + what);
    e.where = "runtime_env";
    return fail(std::move(e));
}

inline void append_once(json& list, std::string value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

/// synapse-sdk's steps 6-9 for a pip-like section `key` with options under `options_key`.
inline expected<void> apply_pip_section(json& env, const package_request& r, const std::string& key,
                                        const char* options_key, const char* default_option) {
    if (!env.is_object()) return bad_runtime_env("must be a mapping");
    auto found = env.find(key);
    const bool present = found != env.end() && !found->is_null() &&
                         !(found->is_object() && found->empty()) &&
                         !(found->is_array() && found->empty());
    if (!present && r.packages.empty()) {
        if (found != env.end()) env.erase(found);  // an empty section: nothing to install
        return {};
    }
    json& section = env[key];
    if (section.is_null() || (section.is_object() && section.empty()))
        section = json::object();
    else if (section.is_array())
        section = json{{"packages", std::move(section)}};
    else if (!section.is_object())
        return bad_runtime_env("'" + key +
                               "' must be a list of packages or a mapping (a requirements file "
                               "path cannot be sent)");
    if (!r.packages.empty()) {
        json& list = section["packages"];
        if (list.is_null()) list = json::array();
        if (!list.is_array()) return bad_runtime_env("'" + key + ".packages' must be a list");
        for (const auto& p : r.packages) append_once(list, p);
    }
    json& opts = section[options_key];
    if (opts.is_null()) opts = json::array();
    if (!opts.is_array())
        return bad_runtime_env("'" + key + "." + options_key + "' must be a list");
    for (const auto& t : r.install_options) opts.push_back(t);
    append_once(opts, default_option);
    for (const auto& o : r.user_options) append_once(opts, o);
    return {};
}

}  // namespace detail

/// pip: the `pip` section, `pip_install_options` starting with `--upgrade`.
struct pip {
    using package_manager_concept = package_manager_tag;
    static constexpr std::string_view name = "pip";

    [[nodiscard]] expected<void> apply(json& runtime_env, const package_request& r) const {
        return detail::apply_pip_section(runtime_env, r, "pip", "pip_install_options", "--upgrade");
    }
};

/// uv: the `uv` section, `uv_pip_install_options` starting with `--no-cache`.
struct uv {
    using package_manager_concept = package_manager_tag;
    static constexpr std::string_view name = "uv";

    [[nodiscard]] expected<void> apply(json& runtime_env, const package_request& r) const {
        return detail::apply_pip_section(runtime_env, r, "uv", "uv_pip_install_options",
                                         "--no-cache");
    }
};

/// Nothing is installed on the worker; a package list (requirements.txt, wheels, a `pip`,
/// `uv` or `conda` section of the runtime_env) is an error naming it, never silently dropped.
struct no_packages {
    using package_manager_concept = package_manager_tag;
    static constexpr std::string_view name = "none";

    [[nodiscard]] expected<void> apply(json& runtime_env, const package_request& r) const {
        if (!r.packages.empty()) {
            std::string names;
            for (std::size_t i = 0; i < r.packages.size() && i < 3; ++i)
                names += (i ? ", " : "") + r.packages[i];
            if (r.packages.size() > 3) names += ", ...";
            return fail(errc::invalid_argument, "package manager 'none' installs nothing, but " +
                                                    std::to_string(r.packages.size()) +
                                                    " package(s) were asked for (" + names +
                                                    ") by requirements.txt or wheels");
        }
        if (runtime_env.is_object())
            for (const char* key : {"pip", "uv", "conda"})
                if (auto it = runtime_env.find(key); it != runtime_env.end() && !it->empty())
                    return detail::bad_runtime_env(std::string("'") + key +
                                                   "' is set, but the package manager is 'none'");
        return {};
    }
};

static_assert(check_package_manager<pip>());
static_assert(check_package_manager<uv>());
static_assert(check_package_manager<no_packages>());

/// Runs `f` with the package manager that `name` names ("pip", "uv" or "none"; config.yaml's
/// `package_manager` is pip or uv): the one place where a choice made at run time becomes a
/// compile-time policy. Returns what `f` returns, as an `expected` (as is when it already is
/// one); an unknown name is errc::invalid_argument listing the known ones.
template <class F>
[[nodiscard]] auto with_package_manager(std::string_view name, F&& f) {
    using R = std::invoke_result_t<F&, pip>;
    using out = std::conditional_t<is_expected_v<R>, R, expected<R>>;
    auto call = [&](auto manager) -> out {
        if constexpr (std::is_void_v<R>) {
            f(manager);
            return {};
        } else {
            return f(manager);
        }
    };
    if (name == pip::name) return call(pip{});
    if (name == uv::name) return call(uv{});
    if (name == no_packages::name) return call(no_packages{});
    return out(fail(errc::invalid_argument, "unknown package manager '" + std::string(name) +
                                                "' (expected pip, uv or none)"));
}

}  // namespace synapse
