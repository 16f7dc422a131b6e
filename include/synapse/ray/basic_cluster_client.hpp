// One client for a Ray cluster's dashboard: its jobs, nodes, tasks, actors and Serve
// applications (Ray 2.60, ../docs/ray-http-api.md §3, §5, §8), policy-based on the transport like
// the executors:
//
//     auto client = synapse::cluster_client::create();   // $RAY_DASHBOARD_ADDRESS, Ray's token
//     auto nodes = client->list_nodes();                        // expected<state_list<node_row>>
//     auto failed = client->list_tasks({.filters = {{"state", "FAILED"}}});
//     auto job = client->get_job("raysubmit_...");              // expected<job_details>
//     auto gone = client->delete_application("old-app");        // the others keep serving
//     auto ended = client->tail_job_logs(id, [](std::string_view line) {  // each line once
//         std::cout << line << '\n';
//         return true;
//     });  // WebSocket, then the HTTP stream if the WebSocket fails (tail_protocol::automatic)
//
// Ids are checked before any request, as synapse-sdk checks them: a job id must be 1..100
// characters of letters, digits, `-` and `_`; node, actor and task ids are lowercase hex of
// Ray's lengths (56, 32, 48).
#pragma once

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/ray/dashboard.hpp"
#include "synapse/ray/detail/cluster_ids.hpp"
#include "synapse/ray/detail/cluster_usage.hpp"
#include "synapse/ray/detail/state_pages.hpp"
#include "synapse/ray/jobs_api.hpp"
#include "synapse/ray/log_tail.hpp"
#include "synapse/ray/serve_api.hpp"
#include "synapse/ray/serve_config.hpp"
#include "synapse/ray/state_api.hpp"
#include "synapse/transport/http_stream.hpp"
#include "synapse/transport/transport.hpp"
#include "synapse/transport/websocket.hpp"

namespace synapse {

class beast_websocket;  // synapse/transport/websocket_client.hpp: the default log-tail WebSocket

template <class T>
class basic_cluster_client {
    static_assert(check_transport<T>());

  public:
    explicit basic_cluster_client(T transport) : transport_(std::move(transport)) {}

    /// A client of the dashboard `options` name (default: the environment's, with Ray's token).
    [[nodiscard]] static expected<basic_cluster_client> create(
        transport_options options = dashboard_transport_options())
        requires requires { T::create(options); }
    {
        auto t = T::create(options);
        if (!t) return fail(std::move(t).error());
        basic_cluster_client c(std::move(*t));
        c.options_ = std::move(options);
        return c;
    }

    T& transport() noexcept { return transport_; }

    // Jobs ----------------------------------------------------------------------------------

