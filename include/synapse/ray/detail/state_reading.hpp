// Reading the State API's answers: Ray's envelope, the list payload and its rows. A column of
// the wrong type is an error naming the call, the row and the column; a column that is absent
// or null takes its default.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synapse/core/json.hpp"
#include "synapse/ray/job_details.hpp"
#include "synapse/ray/state_rows.hpp"
#include "synapse/transport/transport.hpp"

namespace synapse::detail {

/// The columns of one row; the first wrong one is kept as the row's error.
class row_columns {
  public:
    row_columns(const json& row, std::string where) : row_(row), where_(std::move(where)) {}

    std::optional<std::string> text(const char* key, bool required = false) {
        auto it = present(key, required);
        if (!it) return std::nullopt;
        if (!(*it)->is_string()) return wrong(key, "a string");
        return (*it)->get<std::string>();
    }
    std::optional<std::int64_t> integer(const char* key) {
        auto it = present(key, false);
        if (!it) return std::nullopt;
        auto v = optional_integer<std::int64_t>(row_, key);
        if (!v) return wrong<std::int64_t>(key, "an integer");
        return v;
    }
    std::optional<bool> boolean(const char* key) {
        auto it = present(key, false);
        if (!it) return std::nullopt;
        if (!(*it)->is_boolean()) return wrong<bool>(key, "a boolean");
        return (*it)->get<bool>();
    }
    json object(const char* key) {
        auto it = present(key, false);
        if (!it) return json::object();
        if (!(*it)->is_object()) {
            (void)wrong<bool>(key, "an object");
            return json::object();
        }
        return **it;
    }

    /// The first problem, if any.
    const std::optional<std::string>& problem() const noexcept { return problem_; }

  private:
    std::optional<json::const_iterator> present(const char* key, bool required) {
        auto it = row_.find(key);
        if (it == row_.end() || it->is_null()) {
            if (required && !problem_) problem_ = where_ + " has no " + key;
            return std::nullopt;
        }
        return it;
    }
    template <class V = std::string>
    std::optional<V> wrong(const char* key, const char* expected) {
        if (!problem_)
            problem_ =
                where_ + ": " + key + " is " + row_[key].type_name() + ", expected " + expected;
        return std::nullopt;
    }

    const json& row_;
    std::string where_;
    std::optional<std::string> problem_;
};

template <class Row>
expected<Row> finish_row(Row r, const json& row, const row_columns& c, std::string_view what) {
    if (c.problem()) return malformed(what, *c.problem());
    r.fields = row;
    return r;
}

inline expected<node_row> read_node_row(const json& row, std::string where, std::string_view what) {
    row_columns c(row, std::move(where));
    node_row n;
    n.node_id = c.text("node_id", true).value_or("");
    n.node_ip = c.text("node_ip").value_or("");
    n.node_name = c.text("node_name").value_or("");
    n.state = c.text("state", true).value_or("");
    n.state_message = c.text("state_message");
    n.is_head_node = c.boolean("is_head_node").value_or(false);
    n.resources_total = c.object("resources_total");
    n.labels = c.object("labels");
    n.start_time_ms = c.integer("start_time_ms");
    n.end_time_ms = c.integer("end_time_ms");
    return finish_row(std::move(n), row, c, what);
}

inline expected<task_row> read_task_row(const json& row, std::string where, std::string_view what) {
    row_columns c(row, std::move(where));
    task_row t;
    t.task_id = c.text("task_id", true).value_or("");
    t.attempt_number = c.integer("attempt_number").value_or(0);
    t.name = c.text("name").value_or("");
    t.state = c.text("state", true).value_or("");
    t.job_id = c.text("job_id").value_or("");
    t.actor_id = c.text("actor_id");
    t.type = c.text("type").value_or("");
    t.func_or_class_name = c.text("func_or_class_name").value_or("");
    t.node_id = c.text("node_id");
    t.worker_id = c.text("worker_id");
    t.worker_pid = c.integer("worker_pid");
    t.error_type = c.text("error_type");
    t.error_message = c.text("error_message");
    return finish_row(std::move(t), row, c, what);
}

inline expected<actor_row> read_actor_row(const json& row, std::string where,
                                          std::string_view what) {
    row_columns c(row, std::move(where));
    actor_row a;
    a.actor_id = c.text("actor_id", true).value_or("");
    a.class_name = c.text("class_name").value_or("");
    a.state = c.text("state", true).value_or("");
    a.job_id = c.text("job_id").value_or("");
    a.name = c.text("name");
    a.node_id = c.text("node_id");
    a.pid = c.integer("pid");
    a.ray_namespace = c.text("ray_namespace");
    return finish_row(std::move(a), row, c, what);
}

/// The `data` of the dashboard's envelope `{"result": bool, "msg": str, "data": {...}}`;
/// `result: false` is Ray's refusal with its message (400: bad input; otherwise the cluster
/// could not answer).
inline expected<json> envelope_data(const http_response& r, std::string_view what) {
    auto body = parse_json(r.body, std::string(what) + " response");
    if (!body || !body->is_object() || !body->contains("result")) {
        if (r.status >= 400) return fail(check_status(r, what).error());
        return malformed(what, body ? "the answer is not Ray's State API envelope"
                                    : std::move(body).error().message);
    }
    const json& ok = (*body)["result"];
    if (!ok.is_boolean()) return malformed(what, "the envelope's result is not a boolean");
    if (!ok.get<bool>() || r.status >= 400) {
        auto msg = optional_string(*body, "msg").value_or("no message");
        error e(r.status == 400 ? errc::invalid_argument : errc::io_error,
                std::string(what) + ": Ray refused: " + msg.substr(0, 500));
        e.http_status = r.status;
        return fail(std::move(e));
    }
    auto data = body->find("data");
    if (data == body->end() || !data->is_object())
        return malformed(what, "the envelope has no data");
    return *data;
}

/// The State API's payload: the envelope's `data.result`.
inline expected<json> state_payload(const http_response& r, std::string_view what) {
    auto data = envelope_data(r, what);
    if (!data) return data;
    if (!data->contains("result")) return malformed(what, "the envelope has no data.result");
    return (*data)["result"];
}

/// A list payload `{total, num_after_truncation, num_filtered, result: [rows],
/// partial_failure_warning, warnings}`.
template <class Row, class Reader>
expected<state_list<Row>> read_state_list(const json& payload, std::string_view what, Reader read) {
    if (!payload.is_object()) return malformed(what, "the list is not a JSON object");
    auto rows = payload.find("result");
    if (rows == payload.end() || !rows->is_array()) return malformed(what, "the list has no rows");
    state_list<Row> out;
    out.total = optional_integer<std::int64_t>(payload, "total").value_or(0);
    out.num_after_truncation =
        optional_integer<std::int64_t>(payload, "num_after_truncation").value_or(out.total);
    out.num_filtered =
        optional_integer<std::int64_t>(payload, "num_filtered").value_or(out.num_after_truncation);
    if (auto w = optional_string(payload, "partial_failure_warning"); w && !w->empty())
        out.warnings.push_back(std::move(*w));
    if (auto w = payload.find("warnings"); w != payload.end() && w->is_array())
        for (const auto& item : *w)
            if (item.is_string()) out.warnings.push_back(item.get<std::string>());
    out.rows.reserve(rows->size());
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const json& row = (*rows)[i];
        if (!row.is_object())
            return malformed(what, "row " + std::to_string(i) + " is not a JSON object");
        auto r = read(row, "row " + std::to_string(i), what);
        if (!r) return fail(std::move(r).error());
        out.rows.push_back(std::move(*r));
    }
    return out;
}

}  // namespace synapse::detail
