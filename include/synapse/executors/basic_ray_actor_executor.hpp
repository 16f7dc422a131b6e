// basic_ray_actor_executor: keeps plugin workers warm on a Ray cluster, as the replicas of one
// Ray Serve application, and sends them action after action over HTTP: no job, no process
// start, no model reload between calls. `ray_actor_executor` (alias
// `ray_task_executor`, ray_actor_executor.hpp) is the one over cpp-httplib.
//
//     basic_ray_actor_executor<Transport, Serializer = json_serializer, PackageManager = pip,
//                              Logger = console_logger>
//
// The plugin directory is packaged and uploaded as for Ray jobs, with the Serve module
// (serve_host.hpp) and the Python host beside it; the application is named for the plugin and
// its package hash, so a later executor (or CLI call) with the same content reuses the running
// application: warm across processes. Deploying and removing it changes only this application
// (serve_config.hpp). What the actions report comes back with each answer and reaches the
// Logger; what they print reaches `on_output`.
//
// Calls go to the replicas' direct ports once their answers through the proxy have named them
// (one connection per replica, each used by one call at a time), and through Serve's proxy
// while no known replica is free to take one: the proxy and router cost milliseconds a call.
// A direct port that refuses the connection is forgotten (the call goes through the proxy).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/reflect.hpp"
#include "synapse/executors/detail/ray_submission.hpp"
#include "synapse/executors/detail/serve_app.hpp"
#include "synapse/executors/detail/serve_call.hpp"
#include "synapse/executors/detail/serve_ports.hpp"
#include "synapse/executors/protocol.hpp"
#include "synapse/executors/ray_executor_options.hpp"
#include "synapse/plugin/action.hpp"
#include "synapse/plugin/loggers/console.hpp"
#include "synapse/plugin/serializer.hpp"
#include "synapse/ray/jobs_api.hpp"
#include "synapse/ray/package_manager.hpp"
#include "synapse/ray/serve_api.hpp"
#include "synapse/ray/serve_config.hpp"

namespace synapse {

/// The Serve side of a ray_actor_executor; resources fall back to ray_executor_options'.
struct ray_actor_options {
    int replicas = 1;                 ///< warm workers (Serve replicas)
    std::optional<std::string> name;  ///< the application (default: plugin + package hash)
    bool fresh = false;               ///< a new application even when one with the content runs
    std::optional<std::string> proxy_url;  ///< Serve's proxy (default: the dashboard's host, :8000)
    /// Serve's proxy settings when this executor starts Serve (ignored when it runs already):
    /// the host defaults to 127.0.0.1 for a dashboard on loopback, else 0.0.0.0.
    json http_options = json::object();
    std::chrono::milliseconds deploy_timeout = std::chrono::minutes(10);
    std::chrono::milliseconds call_timeout = std::chrono::hours(1);  ///< one action's answer
    /// Each status while the application deploys (e.g. to show progress).
    std::function<void(const serve_application&)> on_deploy_status;
    /// Each line a worker printed during a call; stderr by default.
    std::function<void(std::string_view line)> on_output;
};

/// Chosen only when a policy does not fit: says which, one sentence each.
template <class T, class S = json_serializer, class P = pip, class L = console_logger>
class basic_ray_actor_executor {
    static_assert(check_transport<T>());
    static_assert(check_serializer<S>());
    static_assert(check_package_manager<P>());
    static_assert(Logger<L>, "not a Logger: needs on_log, on_progress and on_metrics members");
};

template <Transport T, Serializer S, PackageManager P, Logger L>
class basic_ray_actor_executor<T, S, P, L> {
  public:
    using executor_concept = sync_executor_tag;
    using transport_type = T;
    /// Makes a transport to `base_url`, a replica's direct port, or to Serve's proxy when empty.
    using proxy_factory = std::function<expected<T>(std::string_view base_url)>;

    /// `dashboard` talks to the dashboard; `make_proxy` makes the transports of the calls (one
    /// per concurrent call to the proxy, one per replica's direct port).
    basic_ray_actor_executor(T dashboard, proxy_factory make_proxy, ray_executor_options options,
                             ray_actor_options actor = {}, L logger = L())
        : state_(std::make_unique<state>(std::move(dashboard), std::move(make_proxy),
                                         std::move(options), std::move(actor), std::move(logger))) {
    }