    /// Every job Ray knows, or those in `status`.
    [[nodiscard]] expected<std::vector<job_details>> list_jobs(
        std::optional<job_status> status = std::nullopt) {
        auto all = jobs().list_jobs();
        if (!all || !status) return all;
        std::erase_if(*all, [&](const job_details& j) { return j.status != *status; });
        return all;
    }
    [[nodiscard]] expected<job_details> get_job(std::string_view id) {
        if (auto ok = detail::check_job_id(id); !ok) return fail(std::move(ok).error());
        return jobs().get_job(id);
    }
    /// The job's driver log so far.
    [[nodiscard]] expected<std::string> job_logs(std::string_view id) {
        if (auto ok = detail::check_job_id(id); !ok) return fail(std::move(ok).error());
        return jobs().logs(id);
    }
    /// Hands the job's driver log so far to `on_text` piece by piece as it arrives (nothing is
    /// kept); `on_text` returning false ends it early.
    [[nodiscard]] expected<void> stream_job_logs(std::string_view id,
                                                 const chunk_handler& on_text) {
        if (auto ok = detail::check_job_id(id); !ok) return fail(std::move(ok).error());
        return jobs().stream_logs(id, on_text);
    }
    /// Follows the job's log until it ended, each line once (see synapse::tail_job_logs), over
    /// the streams of `websocket` and `http`, with `options.protocol` and `options.limits`.
    template <WebSocketConnector W, WebSocketConnector H>
    [[nodiscard]] expected<job_details> tail_job_logs(std::string_view id, W& websocket, H& http,
                                                      const line_handler& on_line,
                                                      const log_tail_options& options = {},
                                                      std::stop_token stop = {}) {
        if (auto ok = detail::check_job_id(id); !ok) return fail(std::move(ok).error());
        auto api = jobs();
        return synapse::tail_job_logs(api, websocket, http, id, on_line, std::move(stop), options);
    }
    /// The same over a WebSocket connector `W` (default: beast_websocket, from
    /// synapse/transport/websocket_client.hpp) and HTTP streams of `T`, both made from the
    /// options the client was created with.
    template <class W = beast_websocket>
    [[nodiscard]] expected<job_details> tail_job_logs(std::string_view id,
                                                      const line_handler& on_line,
                                                      const log_tail_options& options = {},
                                                      std::stop_token stop = {})
        requires std::constructible_from<W, websocket_options> &&
                 std::constructible_from<http_stream_connector<T>, transport_options>
    {
        if (!options_)
            return fail(errc::invalid_argument,
                        "following a log needs a client made by create(), or the streams given");
        W websocket(websocket_options_for(*options_));
        http_stream_connector<T> http(*options_);
        return tail_job_logs(id, websocket, http, on_line, options, std::move(stop));
    }
    /// True when a running job was told to stop.
    [[nodiscard]] expected<bool> stop_job(std::string_view id) {
        if (auto ok = detail::check_job_id(id); !ok) return fail(std::move(ok).error());
        return jobs().stop(id);
    }
    /// Deletes an ended job's record (Ray refuses a running job's).
    [[nodiscard]] expected<bool> delete_job(std::string_view id) {
        if (auto ok = detail::check_job_id(id); !ok) return fail(std::move(ok).error());
        return jobs().remove(id);
    }

    // Nodes, tasks, actors ------------------------------------------------------------------

    [[nodiscard]] expected<state_list<node_row>> list_nodes(const state_query& q = {}) {
        return state().list_nodes(q);
    }
    [[nodiscard]] expected<node_row> get_node(std::string_view id) {
        if (auto ok = detail::check_hex_id("node", id, 56); !ok) return fail(std::move(ok).error());
        auto found = state().list_nodes(by_id("node_id", id));
        if (!found) return fail(std::move(found).error());
        if (found->rows.empty())
            return fail(errc::not_found, "node " + std::string(id) + " not found");
        return std::move(found->rows.front());
    }

    [[nodiscard]] expected<state_list<task_row>> list_tasks(const state_query& q = {}) {
        return state().list_tasks(q);
    }
    /// Every attempt of the task (Ray lists a retried task once per attempt), oldest first.
    [[nodiscard]] expected<std::vector<task_row>> get_task(std::string_view id) {
        if (auto ok = detail::check_hex_id("task", id, 48); !ok) return fail(std::move(ok).error());
        auto q = by_id("task_id", id);
        q.exclude_driver = false;
        auto found = state().list_tasks(q);
        if (!found) return fail(std::move(found).error());
        if (found->rows.empty())
            return fail(errc::not_found, "task " + std::string(id) + " not found");
        std::sort(found->rows.begin(), found->rows.end(), [](const task_row& a, const task_row& b) {
            return a.attempt_number < b.attempt_number;
        });
        return std::move(found->rows);
    }

    /// Every task matching `q` (its filters, detail and exclude_driver; not its limit), handed
    /// to `on_page` in pages of at most `page_size` rows, however many the cluster holds. Ray
    /// answers at most 10,000 rows per request and has no offset: a truncated answer is split by
    /// job (the jobs the Jobs API lists), then by state, each part read on its own, and a row
    /// already handed over (a task that moved on between two parts) is not handed over again.
    [[nodiscard]] expected<listing_summary> for_each_task(state_query q,
                                                          const page_handler<task_row>& on_page,
                                                          std::size_t page_size = 1000) {
        auto api = state();
        return detail::page_rows<task_row>(
            std::move(q), [&](const state_query& part) { return api.list_tasks(part); },
            [&] { return job_hex_ids(); }, detail::task_states,
            [](const task_row& r) { return r.task_id + "/" + std::to_string(r.attempt_number); },
            on_page, page_size);
    }

