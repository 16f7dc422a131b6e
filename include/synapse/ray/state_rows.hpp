// The rows of Ray's State API (../docs/ray-http-api.md §5.4-5.5): nodes, tasks and actors, with
// the columns a client acts on typed, and every column as Ray sent it in `fields`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "synapse/core/json.hpp"

namespace synapse {

/// A node (`NodeState`).
struct node_row {
    std::string node_id;  ///< 56 hex characters
    std::string node_ip;
    std::string node_name;
    std::string state;  ///< ALIVE or DEAD
    std::optional<std::string> state_message;
    bool is_head_node = false;
    json resources_total = json::object();  ///< CPU, GPU, memory (bytes), custom resources...
    json labels = json::object();
    std::optional<std::int64_t> start_time_ms;  ///< detail only
    std::optional<std::int64_t> end_time_ms;    ///< detail only
    json fields = json::object();               ///< the whole row

    bool alive() const noexcept { return state == "ALIVE"; }
};

/// One attempt of a task (`TaskState`).
struct task_row {
    std::string task_id;  ///< 48 hex characters
    std::int64_t attempt_number = 0;
    std::string name;
    std::string state;  ///< PENDING_..., SUBMITTED_TO_WORKER, RUNNING..., FINISHED, FAILED
    std::string job_id;
    std::optional<std::string> actor_id;
    std::string type;  ///< NORMAL_TASK, ACTOR_CREATION_TASK, ACTOR_TASK, DRIVER_TASK
    std::string func_or_class_name;
    std::optional<std::string> node_id;
    std::optional<std::string> worker_id;
    std::optional<std::int64_t> worker_pid;
    std::optional<std::string> error_type;
    std::optional<std::string> error_message;  ///< detail only
    json fields = json::object();
};

/// An actor (`ActorState`).
struct actor_row {
    std::string actor_id;  ///< 32 hex characters
    std::string class_name;
    std::string state;  ///< DEPENDENCIES_UNREADY, PENDING_CREATION, ALIVE, RESTARTING, DEAD
    std::string job_id;
    std::optional<std::string> name;
    std::optional<std::string> node_id;
    std::optional<std::int64_t> pid;
    std::optional<std::string> ray_namespace;
    json fields = json::object();
};

/// How much of one resource is taken, of how much.
struct resource_usage {
    double used = 0;
    double total = 0;
};

/// The cluster at a glance, as `ray status` shows it: every node, and what is used of each
/// resource in all and per node (from the autoscaler's report; `usage_known` is false until it
/// has reported, a few seconds after the head started).
struct cluster_summary {
    std::vector<node_row> nodes;
    std::map<std::string, resource_usage> total;
    std::map<std::string, std::map<std::string, resource_usage>> by_node;  ///< node id -> usage
    bool usage_known = false;
};

/// One reply of a list call.
template <class Row>
struct state_list {
    std::vector<Row> rows;
    std::int64_t total = 0;                 ///< rows in the cluster
    std::int64_t num_after_truncation = 0;  ///< of those, what Ray's sources kept (10,000 each)
    std::int64_t num_filtered = 0;          ///< of those, what passed the filters
    std::vector<std::string> warnings;      ///< Ray's partial-failure warning and warnings

    /// True when the cluster has rows this answer does not carry: a source truncated them, or
    /// the limit cut the filtered rows.
    bool truncated() const noexcept {
        return total > num_after_truncation ||
               num_filtered > static_cast<std::int64_t>(rows.size());
    }
};

/// What a paged listing did.
struct listing_summary {
    std::size_t rows = 0;      ///< rows handed over
    std::size_t requests = 0;  ///< State API requests made
    /// False when a part was still truncated after every split (its first 10,000 rows were
    /// handed over), or the handler stopped the listing.
    bool complete = true;
    std::vector<std::string> warnings;  ///< Ray's, from every answer
};

/// Receives one page of rows (at most the page size); returning false stops the listing.
template <class Row>
using page_handler = std::function<bool(std::vector<Row>& page)>;

}  // namespace synapse
