#include "ray_commands.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <synapse/ray/cluster_client.hpp>
#include <synapse/ray/log_tail.hpp>
#include <synapse/transport/websocket_client.hpp>

#include "plugin_commands.hpp"
#include "table.hpp"

namespace synapse_cli {
namespace {

using synapse::json;

synapse::expected<synapse::cluster_client> connect(const ray_options& o) {
    auto t = synapse::dashboard_transport_options(o.dashboard);
    if (!o.token.empty()) t.token = o.token;
    return synapse::cluster_client::create(std::move(t));
}

std::string text(const std::optional<std::string>& s) {
    return s.value_or("");
}

std::string local_time(const std::optional<std::int64_t>& ms) {
    if (!ms) return "";
    const std::time_t t = static_cast<std::time_t>(*ms / 1000);
    std::tm tm{};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string duration(const synapse::job_details& j) {
    if (!j.start_time) return "";
    const auto end = j.end_time.value_or(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    const auto s = (end - *j.start_time) / 1000;
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
    return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

void print(const text_table& t) {
    t.print(std::cout, stdout_terminal_width(), use_colour());
}

/// Says on stderr when the answer does not hold every row, and Ray's own warnings.
template <class Row>
void warn_if_partial(const synapse::state_list<Row>& list) {
    for (const auto& w : list.warnings) std::cerr << "warning: " << w << '\n';
    if (list.truncated())
        std::cerr << "warning: showing " << list.rows.size() << " of " << list.total
                  << " rows (Ray kept " << list.num_after_truncation << ", " << list.num_filtered
                  << " matched the filters; raise --limit or filter more)\n";
}

template <class Row>
int print_rows_json(const synapse::state_list<Row>& list) {
    json out = json::array();
    for (const auto& r : list.rows) out.push_back(r.fields);
    std::cout << synapse::dump(out, 2) << std::endl;
    return 0;
}

synapse::state_query query_of(const ray_options& o, const char* state_column) {
    synapse::state_query q;
    q.limit = o.limit;
    q.detail = o.detail;
    if (!o.state.empty()) q.filters.push_back({state_column, o.state});
    if (!o.job.empty()) q.filters.push_back({"job_id", o.job});
    if (!o.name.empty()) q.filters.push_back({"name", o.name});
    return q;
}

std::string format_bytes(double v) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, ++u;
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

std::string format_amount(const std::string& resource, double v) {
    if (resource == "memory" || resource == "object_store_memory") return format_bytes(v);
    char buf[32];
    std::snprintf(buf, sizeof buf,
                  v == static_cast<double>(static_cast<long long>(v)) ? "%.0f" : "%.2f", v);
    return buf;
}

/// "1/4" of a resource of a node: used of total when the usage is known, else the total.
std::string usage_cell(const synapse::node_row& n, const synapse::cluster_summary* s,
                       const std::string& resource) {
    if (s) {
        auto node = s->by_node.find(n.node_id);
        if (node != s->by_node.end()) {
            auto it = node->second.find(resource);
            if (it == node->second.end()) return "";
            return format_amount(resource, it->second.used) + "/" +
                   format_amount(resource, it->second.total);
        }
    }
    auto it = n.resources_total.find(resource);
    if (it == n.resources_total.end() || !it->is_number()) return "";
    return format_amount(resource, it->get<double>());
}

void print_nodes(const std::vector<synapse::node_row>& nodes, const synapse::cluster_summary* s) {
    text_table t({{"NODE_ID", true},
                  {"IP"},
                  {"HEAD"},
                  {"STATE", false, true},
                  {"CPU"},
                  {"GPU"},
                  {"MEMORY"},
                  {"OBJECT_STORE"}});
    for (const auto& n : nodes)
        t.add({n.node_id, n.node_ip, n.is_head_node ? "yes" : "", n.state, usage_cell(n, s, "CPU"),
               usage_cell(n, s, "GPU"), usage_cell(n, s, "memory"),
               usage_cell(n, s, "object_store_memory")});
    print(t);
}

int status(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto s = c->summary();
    if (!s) return report(s.error());
    std::size_t alive = 0;
    for (const auto& n : s->nodes) alive += n.alive();
    json usage = json::object();
    for (const auto& [name, u] : s->total) usage[name] = {{"used", u.used}, {"total", u.total}};
    if (o.json_only) {
        json nodes = json::array();
        for (const auto& n : s->nodes) {
            json row = n.fields;
            if (auto it = s->by_node.find(n.node_id); it != s->by_node.end()) {
                json u = json::object();
                for (const auto& [name, v] : it->second)
                    u[name] = {{"used", v.used}, {"total", v.total}};
                row["usage"] = u;
            }
            nodes.push_back(std::move(row));
        }
        std::cout << synapse::dump(json{{"nodes_alive", alive},
                                        {"nodes_dead", s->nodes.size() - alive},
                                        {"usage", s->usage_known ? usage : json(nullptr)},
                                        {"nodes", nodes}},
                                   2)
                  << std::endl;
        return 0;
    }
    std::cout << "nodes: " << alive << " alive, " << s->nodes.size() - alive << " dead\n";
    if (s->usage_known) {
        std::cout << "resources used:";
        bool first = true;
        for (const auto& [name, u] : s->total) {
            std::cout << (first ? " " : ", ") << format_amount(name, u.used) << "/"
                      << format_amount(name, u.total) << " " << name;
            first = false;
        }
        std::cout << "\n\n";
    } else {
        std::cout << "resources used: not reported yet (the autoscaler reports every few "
                     "seconds)\n\n";
    }
    print_nodes(s->nodes, s->usage_known ? &*s : nullptr);
    return 0;
}

int nodes(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    synapse::state_query q;
    q.limit = 10000;
    if (!o.state.empty()) q.filters.push_back({"state", o.state});
    auto list = c->list_nodes(q);
    if (!list) return report(list.error());
    warn_if_partial(*list);
    if (o.json_only) return print_rows_json(*list);
    print_nodes(list->rows, nullptr);
    return 0;
}

int tasks(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto list = c->list_tasks(query_of(o, "state"));
    if (!list) return report(list.error());
    warn_if_partial(*list);
    if (o.json_only) return print_rows_json(*list);
    text_table t({{"TASK_ID", true},
                  {"ATTEMPT"},
                  {"NAME"},
                  {"STATE", false, true},
                  {"TYPE"},
                  {"JOB"},
                  {"NODE_ID", true},
                  {"ERROR"}});
    for (const auto& r : list->rows)
        t.add({r.task_id, std::to_string(r.attempt_number), r.name, r.state, r.type, r.job_id,
               text(r.node_id), text(r.error_type)});
    print(t);
    return 0;
}

int actors(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto list = c->list_actors(query_of(o, "state"));
    if (!list) return report(list.error());
    warn_if_partial(*list);
    if (o.json_only) return print_rows_json(*list);
    text_table t({{"ACTOR_ID", true},
                  {"CLASS"},
                  {"STATE", false, true},
                  {"NAME"},
                  {"JOB"},
                  {"NODE_ID", true},
                  {"PID"}});
    for (const auto& r : list->rows)
        t.add({r.actor_id, r.class_name, r.state, text(r.name), r.job_id, text(r.node_id),
               r.pid ? std::to_string(*r.pid) : ""});
    print(t);
    return 0;
}

int jobs(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    std::optional<synapse::job_status> status;
    if (!o.state.empty()) {
        std::string upper;
        for (char ch : o.state)
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        status = synapse::parse_job_status(upper);
        if (!status)
            return report(synapse::error(synapse::errc::invalid_argument,
                                         "unknown job status '" + o.state +
                                             "' (PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED)"));
    }
    auto list = c->list_jobs(status);
    if (!list) return report(list.error());
    if (o.json_only) {
        json out = json::array();
        for (const auto& j : *list) out.push_back(j.raw);
        std::cout << synapse::dump(out, 2) << std::endl;
        return 0;
    }
    std::sort(list->begin(), list->end(), [](const auto& a, const auto& b) {
        return a.start_time.value_or(0) > b.start_time.value_or(0);
    });
    text_table t({{"SUBMISSION_ID", true},
                  {"STATUS", false, true},
                  {"START"},
                  {"DURATION"},
                  {"ENTRYPOINT"}});
    for (const auto& j : *list) {
        std::string entry =
            j.entrypoint.size() > 60 ? j.entrypoint.substr(0, 57) + "..." : j.entrypoint;
        t.add({j.submission_id.value_or(j.job_id.value_or("")),
               std::string(synapse::to_string(j.status)), local_time(j.start_time), duration(j),
               entry});
    }
    print(t);
    return 0;
}

int job(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto j = c->get_job(o.id);
    if (!j) return report(j.error());
    if (o.json_only) {
        std::cout << synapse::dump(j->raw, 2) << std::endl;
        return 0;
    }
    std::cout << "submission_id: " << j->submission_id.value_or("") << "\n"
              << "job_id:        " << j->job_id.value_or("") << "\n"
              << "status:        " << synapse::to_string(j->status) << "\n"
              << "entrypoint:    " << j->entrypoint << "\n"
              << "start:         " << local_time(j->start_time) << "\n"
              << "end:           " << local_time(j->end_time) << "\n"
              << "duration:      " << duration(*j) << "\n";
    if (!j->message.empty()) std::cout << "message:       " << j->message << "\n";
    if (j->driver_exit_code) std::cout << "exit code:     " << *j->driver_exit_code << "\n";
    return 0;
}

int logs(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    if (!o.follow) {
        auto text = c->job_logs(o.id);
        if (!text) return report(text.error());
        std::cout << *text << std::flush;
        return 0;
    }
    auto j = c->get_job(o.id);  // checks the id and that the job exists
    if (!j) return report(j.error());
    synapse::basic_jobs_api<synapse::httplib_transport&> api(c->transport());
    auto t = synapse::dashboard_transport_options(o.dashboard);
    if (!o.token.empty()) t.token = o.token;
    synapse::beast_websocket ws(synapse::websocket_options_for(t));
    auto ended = synapse::tail_job_logs(api, ws, o.id, [](std::string_view line) {
        std::cout << line << '\n' << std::flush;
        return true;
    });
    if (!ended) return report(ended.error());
    return 0;
}

int stop(const ray_options& o) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto stopped = c->stop_job(o.id);
    if (!stopped) return report(stopped.error());
    std::cout << (*stopped ? "stopping job " + o.id : "job " + o.id + " was not running")
              << std::endl;
    return 0;
}

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

}  // namespace

ray_commands::ray_commands(CLI::App& app) {
    auto* ray =
        app.add_subcommand("ray", "Look at a Ray cluster: nodes, tasks, actors, jobs, Serve");
    ray->require_subcommand(1);
    auto common = [&](CLI::App* cmd) {
        cmd->add_option("--dashboard", o_.dashboard,
                        "Ray dashboard URL (default: $RAY_DASHBOARD_ADDRESS, else "
                        "http://127.0.0.1:8265)");
        cmd->add_option("--token", o_.token,
                        "Ray's auth token (default: RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH, "
                        "~/.ray/auth_token)");
        cmd->add_flag("--json", o_.json_only, "Print JSON");
        return cmd;
    };
    auto listing = [&](CLI::App* cmd, const char* state_help) {
        common(cmd);
        cmd->add_option("--state", o_.state, state_help);
        cmd->add_option("--job", o_.job, "Only this job's (its hex job id)");
        cmd->add_option("--name", o_.name, "Only those with this name");
        cmd->add_option("--limit", o_.limit, "At most this many rows (1..10000)")
            ->check(CLI::Range(1, 10000))
            ->capture_default_str();
        cmd->add_flag("--detail", o_.detail, "Ask Ray for the detail columns (with --json)");
    };
    status_ = common(ray->add_subcommand("status", "The cluster's nodes and resources"));
    nodes_ = common(ray->add_subcommand("nodes", "The cluster's nodes"));
    nodes_->add_option("--state", o_.state, "ALIVE or DEAD");
    tasks_ = ray->add_subcommand("tasks", "Tasks (one row per attempt)");
    listing(tasks_, "PENDING_..., RUNNING, FINISHED, FAILED, ...");
    actors_ = ray->add_subcommand("actors", "Actors");
    listing(actors_, "ALIVE, DEAD, PENDING_CREATION, RESTARTING, ...");
    jobs_ = common(ray->add_subcommand("jobs", "Jobs, newest first"));
    jobs_->add_option("--status", o_.state, "PENDING, RUNNING, STOPPED, SUCCEEDED or FAILED");
    job_ = common(ray->add_subcommand("job", "One job"));
    logs_ = common(ray->add_subcommand("logs", "A job's driver log"));
    logs_->add_flag("--follow,-f", o_.follow, "Follow the log until the job ends");
    stop_ = common(ray->add_subcommand("stop", "Stop a job"));
    for (auto* cmd : {job_, logs_, stop_})
        cmd->add_option("id", o_.id, "The submission id")->required();
    auto* serve = ray->add_subcommand("serve", "Ray Serve applications");
    serve->require_subcommand(1);
    serve_list_ = common(serve->add_subcommand("list", "Every application"));
    serve_status_ = common(serve->add_subcommand("status", "One application and its deployments"));
    serve_delete_ =
        common(serve->add_subcommand("delete", "Remove one application (the others keep serving)"));
    for (auto* cmd : {serve_status_, serve_delete_})
        cmd->add_option("app", o_.id, "The application's name")->required();
}

std::optional<int> ray_commands::run() const {
    if (status_->parsed()) return status(o_);
    if (nodes_->parsed()) return nodes(o_);
    if (tasks_->parsed()) return tasks(o_);
    if (actors_->parsed()) return actors(o_);
    if (jobs_->parsed()) return jobs(o_);
    if (job_->parsed()) return job(o_);
    if (logs_->parsed()) return logs(o_);
    if (stop_->parsed()) return stop(o_);
    if (serve_list_->parsed()) return serve_list(o_);
    if (serve_status_->parsed()) return serve_status(o_);
    if (serve_delete_->parsed()) return serve_delete(o_);
    return std::nullopt;
}

}  // namespace synapse_cli
