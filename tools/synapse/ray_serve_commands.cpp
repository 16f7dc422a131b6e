// `synapse ray serve list|status|delete`.
#include <iostream>
#include <string>

#include "plugin_commands.hpp"
#include "ray_support.hpp"

namespace synapse_cli::ray_cli {
namespace {

using synapse::json;

json app_json(const synapse::serve_application& a) {
    json deployments = json::array();
    for (const auto& d : a.deployments) {
        json replicas = json::array();
        for (const auto& r : d.replicas)
            replicas.push_back({{"replica_id", r.replica_id},
                                {"state", r.state},
                                {"pid", r.pid ? json(*r.pid) : json(nullptr)},
                                {"actor_id", r.actor_id}});
        deployments.push_back({{"name", d.name},
                               {"status", d.status},
                               {"message", d.message},
                               {"replicas", replicas}});
    }
    return {{"name", a.name},
            {"status", a.status},
            {"message", a.message},
            {"route_prefix", a.route_prefix ? json(*a.route_prefix) : json(nullptr)},
            {"source", a.source},
            {"deployments", deployments}};
}

}  // namespace

int serve_list(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto serve = c->list_applications();
    if (!serve) return report(serve.error());
    if (o.json_only) {
        json out = json::array();
        for (const auto& [name, app] : serve->applications) out.push_back(app_json(app));
        std::cout << synapse::dump(out, 2) << std::endl;
        return 0;
    }
    if (!serve->running) {
        std::cout << "Serve is not running on this cluster" << std::endl;
        return 0;
    }
    text_table t({{"APPLICATION"},
                  {"STATUS", false, true},
                  {"ROUTE"},
                  {"DEPLOYMENTS"},
                  {"REPLICAS"},
                  {"SOURCE"}});
    for (const auto& [name, app] : serve->applications) {
        std::size_t running = 0, all = 0;
        for (const auto& d : app.deployments)
            for (const auto& r : d.replicas) all += 1, running += r.state == "RUNNING";
        t.add({name, app.status, app.route_prefix.value_or(""),
               std::to_string(app.deployments.size()),
               std::to_string(running) + "/" + std::to_string(all), app.source});
    }
    print(t);
    return 0;
}

int serve_status(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto app = c->get_application(o.id);
    if (!app) return report(app.error());
    if (o.json_only) {
        std::cout << synapse::dump(app_json(*app), 2) << std::endl;
        return 0;
    }
    std::cout << "application: " << app->name << "\nstatus:      " << app->status
              << "\nroute:       " << app->route_prefix.value_or("")
              << "\nsource:      " << app->source << "\n";
    if (!app->message.empty()) std::cout << "message:     " << app->message << "\n";
    std::cout << "\n";
    text_table t({{"DEPLOYMENT"}, {"STATUS", false, true}, {"REPLICAS"}, {"MESSAGE"}});
    for (const auto& d : app->deployments) {
        std::size_t running = 0;
        for (const auto& r : d.replicas) running += r.state == "RUNNING";
        t.add({d.name, d.status, std::to_string(running) + "/" + std::to_string(d.replicas.size()),
               d.message});
    }
    print(t);
    return 0;
}

int serve_delete(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto gone = c->delete_application(o.id);
    if (!gone) return report(gone.error());
    std::cout << "deleted Serve application " << o.id << std::endl;
    return 0;
}

}  // namespace synapse_cli::ray_cli
