// `synapse ray jobs|job|logs|stop`.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <iostream>
#include <string>

#include <synapse/ray/log_tail.hpp>
#include <synapse/transport/websocket_client.hpp>

#include "plugin_commands.hpp"
#include "ray_support.hpp"

namespace synapse_cli::ray_cli {
namespace {

using synapse::json;

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

}  // namespace

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

}  // namespace synapse_cli::ray_cli
