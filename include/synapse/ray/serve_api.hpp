// The Ray Serve REST API of the dashboard (Ray 2.60, ../docs/ray-http-api.md §8), typed, over any
// Transport:
//
//     synapse::basic_serve_api api(std::move(*transport));
//     auto serve = api.get();                 // expected<serve_instance>: every application
//     auto put = api.put(config);             // replaces the declarative applications
//
// Serve's PUT replaces every declaratively deployed application of the cluster: to add, change
// or remove one application and leave the others alone, use serve_config.hpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/ray/dashboard.hpp"
#include "synapse/ray/job_details.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse {

/// One replica of a deployment.
struct serve_replica {
    std::string replica_id;
    std::string state;  ///< STARTING, UPDATING, RECOVERING, RUNNING, STOPPING, ...
    std::optional<int> pid;
    std::string actor_id;
};

/// One deployment of an application.
struct serve_deployment {
    std::string name;
    std::string status;  ///< UPDATING, HEALTHY, UNHEALTHY, DEPLOY_FAILED, UPSCALING, DOWNSCALING
    std::string message;
    std::vector<serve_replica> replicas;
};

/// One application, as Serve reports it.
struct serve_application {
    std::string name;
    std::string status;  ///< NOT_STARTED, DEPLOYING, DEPLOY_FAILED, RUNNING, UNHEALTHY, DELETING
    std::string message;
    std::optional<std::string> route_prefix;
    std::string source;               ///< declarative, imperative or unknown
    double last_deployed_time_s = 0;  ///< changes with every PUT that keeps the application
    json deployed_app_config;         ///< the config it was deployed with (null if imperative)
    std::vector<serve_deployment> deployments;

    /// Serve's message and each deployment's, one per line (what a failed deploy says).
    std::string messages() const {
        std::string out = message;
        for (const auto& d : deployments)
            if (!d.message.empty()) out += (out.empty() ? "" : "\n") + d.name + ": " + d.message;
        return out;
    }
};

/// GET /api/serve/applications/: whether Serve runs, its proxy and its applications.
struct serve_instance {
    bool running = false;  ///< a controller is up
    json http_options = json::object();
    std::optional<std::string> proxy_location;
    json target_capacity;  ///< null or a number
    std::map<std::string, serve_application> applications;

    /// The proxy's port (8000 unless Serve was started with another).
    int http_port() const {
        auto it = http_options.find("port");
        return it != http_options.end() && it->is_number_integer() ? it->get<int>() : 8000;
    }
};

namespace detail {

inline expected<serve_instance> parse_serve_instance(const json& j, std::string_view what) {
    if (!j.is_object()) return malformed(what, "expected a JSON object");
    serve_instance s;
    if (auto c = j.find("controller_info"); c != j.end() && c->is_object() && !c->empty())
        s.running = true;
    if (auto h = j.find("http_options"); h != j.end() && h->is_object()) s.http_options = *h;
    s.proxy_location = optional_string(j, "proxy_location");
    if (auto t = j.find("target_capacity"); t != j.end()) s.target_capacity = *t;
    auto apps = j.find("applications");
    if (apps == j.end() || !apps->is_object()) return malformed(what, "no \"applications\" object");
    for (auto it = apps->begin(); it != apps->end(); ++it) {
        const json& a = *it;
        if (!a.is_object())
            return malformed(what, "application '" + it.key() + "' is not an object");
        serve_application app;
        app.name = it.key();
        app.status = optional_string(a, "status").value_or("");
        app.message = optional_string(a, "message").value_or("");
        app.route_prefix = optional_string(a, "route_prefix");
        app.source = optional_string(a, "source").value_or("unknown");
        if (auto t = a.find("last_deployed_time_s"); t != a.end() && t->is_number())
            app.last_deployed_time_s = t->get<double>();
        if (auto c = a.find("deployed_app_config"); c != a.end()) app.deployed_app_config = *c;
        if (auto ds = a.find("deployments"); ds != a.end() && ds->is_object()) {
            for (auto d = ds->begin(); d != ds->end(); ++d) {
                if (!d->is_object()) continue;
                serve_deployment dep;
                dep.name = d.key();
                dep.status = optional_string(*d, "status").value_or("");
                dep.message = optional_string(*d, "message").value_or("");
                if (auto rs = d->find("replicas"); rs != d->end() && rs->is_array())
                    for (const auto& r : *rs) {
                        if (!r.is_object()) continue;
                        dep.replicas.push_back({optional_string(r, "replica_id").value_or(""),
                                                optional_string(r, "state").value_or(""),
                                                optional_integer<int>(r, "pid"),
                                                optional_string(r, "actor_id").value_or("")});
                    }
                app.deployments.push_back(std::move(dep));
            }
        }
        s.applications.emplace(app.name, std::move(app));
    }
    return s;
}

}  // namespace detail

/// The Serve REST API over the transport `T` (or `T&`, to share a transport it does not own):
/// one request per call.
template <class T>
class basic_serve_api {
    static_assert(check_transport<std::remove_reference_t<T>>());

  public:
    explicit basic_serve_api(T transport) : transport_(std::forward<T>(transport)) {}

    std::remove_reference_t<T>& transport() noexcept { return transport_; }

    /// GET /api/serve/applications/. Errors: 501 when the cluster has no `ray[serve]`, 503 when
    /// the controller cannot be reached, as HTTP errors naming the call.
    [[nodiscard]] expected<serve_instance> get() {
        constexpr std::string_view what = "reading Serve's applications";
        auto checked =
            check_status(transport_.send({"GET", "/api/serve/applications/", {}, {}, {}}), what);
        if (!checked) return fail(detail::with_ray_token_hint(std::move(checked).error()));
        auto j = parse_json(checked->body, std::string(what) + " response");
        if (!j) return detail::malformed(what, std::move(j).error().message);
        return detail::parse_serve_instance(*j, what);
    }

    /// PUT /api/serve/applications/ with a ServeDeploySchema: every declarative application left
    /// out is deleted. Returns once Serve accepted the config, before it is deployed. Errors:
    /// Serve's validation or deploy error (HTTP 400) quoted.
    [[nodiscard]] expected<void> put(const json& config) {
        auto checked = check_status(
            transport_.send(
                {"PUT", "/api/serve/applications/", {}, dump(config), "application/json"}),
            "deploying Serve applications");
        if (!checked) return fail(detail::with_ray_token_hint(std::move(checked).error()));
        return {};
    }

  private:
    T transport_;
};

}  // namespace synapse
