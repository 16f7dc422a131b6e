// The `--params` argument of command lines (the plugin binary's and `synapse plugin run`):
// inline JSON, or @path for a file holding it.
#pragma once

#include <string>
#include <string_view>

#include "synapse/core/json.hpp"
#include "synapse/plugin/job_protocol.hpp"

namespace synapse {

/// The JSON of a `--params` value: the text itself, or the contents of the file after an `@`.
/// Errors name the argument or the file, with the line and column of bad JSON.
[[nodiscard]] inline expected<json> read_params_argument(std::string_view value) {
    if (!value.empty() && value.front() == '@') {
        std::string path(value.substr(1));
        auto text = job_protocol::read_params_file(path);
        if (!text) return fail(std::move(text).error());
        return parse_json(*text, path);
    }
    return parse_json(value, "--params");
}

}  // namespace synapse
