// Building a Ray job submission for an action: the job protocol's env vars, the params inline or
// as a file inside the package, the runtime_env, and the entrypoint.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/executors/ray_executor_options.hpp"
#include "synapse/plugin/job_protocol.hpp"
#include "synapse/ray/job_details.hpp"
#include "synapse/ray/package_cache.hpp"
#include "synapse/ray/packaging.hpp"
#include "synapse/ray/runtime_env.hpp"

namespace synapse::detail {

/// A fresh submission id: "synapse_" and 16 hex digits.
inline std::string new_submission_id() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char hex[] = "0123456789abcdef";
    std::string id = "synapse_";
    auto bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4) id += hex[bits & 15];
    return id;
}

/// Where the params file travels inside the package.
inline constexpr std::string_view params_file_in_package = ".synapse_params.json";

/// The job protocol's request for `action`: its name, the job id and the params (inline, or from
/// 32,000 characters on as a file inside the package).
inline ray_job_request job_protocol_request(std::string_view action, const std::string& id,
                                            std::string params_text) {
    ray_job_request r;
    r.label = std::string(action);
    r.env_vars[std::string(job_protocol::entrypoint_var)] = std::string(action);
    r.env_vars[std::string(job_protocol::job_id_var)] = id;
    if (params_text.size() < job_protocol::params_inline_limit) {
        r.env_vars[std::string(job_protocol::params_var)] = std::move(params_text);
    } else {
        r.extra_files.emplace_back(std::string(params_file_in_package), std::move(params_text));
        r.env_vars[std::string(job_protocol::params_file_var)] =
            std::string(params_file_in_package);
    }
    return r;
}

/// The runtime_env of a job of the plugin directory: its package (the plugin directory, the kept
/// binary, the request's extra files) uploaded by `upload` (which answers the package's URI),
/// the plugin environment with the request's env vars on top, and the packages `P` installs.
template <class P, class Upload>
expected<json> job_runtime_env(const ray_executor_options& options, const ray_job_request& request,
                               const P& packages, Upload&& upload) {
    if (!request.extra_files.empty() && options.working_dir.empty())
        return fail(errc::invalid_argument,
                    "files that travel with a job (params of 32,000 characters or more) need a "
                    "working_dir");
    json env_vars = options.env.values();
    for (auto it = request.env_vars.begin(); it != request.env_vars.end(); ++it)
        env_vars[it.key()] = *it;
    runtime_env_options re = options.runtime_env;
    re.env_vars = std::move(env_vars);
    if (!options.working_dir.empty()) {
        package_options package;
        package.extra_excludes = options.package_excludes;
        if (options.binary) package.keep.emplace_back(*options.binary);
        package.extra_files = request.extra_files;
        auto uri = upload(package);
        if (!uri) return fail(std::move(uri).error().prefix("package upload"));
        re.working_dir_uri = *uri;
        re.working_dir = options.working_dir;
    }
    return build_runtime_env(re, packages);
}

/// The submission, once the runtime_env is built.
inline job_submission make_submission(const ray_executor_options& options,
                                      const ray_job_request& request, const std::string& id,
                                      json runtime_env, const ray_job_options& job) {
    job_submission s;
    s.entrypoint = request.entrypoint ? *request.entrypoint
                   : options.binary   ? executable_launcher(*options.binary)
                                      : options.python_entrypoint;
    s.submission_id = id;
    s.runtime_env = std::move(runtime_env);
    s.metadata = job.metadata;
    if (!request.label.empty()) s.metadata["synapse_action"] = request.label;
    write_deadlines(job.deadlines, s.metadata);
    s.entrypoint_num_cpus = job.num_cpus ? job.num_cpus : options.num_cpus;
    s.entrypoint_num_gpus = job.num_gpus ? job.num_gpus : options.num_gpus;
    s.entrypoint_memory = job.memory ? job.memory : options.memory;
    return s;
}

/// Packages `dir` and uploads it unless Ray has it already (GET, then PUT only when missing;
/// once per content and process); the package's URI. The zip is built only to be uploaded: the
/// name is the hash of the contents.
template <class JobsApi>
expected<std::string> upload_package(JobsApi& api, package_cache& uploaded,
                                     const std::filesystem::path& dir, package_options po) {
    po.zip = false;
    auto named = make_package(dir, po);
    if (!named) return fail(std::move(named).error());
    if (!uploaded.uploaded(named->name)) {
        auto exists = api.package_exists(named->name);
        if (!exists) return fail(std::move(exists).error());
        if (!*exists) {
            po.zip = true;
            auto pkg = make_package(dir, po);
            if (!pkg) return fail(std::move(pkg).error());
            auto put =
                api.upload_package(pkg->name, std::string(pkg->bytes.begin(), pkg->bytes.end()));
            if (!put) return fail(std::move(put).error());
        }
        uploaded.mark_uploaded(named->name);
    }
    return named->uri;
}

}  // namespace synapse::detail
