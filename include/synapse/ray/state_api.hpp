// Ray's State API (Ray 2.60, ../docs/ray-http-api.md §5): the nodes, tasks and actors of a
// cluster, typed, over any Transport:
//
//     synapse::basic_state_api api(std::move(*transport));
//     auto alive = api.list_nodes({.filters = {{"state", "ALIVE"}}});  //
//     expected<state_list<node_row>> auto failed = api.list_tasks({.filters = {{"state",
//     "FAILED"}}, .limit = 1000});
//
// Every answer says how complete it is: Ray keeps at most 10,000 rows per source, applies the
// filters, then the limit; `state_list::truncated()` is true when rows were left out, and Ray's
// own warnings (a node that did not answer) are kept. A row's every column, including those
// this library does not name, is in its `fields`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/ray/dashboard.hpp"
#include "synapse/ray/detail/state_reading.hpp"
#include "synapse/ray/state_rows.hpp"
#include "synapse/transport/transport.hpp"
#include "synapse/transport/url.hpp"

namespace synapse {

/// A column compared with a value: `=` (equal) or `!=`. Ray compares strings case-insensitively.
struct state_filter {
    std::string key;
    std::string value;
    bool equal = true;
};

/// What to list. Ray accepts limits of 1..10,000 and timeouts of at least 2 s.
struct state_query {
    std::vector<state_filter> filters{};
    std::size_t limit = 100;
    bool detail = false;
    std::chrono::seconds timeout{30};
    /// Tasks only: leave out the drivers' own rows (Ray's default).
    bool exclude_driver = true;
};

/// The State API over the transport `T`. One request per call; errors name the call.
template <class T>
class basic_state_api {
    static_assert(check_transport<std::remove_reference_t<T>>());

  public:
    explicit basic_state_api(T transport) : transport_(std::forward<T>(transport)) {}

    T& transport() noexcept { return transport_; }

    /// GET /api/v0/nodes (dead nodes stay listed).
    [[nodiscard]] expected<state_list<node_row>> list_nodes(const state_query& q = {}) {
        return list<node_row>("nodes", q, "listing nodes", detail::read_node_row);
    }
    /// GET /api/v0/tasks (one row per attempt of a task).
    [[nodiscard]] expected<state_list<task_row>> list_tasks(const state_query& q = {}) {
        return list<task_row>("tasks", q, "listing tasks", detail::read_task_row);
    }
    /// GET /api/v0/actors
    [[nodiscard]] expected<state_list<actor_row>> list_actors(const state_query& q = {}) {
        return list<actor_row>("actors", q, "listing actors", detail::read_actor_row);
    }

    /// The target of a list call (what is sent: the path and its query).
    static std::string target(std::string_view resource, const state_query& q) {
        std::string t = "/api/v0/" + std::string(resource) + "?limit=" + std::to_string(q.limit) +
                        "&timeout=" + std::to_string(q.timeout.count()) +
                        "&detail=" + (q.detail ? "true" : "false");
        if (resource == "tasks")
            t += std::string("&exclude_driver=") + (q.exclude_driver ? "true" : "false");
        for (const auto& f : q.filters)
            t += "&filter_keys=" + detail::url_segment(f.key) +
                 "&filter_predicates=" + (f.equal ? "%3D" : "%21%3D") +
                 "&filter_values=" + detail::url_segment(f.value);
        return t;
    }

  private:
    template <class Row, class Reader>
    expected<state_list<Row>> list(std::string_view resource, const state_query& q,
                                   const std::string& what, Reader read) {
        if (q.limit < 1 || q.limit > 10000)
            return fail(errc::invalid_argument,
                        what + ": the limit must be 1..10000, not " + std::to_string(q.limit));
        if (q.timeout < std::chrono::seconds(2))
            return fail(errc::invalid_argument, what +
                                                    ": Ray needs a timeout of at least 2 s, not " +
                                                    std::to_string(q.timeout.count()) + " s");
        auto payload = fetch(target(resource, q), what);
        if (!payload) return fail(std::move(payload).error());
        return detail::read_state_list<Row>(*payload, what, read);
    }

    /// The `data.result` of Ray's envelope; Ray's `msg` when it says `result: false`.
    expected<json> fetch(const std::string& target, const std::string& what) {
        auto sent = transport_.send({"GET", target, {}, {}, {}});
        if (!sent) return fail(detail::with_ray_token_hint(std::move(sent).error()));
        if (sent->status == 401 || sent->status == 403 || sent->status == 404) {
            auto checked = check_status(std::move(sent), what);
            return fail(detail::with_ray_token_hint(std::move(checked).error()));
        }
        return detail::state_payload(*sent, what);
    }

    T transport_;
};

}  // namespace synapse
