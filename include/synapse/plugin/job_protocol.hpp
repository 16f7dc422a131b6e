// The job protocol shared with synapse-sdk (DESIGN.md, "Wire contracts"):
//
//   SYNAPSE_ACTION_ENTRYPOINT   the action (a C++ action name, or a Python `module.Class`)
//   SYNAPSE_ACTION_PARAMS       params as JSON text, when shorter than 32,000 characters
//   SYNAPSE_ACTION_PARAMS_FILE  else the path of a file holding them
//   SYNAPSE_JOB_ID / RAY_JOB_ID the job id
//
// and the result, printed as three stdout lines at the end of the run:
//
//   __SYNAPSE_RESULT_START__
//   {"model_path": "..."}        (one line; a non-object result is wrapped as {"result": v})
//   __SYNAPSE_RESULT_END__
#pragma once

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "synapse/core/json.hpp"
#include "synapse/plugin/serializer.hpp"

namespace synapse::job_protocol {

inline constexpr std::string_view entrypoint_var = "SYNAPSE_ACTION_ENTRYPOINT";
inline constexpr std::string_view params_var = "SYNAPSE_ACTION_PARAMS";
inline constexpr std::string_view params_file_var = "SYNAPSE_ACTION_PARAMS_FILE";
inline constexpr std::string_view job_id_var = "SYNAPSE_JOB_ID";
inline constexpr std::string_view ray_job_id_var = "RAY_JOB_ID";
inline constexpr std::string_view result_start = "__SYNAPSE_RESULT_START__";
inline constexpr std::string_view result_end = "__SYNAPSE_RESULT_END__";

/// Params of this many characters or more travel in a file instead of an environment variable.
inline constexpr std::size_t params_inline_limit = 32000;

/// The text of a params file; an error names the file.
[[nodiscard]] inline expected<std::string> read_params_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error e(errc::io_error, "cannot read params file '" + path + "'");
        e.where = path;
        return fail(std::move(e));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// Reads an environment variable; empty values count as absent.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;

inline std::optional<std::string> process_env(std::string_view name) {
    const char* v = std::getenv(std::string(name).c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

/// The params of this job: SYNAPSE_ACTION_PARAMS, else the file SYNAPSE_ACTION_PARAMS_FILE
/// (relative to the working directory), else an error naming both.
[[nodiscard]] inline expected<json> read_params(const env_lookup& env = process_env) {
    if (auto text = env(params_var)) return parse_json(*text, params_var);
    if (auto file = env(params_file_var)) {
        auto text = read_params_file(*file);
        if (!text) {
            error e = std::move(text).error();
            e.message += " named by " + std::string(params_file_var);
            return fail(std::move(e));
        }
        return parse_json(*text, *file);
    }
    return fail(errc::protocol_error, "no params provided via " + std::string(params_var) + " or " +
                                          std::string(params_file_var));
}

/// The job id: SYNAPSE_JOB_ID, else RAY_JOB_ID.
inline std::optional<std::string> job_id(const env_lookup& env = process_env) {
    if (auto id = env(job_id_var)) return id;
    return env(ray_job_id_var);
}

/// The three result lines (with the final newline).
inline std::string format_result(const json& result) {
    json line = result.is_object() ? result : json{{"result", result}};
    std::string out;
    out.reserve(64);
    out += result_start;
    out += '\n';
    out += synapse::dump(line);
    out += '\n';
    out += result_end;
    out += '\n';
    return out;
}

/// Finds the result in a job's output, fed one line at a time, in bounded memory. A result is
/// a line that is exactly the start marker, one line of JSON, then a line that is exactly the
/// end marker; the last complete one wins, so marker-like text printed by the action earlier
/// (or inside other lines) does not confuse it.
class result_scanner {
  public:
    /// Feeds one line (without its newline; a trailing '\r' is ignored).
    void feed(std::string_view line) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        switch (state_) {
            case state::idle:
                if (line == result_start) state_ = state::after_start;
                break;
            case state::after_start:
                if (line == result_start) break;  // stay: a new start supersedes
                pending_.assign(line);
                state_ = state::after_value;
                break;
            case state::after_value:
                if (line == result_end) {
                    result_text_ = std::move(pending_);
                    found_ = true;
                    state_ = state::idle;
                } else {
                    state_ = line == result_start ? state::after_start : state::idle;
                }
                pending_.clear();
                break;
        }
    }

    /// Feeds a whole text, split at newlines.
    void feed_text(std::string_view text) {
        std::size_t start = 0;
        while (start < text.size()) {
            auto nl = text.find('\n', start);
            if (nl == std::string_view::npos) nl = text.size();
            feed(text.substr(start, nl - start));
            start = nl + 1;
        }
    }

    bool found() const noexcept { return found_; }

    /// The result line as printed (between the markers), or a protocol_error saying the
    /// markers were not found.
    [[nodiscard]] expected<std::string_view> result_line() const {
        if (!found_)
            return fail(errc::protocol_error,
                        "result markers not found in the output (expected a line " +
                            std::string(result_start) + ", one JSON line, and a line " +
                            std::string(result_end) + ")");
        return std::string_view(result_text_);
    }

    /// The result read by `serializer` (JSON by default), or a protocol_error saying what was
    /// missing or malformed.
    template <Serializer S = json_serializer>
    [[nodiscard]] expected<json> result(const S& serializer = {}) const {
        auto line = result_line();
        if (!line) return fail(std::move(line).error());
        return serializer.read_result(*line);
    }

  private:
    enum class state { idle, after_start, after_value };
    state state_ = state::idle;
    std::string pending_;
    std::string result_text_;
    bool found_ = false;
};

/// Tells which output lines to show a person: everything but the three result lines.
class output_filter {
  public:
    bool visible(std::string_view line) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        bool hidden = line == result_start || line == result_end || after_start_;
        after_start_ = line == result_start;
        return !hidden;
    }

  private:
    bool after_start_ = false;
};

/// The error a job reported on its last stderr line, `error: <kind>: <message>` (what
/// plugin_main and the CLI print), with its own kind; nothing when the line is not one.
/// A ` (at <where>)` at the end of the message goes back into `where`.
[[nodiscard]] inline std::optional<error> read_error_line(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    constexpr std::string_view prefix = "error: ";
    if (!line.starts_with(prefix)) return std::nullopt;
    line.remove_prefix(prefix.size());
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos) return std::nullopt;
    const std::string_view kind = line.substr(0, colon);
    for (int c = 1; c <= static_cast<int>(errc::cancelled); ++c) {
        if (to_string(static_cast<errc>(c)) != kind) continue;
        error e(static_cast<errc>(c), std::string(line.substr(colon + 2)));
        if (e.message.ends_with(")")) {
            if (const auto at = e.message.rfind(" (at "); at != std::string::npos) {
                e.where = e.message.substr(at + 5, e.message.size() - at - 6);
                e.message.erase(at);
            }
        }
        return e;
    }
    return std::nullopt;
}

/// Parses the result out of a whole output text.
[[nodiscard]] inline expected<json> parse_result(std::string_view output) {
    result_scanner scanner;
    scanner.feed_text(output);
    return scanner.result();
}

}  // namespace synapse::job_protocol
