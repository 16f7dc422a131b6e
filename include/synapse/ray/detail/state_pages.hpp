// Listing more rows than one State API answer carries (basic_cluster_client::for_each_task,
// for_each_actor). Ray answers at most 10,000 rows per request and has no offset or cursor, so a
// truncated answer is split into parts by filters Ray applies at the source (the job, then the
// state) and each part read on its own; rows already handed over are not handed over again.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "synapse/core/expected.hpp"
#include "synapse/ray/state_api.hpp"
#include "synapse/ray/state_rows.hpp"

namespace synapse {

namespace detail {

inline constexpr std::size_t state_api_max_limit = 10'000;

inline bool has_filter(const state_query& q, std::string_view key) {
    return std::any_of(q.filters.begin(), q.filters.end(),
                       [&](const state_filter& f) { return f.key == key && f.equal; });
}

/// `list(query)` answers one part; `jobs()` gives the hex ids of the cluster's jobs; `states`
/// are the row states to split by; `key(row)` identifies a row.
template <class Row, class List, class Jobs, class Key>
class state_pager {
  public:
    state_pager(List list, Jobs jobs, std::span<const std::string_view> states, Key key,
                const page_handler<Row>& on_page, std::size_t page_size)
        : list_(std::move(list)),
          jobs_(std::move(jobs)),
          states_(states),
          key_(std::move(key)),
          on_page_(on_page),
          page_size_(std::max<std::size_t>(page_size, 1)) {}

    expected<listing_summary> run(state_query q) {
        auto done = visit(std::move(q));
        if (!done) return fail(std::move(done).error());
        if (*done && !page_.empty() && !on_page_(page_)) summary_.complete = false;
        if (!*done) summary_.complete = false;
        return std::move(summary_);
    }

  private:
    /// Reads `part`, splitting it while it is truncated; false when the handler stopped.
    expected<bool> visit(state_query part) {
        part.limit = state_api_max_limit;
        auto got = list_(part);
        ++summary_.requests;
        if (!got) return fail(std::move(got).error());
        for (auto& w : got->warnings) summary_.warnings.push_back(std::move(w));
        if (got->truncated()) {
            if (!has_filter(part, "job_id")) return split_by_job(part);
            if (!has_filter(part, "state")) return split_by_state(part);
            summary_.complete = false;  // one job's rows in one state: nothing left to split
        }
        return hand_over(got->rows);
    }

    expected<bool> split_by_job(const state_query& part) {
        auto ids = jobs_();
        if (!ids) return fail(std::move(ids).error());
        for (const auto& id : *ids) {
            state_query q = part;
            q.filters.push_back({"job_id", id});
            auto more = visit(std::move(q));
            if (!more || !*more) return more;
        }
        return true;
    }

    expected<bool> split_by_state(const state_query& part) {
        for (auto state : states_) {
            state_query q = part;
            q.filters.push_back({"state", std::string(state)});
            auto more = visit(std::move(q));
            if (!more || !*more) return more;
        }
        return true;
    }

    bool hand_over(std::vector<Row>& rows) {
        for (auto& row : rows) {
            if (!seen_.insert(key_(row)).second) continue;  // moved on between two parts
            page_.push_back(std::move(row));
            ++summary_.rows;
            if (page_.size() < page_size_) continue;
            if (!on_page_(page_)) return false;
            page_.clear();
        }
        return true;
    }

    List list_;
    Jobs jobs_;
    std::span<const std::string_view> states_;
    Key key_;
    const page_handler<Row>& on_page_;
    std::size_t page_size_;
    std::vector<Row> page_;
    std::unordered_set<std::string> seen_;
    listing_summary summary_;
};

/// Lists every row of `q` in pages through a state_pager.
template <class Row, class List, class Jobs, class Key>
expected<listing_summary> page_rows(state_query q, List list, Jobs jobs,
                                    std::span<const std::string_view> states, Key key,
                                    const page_handler<Row>& on_page, std::size_t page_size) {
    state_pager<Row, List, Jobs, Key> pager(std::move(list), std::move(jobs), states,
                                            std::move(key), on_page, page_size);
    return pager.run(std::move(q));
}

/// Ray's task and actor states (TaskStatus, ActorState), to split a listing by.
inline constexpr std::string_view task_states[] = {
    "NIL",
    "PENDING_ARGS_AVAIL",
    "PENDING_NODE_ASSIGNMENT",
    "PENDING_OBJ_STORE_MEM_AVAIL",
    "PENDING_ARGS_FETCH",
    "SUBMITTED_TO_WORKER",
    "PENDING_ACTOR_TASK_ARGS_FETCH",
    "PENDING_ACTOR_TASK_ORDERING_OR_CONCURRENCY",
    "RUNNING",
    "RUNNING_IN_RAY_GET",
    "RUNNING_IN_RAY_WAIT",
    "FINISHED",
    "FAILED",
};
inline constexpr std::string_view actor_states[] = {
    "DEPENDENCIES_UNREADY", "PENDING_CREATION", "ALIVE", "RESTARTING", "DEAD",
};

}  // namespace detail
}  // namespace synapse
