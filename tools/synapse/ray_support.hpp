// What the `synapse ray` commands share: the client they make from the options, and printing.
#pragma once

#include <iostream>
#include <optional>
#include <string>

#include <synapse/ray/cluster_client.hpp>

#include "ray_commands.hpp"
#include "table.hpp"

namespace synapse_cli::ray_cli {

inline synapse::expected<synapse::cluster_client> connect(const ray_options& o) {
    auto t = synapse::dashboard_transport_options(o.dashboard);
    if (!o.token.empty()) t.token = o.token;
    return synapse::cluster_client::create(std::move(t));
}

inline std::string text(const std::optional<std::string>& s) {
    return s.value_or("");
}

inline void print(const text_table& t) {
    t.print(std::cout, stdout_terminal_width(), use_colour());
}

int jobs(const ray_options& o);
int job(const ray_options& o);
int logs(const ray_options& o);
int stop(const ray_options& o);
int serve_list(const ray_options& o);
int serve_status(const ray_options& o);
int serve_delete(const ray_options& o);

}  // namespace synapse_cli::ray_cli