    /// An executor over `T::create` for the dashboard and the proxy (Ray's token looked up as
    /// for Ray jobs).
    [[nodiscard]] static expected<basic_ray_actor_executor> create(ray_executor_options options,
                                                                   ray_actor_options actor = {},
                                                                   L logger = L())
        requires requires(transport_options t) {
            { T::create(t) } -> std::same_as<expected<T>>;
        }
    {
        if (options.look_up_ray_token && !options.transport.token)
            options.transport.token = ray_auth_token();
        // Serve's PUT answers only once Serve runs: the first one on a cluster starts Serve's
        // controller and proxies, which takes more than 30 s on a loaded small machine.
        transport_options dashboard_options = options.transport;
        dashboard_options.read_timeout = std::max(
            dashboard_options.read_timeout, std::chrono::milliseconds(std::chrono::minutes(3)));
        auto dashboard = T::create(dashboard_options);
        if (!dashboard) return fail(std::move(dashboard).error());
        auto proxy =
            detail::serve_proxy_options(options.transport, actor.proxy_url, actor.call_timeout);
        if (!proxy) return fail(std::move(proxy).error());
        if (actor.http_options.empty())
            actor.http_options = detail::serve_http_options(options.transport.base_url);
        return basic_ray_actor_executor(
            std::move(*dashboard),
            [proxy = *proxy](std::string_view url) {
                transport_options o = proxy;
                if (!url.empty()) o.base_url = std::string(url);
                return T::create(o);
            },
            std::move(options), std::move(actor), std::move(logger));
    }

    /// The application's name: the package is built (not uploaded) to learn its hash.
    [[nodiscard]] expected<std::string> app_name() {
        if (state_->actor.name) return *state_->actor.name;
        auto po = package_settings();
        po.zip = false;
        auto pkg = make_package(state_->options.working_dir, po);
        if (!pkg) return fail(std::move(pkg).error());
        return detail::serve_app_name(plugin_label(), pkg->name);
    }

    /// Deploys the application unless it runs already with this content and settings, and waits
    /// until it is RUNNING (the first call does this by itself). Errors: the package's, Serve's
    /// (errc::job_failed with Serve's messages for DEPLOY_FAILED or UNHEALTHY), timeout.
    [[nodiscard]] expected<serve_application> deploy() {
        std::lock_guard lock(state_->deploy_mutex);
        return deploy_locked();
    }

    /// Runs `action` on a warm replica and returns its result, or its error: the action's own
    /// (validation_failed with the fields, as a local run gives it), process_failed when the
    /// worker or its replica died during the call, not_found when the application is gone,
    /// http_error for an unavailable proxy (503), timeout, transport_error.
    [[nodiscard]] expected<json> execute(std::string_view action, const json& params) {
        if (!state_->deployed.load()) {
            std::lock_guard lock(state_->deploy_mutex);
            if (!state_->deployed.load())
                if (auto d = deploy_locked(); !d) return fail(std::move(d).error());
        }
        auto text = state_->serializer.write_params(params);
        if (!text) return fail(std::move(text).error());
        auto answer = call(action, *text);
        if (!answer) return fail(std::move(answer).error());
        {
            std::lock_guard lock(state_->output_mutex);
            detail::replay_answer(*answer, state_->logger, state_->actor.on_output);
        }
        return detail::serve_result(*answer, action, state_->serializer);
    }

    /// Runs the C++ action `A` with typed params; the typed result.
    template <Action A>
    [[nodiscard]] expected<typename A::result_type> execute(const typename A::params_type& params) {
        auto j = execute(A::name, to_json(params));
        if (!j) return fail(std::move(j).error());
        return from_json<typename A::result_type>(*j);
    }

    /// Removes this application (and nothing else) from Serve and waits until Serve no longer
    /// lists it; true when it was there.
    [[nodiscard]] expected<bool> shutdown() {
        std::lock_guard lock(state_->deploy_mutex);
        auto name = state_->app ? expected<std::string>(*state_->app) : app_name();
        if (!name) return fail(std::move(name).error());
        basic_serve_api<T&> serve(state_->api.transport());
        bool present = false;
        auto changed = apply_serve_change(serve, [&](const serve_instance& live) {
            auto it = live.applications.find(*name);
            present = it != live.applications.end() && it->second.status != "DELETING";
            return serve_config_without(live, *name);
        });
        if (!changed) return fail(std::move(changed).error());
        state_->deployed = false;
        if (present) {
            auto gone =
                wait_for_removal(serve, *name, state_->actor.deploy_timeout, state_->options.clock);
            if (!gone) return fail(std::move(gone).error());
        }
        return present;
    }

    /// The transport to the dashboard.
    T& dashboard() noexcept { return state_->api.transport(); }
    const ray_executor_options& options() const noexcept { return state_->options; }
    const ray_actor_options& actor_options() const noexcept { return state_->actor; }
    /// The logger (read it when no call is running).
    L& logger() noexcept { return state_->logger; }

  private:
    struct state {
        state(T d, proxy_factory f, ray_executor_options o, ray_actor_options a, L l)
            : api(std::move(d)),
              make_proxy(std::move(f)),
              options(std::move(o)),
              actor(std::move(a)),
              logger(std::move(l)) {}
        basic_jobs_api<T> api;
        proxy_factory make_proxy;
        ray_executor_options options;
        ray_actor_options actor;
        L logger;
        [[no_unique_address]] S serializer;
        [[no_unique_address]] P packages;
        package_cache uploaded;
        std::mutex deploy_mutex;
        std::atomic<bool> deployed{false};
        std::optional<std::string> app;  ///< the name once deployed
        std::string route;
        std::string token;  ///< opens the replicas' direct ports
        std::mutex proxies_mutex;
        std::vector<T> idle_proxies;
        std::mutex output_mutex;
        detail::replica_ports<T> ports;  ///< the replicas' direct ports
    };

