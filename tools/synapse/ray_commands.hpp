// `synapse ray ...`: the cluster at a glance, from its dashboard (basic_cluster_client).
//
//   synapse ray status | nodes [--state S] | tasks [--state S] [--job J] [--name N] [--limit N]
//   [--all]
//               | actors [--state S] [--job J] [--name N] [--limit N] [--all] | jobs [--status S]
//               | job ID | logs ID [--follow] [--protocol ws|http|auto] [--tail N] | stop ID |
//               serve list | serve status APP | serve delete APP        [--dashboard URL] [--token
//               T] [--json]
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace synapse_cli {

struct ray_options {
    std::string dashboard;  ///< default: $RAY_DASHBOARD_ADDRESS, else http://127.0.0.1:8265
    std::string token;      ///< default: RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH, ~/.ray/auth_token
    bool json_only = false;
    std::string state;
    std::string job;
    std::string name;
    std::size_t limit = 100;
    bool detail = false;
    bool all = false;  ///< tasks, actors: every row (cluster_client::for_each_task)
    std::string id;    ///< a job id, or a Serve application's name
    bool follow = false;
    std::string protocol = "auto";          ///< how `logs --follow` follows: ws, http or auto
    std::optional<std::size_t> tail_lines;  ///< `logs --tail N`: start from the last N lines
};

/// Adds `ray` and its subcommands to `app`; `run_ray` runs whichever was parsed.
class ray_commands {
  public:
    explicit ray_commands(CLI::App& app);
    /// The exit status of the parsed `synapse ray` command, or nothing when none was parsed.
    std::optional<int> run() const;

  private:
    ray_options o_;
    CLI::App* status_ = nullptr;
    CLI::App* nodes_ = nullptr;
    CLI::App* tasks_ = nullptr;
    CLI::App* actors_ = nullptr;
    CLI::App* jobs_ = nullptr;
    CLI::App* job_ = nullptr;
    CLI::App* logs_ = nullptr;
    CLI::App* stop_ = nullptr;
    CLI::App* serve_list_ = nullptr;
    CLI::App* serve_status_ = nullptr;
    CLI::App* serve_delete_ = nullptr;
};

}  // namespace synapse_cli
