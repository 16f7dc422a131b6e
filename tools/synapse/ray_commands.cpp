#include "ray_commands.hpp"

#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <synapse/ray/cluster_client.hpp>

#include "plugin_commands.hpp"
#include "ray_support.hpp"

namespace synapse_cli {
namespace {

using namespace ray_cli;

using synapse::json;

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

/// Every row `for_each(query, on_page)` hands over (`--all`), as one list; a listing that could
/// not be completed says so in its warnings.
template <class Row, class ForEach>
synapse::expected<synapse::state_list<Row>> all_rows(const synapse::state_query& q,
                                                     ForEach for_each) {
    synapse::state_list<Row> all;
    auto listed = for_each(q, [&](std::vector<Row>& page) {
        for (auto& r : page) all.rows.push_back(std::move(r));
        return true;
    });
    if (!listed) return synapse::fail(std::move(listed).error());
    all.total = all.num_after_truncation = all.num_filtered =
        static_cast<std::int64_t>(all.rows.size());
    all.warnings = std::move(listed->warnings);
    if (!listed->complete)
        all.warnings.push_back(
            "a job held more than 10,000 rows in one state: only 10,000 of "
            "those are shown");
    return all;
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

std::vector<table_column> node_columns() {
    return {{"NODE_ID", true}, {"IP"},  {"HEAD"},   {"STATE", false, true},
            {"CPU"},           {"GPU"}, {"MEMORY"}, {"OBJECT_STORE"}};
}

std::vector<std::string> node_cells(const synapse::node_row& n, const synapse::cluster_summary* s) {
    return {n.node_id,
            n.node_ip,
            n.is_head_node ? "yes" : "",
            n.state,
            usage_cell(n, s, "CPU"),
            usage_cell(n, s, "GPU"),
            usage_cell(n, s, "memory"),
            usage_cell(n, s, "object_store_memory")};
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
    text_table t(node_columns());
    for (const auto& n : s->nodes) t.add(node_cells(n, s->usage_known ? &*s : nullptr));
    print(t);
    return 0;
}

/// A list command: the rows `list(client)` answers, as JSON or as a table of `columns` with a
/// row per `cells(row)`; a partial answer is said on stderr.
template <class List, class Cells>
int list_command(const ray_options& o, List list, std::vector<table_column> columns, Cells cells) {
    auto c = connect(o);
    if (!c) return report(c.error());
    auto listed = list(*c);
    if (!listed) return report(listed.error());
    warn_if_partial(*listed);
    if (o.json_only) return print_rows_json(*listed);
    text_table t(std::move(columns));
    for (const auto& r : listed->rows) t.add(cells(r));
    print(t);
    return 0;
}

int nodes(const ray_options& o) {
    synapse::state_query q;
    q.limit = 10000;
    if (!o.state.empty()) q.filters.push_back({"state", o.state});
    return list_command(
        o, [&](synapse::cluster_client& c) { return c.list_nodes(q); }, node_columns(),
        [](const synapse::node_row& n) { return node_cells(n, nullptr); });
}

int tasks(const ray_options& o) {
    return list_command(
        o,
        [&](synapse::cluster_client& c) {
            if (!o.all) return c.list_tasks(query_of(o, "state"));
            return all_rows<synapse::task_row>(query_of(o, "state"), [&](auto&&... a) {
                return c.for_each_task(std::forward<decltype(a)>(a)...);
            });
        },
        {{"TASK_ID", true},
         {"ATTEMPT"},
         {"NAME"},
         {"STATE", false, true},
         {"TYPE"},
         {"JOB"},
         {"NODE_ID", true},
         {"ERROR"}},
        [](const synapse::task_row& r) {
            return std::vector<std::string>{r.task_id,       std::to_string(r.attempt_number),
                                            r.name,          r.state,
                                            r.type,          r.job_id,
                                            text(r.node_id), text(r.error_type)};
        });
}

int actors(const ray_options& o) {
    return list_command(
        o,
        [&](synapse::cluster_client& c) {
            if (!o.all) return c.list_actors(query_of(o, "state"));
            return all_rows<synapse::actor_row>(query_of(o, "state"), [&](auto&&... a) {
                return c.for_each_actor(std::forward<decltype(a)>(a)...);
            });
        },
        {{"ACTOR_ID", true},
         {"CLASS"},
         {"STATE", false, true},
         {"NAME"},
         {"JOB"},
         {"NODE_ID", true},
         {"PID"}},
        [](const synapse::actor_row& r) {
            return std::vector<std::string>{r.actor_id,
                                            r.class_name,
                                            r.state,
                                            text(r.name),
                                            r.job_id,
                                            text(r.node_id),
                                            r.pid ? std::to_string(*r.pid) : ""};
        });
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
        cmd->add_flag("--all", o_.all,
                      "Every row, past the 10,000 of one answer (read by job, then by state)");
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
    logs_
        ->add_option("--protocol", o_.protocol,
                     "How to follow: ws (WebSocket), http (HTTP stream) or auto (WebSocket, "
                     "then HTTP if it fails)")
        ->check(CLI::IsMember({"ws", "websocket", "http", "auto"}))
        ->capture_default_str();
    logs_->add_option("--tail,-n", o_.tail_lines, "Only the last N lines (then follow)");
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
