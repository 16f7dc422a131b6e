// Reading what the autoscaler reports about resource usage (GET /api/cluster_status, the source
// of `ray status`): `data.clusterStatus.loadMetricsReport.usage` is {resource: [used, total]}
// for the cluster and `usageByNode` the same per node id. The dashboard camel-cases every key on
// the way out (`object_store_memory` arrives as `objectStoreMemory`): names are given back as the
// nodes' own resources spell them.
#pragma once

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "synapse/core/json.hpp"
#include "synapse/ray/job_details.hpp"
#include "synapse/ray/state_rows.hpp"

namespace synapse::detail {

/// `objectStoreMemory` -> `object_store_memory`; names with `:` and all-caps names unchanged.
inline std::string snake_case(std::string_view name) {
    if (name.find(':') != std::string_view::npos) return std::string(name);
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(name[i]);
        if (std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(name[i - 1]))) {
            out += '_';
            out += static_cast<char>(std::tolower(c));
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

/// {resource: [used, total]} with names as `known` spells them (resource names of the nodes);
/// `node:` entries left out. Nothing when `usage` is not such an object.
inline std::optional<std::map<std::string, resource_usage>> read_usage(
    const json& usage, const std::set<std::string>& known) {
    if (!usage.is_object()) return std::nullopt;
    std::map<std::string, resource_usage> out;
    for (const auto& [key, pair] : usage.items()) {
        if (key.starts_with("node:")) continue;
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number() || !pair[1].is_number())
            return std::nullopt;
        std::string name = key;
        if (!known.contains(name) && known.contains(snake_case(name))) name = snake_case(name);
        out[name] = {pair[0].get<double>(), pair[1].get<double>()};
    }
    return out;
}

/// Fills `s.total` and `s.by_node` from the dashboard's `data` (an autoscaler that has not
/// reported yet leaves `usage_known` false); a report of another shape is malformed.
inline expected<void> read_cluster_usage(const json& data, cluster_summary& s) {
    constexpr std::string_view what = "reading the cluster's resource usage";
    std::set<std::string> known;
    for (const auto& n : s.nodes)
        for (const auto& [k, v] : n.resources_total.items()) known.insert(k);
    if (!data.is_object()) return malformed(what, "no data object");
    auto status = data.find("clusterStatus");
    if (status == data.end() || status->is_null()) return {};
    if (!status->is_object()) return malformed(what, "clusterStatus is not an object");
    auto report = status->find("loadMetricsReport");
    if (report == status->end() || !report->is_object())
        return malformed(what, "clusterStatus has no loadMetricsReport");
    auto total = read_usage(report->value("usage", json()), known);
    if (!total) return malformed(what, "loadMetricsReport.usage is not {resource: [used, total]}");
    s.total = std::move(*total);
    if (auto by = report->find("usageByNode"); by != report->end() && by->is_object())
        for (const auto& [node, usage] : by->items()) {
            auto u = read_usage(usage, known);
            if (!u)
                return malformed(what, "usageByNode." + node + " is not {resource: [used, total]}");
            s.by_node[node] = std::move(*u);
        }
    s.usage_known = true;
    return {};
}

}  // namespace synapse::detail