    /// One call: on an idle replica's direct port, else through the proxy (whose answer names
    /// the replica that took it).
    expected<json> call(std::string_view action, const std::string& text) {
        auto& s = *state_;
        while (auto taken = s.token.empty()
                                ? std::nullopt
                                : s.ports.take(static_cast<std::size_t>(s.actor.replicas))) {
            auto& [url, transport] = *taken;
            auto answer = detail::serve_call(transport, "/", action, text, s.token);
            if (answer) {
                s.ports.give_back(url, std::move(transport));
                return answer;
            }
            s.ports.forget(url);
            const error& e = answer.error();
            const bool refused = e.message.find("cannot connect to") != std::string::npos ||
                                 e.message.find("could not connect to") != std::string::npos;
            // The replica is gone, or was deployed anew with another token: the call did not
            // reach a worker, and goes through the proxy.
            if (refused || e.http_status == 403) continue;
            if (e.code != errc::transport_error) return answer;
            return fail(errc::process_failed, "running '" + std::string(action) +
                                                  "' on Serve: the replica died during the call (" +
                                                  e.message + ")");
        }
        auto proxy = take_proxy();
        if (!proxy) return fail(std::move(proxy).error());
        auto answer = detail::serve_call(*proxy, s.route, action, text);
        give_back(std::move(*proxy));
        if (!answer) {
            if (answer.error().code == errc::not_found) s.deployed = false;
            return answer;
        }
        if (!s.token.empty()) s.ports.learn(*answer, s.make_proxy);
        return answer;
    }

    std::string plugin_label() const {
        const auto& dir = state_->options.working_dir;
        auto label = dir.filename().string();
        return label.empty() || label == "." ? dir.parent_path().filename().string() : label;
    }

    package_options package_settings() const {
        package_options po;
        po.extra_excludes = state_->options.package_excludes;
        if (state_->options.binary) po.keep.emplace_back(*state_->options.binary);
        po.extra_files = detail::serve_package_files();
        return po;
    }

    expected<serve_application> deploy_locked() {
        auto& s = *state_;
        if (s.options.working_dir.empty())
            return fail(errc::invalid_argument,
                        "a warm Ray executor needs the plugin's working_dir");
        std::string package_name;
        ray_job_request request;
        request.extra_files = detail::serve_package_files();
        auto runtime_env =
            detail::job_runtime_env(s.options, request, s.packages, [&](const package_options& po) {
                auto uri = detail::upload_package(s.api, s.uploaded, s.options.working_dir, po);
                if (uri) package_name = uri->substr(uri->rfind('/') + 1);
                return uri;
            });
        if (!runtime_env) return fail(std::move(runtime_env).error());
        std::string name =
            s.app ? *s.app
                  : s.actor.name.value_or(detail::serve_app_name(plugin_label(), package_name));
        if (s.actor.fresh && !s.app) name += "_" + detail::new_submission_id().substr(8, 8);
        json config = detail::serve_app_config(
            name, *runtime_env, detail::serve_worker_command(s.options), detail::new_serve_token(),
            {s.actor.replicas, s.options.num_cpus, s.options.num_gpus, s.options.memory});
        basic_serve_api<T&> serve(s.api.transport());
        auto live = serve.get();
        if (!live) return fail(std::move(live).error());
        auto running = live->applications.find(name);
        const bool same = running != live->applications.end() &&
                          running->second.status == "RUNNING" &&
                          detail::same_serve_app(running->second.deployed_app_config, config);
        if (same)
            config["args"]["token"] = detail::serve_token_of(running->second.deployed_app_config);
        if (!same) {
            auto changed = apply_serve_change(serve, [&](const serve_instance& now) {
                return serve_config_with(now, config, s.actor.http_options);
            });
            if (!changed) return fail(std::move(changed).error());
        }
        s.app = name;  // shutdown() removes it, even when it never runs
        s.token = config["args"]["token"].template get<std::string>();
        s.ports.clear();  // a new deploy may have new replicas
        auto status = [&](const serve_application& a) {
            if (s.actor.on_deploy_status) s.actor.on_deploy_status(a);
        };
        auto app =
            wait_for_application(serve, name, s.actor.deploy_timeout, {}, status, s.options.clock);
        if (!app) return fail(std::move(app).error());
        s.route = "/" + name;
        s.deployed = true;
        return app;
    }

    expected<T> take_proxy() {
        {
            std::lock_guard lock(state_->proxies_mutex);
            if (!state_->idle_proxies.empty()) {
                T t = std::move(state_->idle_proxies.back());
                state_->idle_proxies.pop_back();
                return t;
            }
        }
        return state_->make_proxy("");
    }

    void give_back(T proxy) {
        std::lock_guard lock(state_->proxies_mutex);
        state_->idle_proxies.push_back(std::move(proxy));
    }

    std::unique_ptr<state> state_;
};

}  // namespace synapse