    /// Every actor matching `q`, in pages, as for_each_task.
    [[nodiscard]] expected<listing_summary> for_each_actor(state_query q,
                                                           const page_handler<actor_row>& on_page,
                                                           std::size_t page_size = 1000) {
        auto api = state();
        return detail::page_rows<actor_row>(
            std::move(q), [&](const state_query& part) { return api.list_actors(part); },
            [&] { return job_hex_ids(); }, detail::actor_states,
            [](const actor_row& r) { return r.actor_id; }, on_page, page_size);
    }

    [[nodiscard]] expected<state_list<actor_row>> list_actors(const state_query& q = {}) {
        return state().list_actors(q);
    }
    [[nodiscard]] expected<actor_row> get_actor(std::string_view id) {
        if (auto ok = detail::check_hex_id("actor", id, 32); !ok)
            return fail(std::move(ok).error());
        auto found = state().list_actors(by_id("actor_id", id));
        if (!found) return fail(std::move(found).error());
        if (found->rows.empty())
            return fail(errc::not_found, "actor " + std::string(id) + " not found");
        return std::move(found->rows.front());
    }

    /// Every node, and the resources used of what they have, in all and per node.
    [[nodiscard]] expected<cluster_summary> summary() {
        cluster_summary s;
        auto nodes = state().list_nodes({.limit = 10000});
        if (!nodes) return fail(std::move(nodes).error());
        s.nodes = std::move(nodes->rows);
        const std::string what = "reading the cluster's resource usage";
        auto sent = check_status(transport_.send({"GET", "/api/cluster_status", {}, {}, {}}), what);
        if (!sent) return fail(detail::with_ray_token_hint(std::move(sent).error()));
        auto data = detail::envelope_data(*sent, what);
        if (!data) return fail(std::move(data).error());
        if (auto read = detail::read_cluster_usage(*data, s); !read)
            return fail(std::move(read).error());
        return s;
    }

    // Serve ---------------------------------------------------------------------------------

    /// Serve on the cluster: whether it runs, and every application with its deployments.
    [[nodiscard]] expected<serve_instance> list_applications() { return serve().get(); }

    [[nodiscard]] expected<serve_application> get_application(std::string_view name) {
        auto live = serve().get();
        if (!live) return fail(std::move(live).error());
        auto it = live->applications.find(std::string(name));
        if (it == live->applications.end())
            return fail(errc::not_found, "Serve application '" + std::string(name) + "' not found");
        return it->second;
    }

    /// Removes the declarative application `name`, and only it (the others keep serving), and
    /// waits up to `timeout` until Serve no longer lists it. not_found when Serve has no such
    /// application; invalid_argument for one deployed from Python (`serve.run`), which Serve's
    /// REST API cannot remove without removing them all.
    [[nodiscard]] expected<void> delete_application(
        std::string_view name, std::chrono::milliseconds timeout = std::chrono::minutes(2)) {
        auto api = serve();
        auto app = get_application(name);
        if (!app) return fail(std::move(app).error());
        if (app->source == "imperative")
            return fail(errc::invalid_argument,
                        "Serve application '" + std::string(name) +
                            "' was deployed from Python (serve.run): remove it there");
        auto changed = apply_serve_change(
            api, [&](const serve_instance& live) { return serve_config_without(live, name); });
        if (!changed) return fail(std::move(changed).error());
        return wait_for_removal(api, name, timeout);
    }

  private:
    basic_jobs_api<T&> jobs() { return basic_jobs_api<T&>(transport_); }
    basic_state_api<T&> state() { return basic_state_api<T&>(transport_); }
    basic_serve_api<T&> serve() { return basic_serve_api<T&>(transport_); }

    /// The hex ids of the jobs the Jobs API lists (drivers included).
    expected<std::vector<std::string>> job_hex_ids() {
        auto all = jobs().list_jobs();
        if (!all) return fail(std::move(all).error());
        std::vector<std::string> ids;
        for (const auto& j : *all)
            if (j.job_id && !j.job_id->empty()) ids.push_back(*j.job_id);
        return ids;
    }

    static state_query by_id(const char* column, std::string_view id) {
        state_query q;
        q.filters.push_back({column, std::string(id)});
        q.detail = true;
        q.limit = 1000;
        return q;
    }

    T transport_;
    std::optional<transport_options> options_;  // set by create(): how to open streams
};

}  // namespace synapse
