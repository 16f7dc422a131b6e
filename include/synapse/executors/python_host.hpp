// The host that runs a synapse-sdk action for synapse-cpp: synapse-sdk's own job entrypoint
// (`python -m synapse_sdk.plugins.entrypoint`: the job protocol's env vars, its params handling,
// validation, dispatch and result markers), with one change: the action's logs, progress and
// metrics are written as JSON lines in the format of synapse-cpp's json_lines_logger instead of
// coloured console text and tqdm bars, so that a C++ runner reads them exactly. A failure ends
// with one `error: <kind>: <message>` line on stderr and exit status 1.
//
// The module is text inside this header (no file to find at run time): `write_python_host(dir)`
// writes it, and a process runs `python <dir>/synapse_host.py` with the plugin directory as its
// working directory.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include "synapse/core/expected.hpp"

namespace synapse {

/// The Python host module's source.
inline constexpr std::string_view python_host_source = R"PY(
"""synapse-cpp's host for a synapse-sdk action (written by synapse-cpp; do not edit)."""
import datetime
import json
import os
import sys


def _now():
    t = datetime.datetime.now(datetime.timezone.utc)
    return t.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (t.microsecond // 1000)


def _emit(kind, **fields):
    line = json.dumps({'type': kind, 'time': _now(), **fields}, default=str, ensure_ascii=False)
    print(line, flush=True)


def _json_lines_logger():
    from synapse_sdk.loggers import BaseLogger

    class JsonLinesLogger(BaseLogger):
        def _log_impl(self, event, data, file, step, level=None):
            _emit('log', data=data or {}, event=event, level=level.value if level else 'info',
                  step=step or '')

        def _on_progress(self, progress, step):
            _emit('progress', elapsed=progress.elapsed_time, eta=progress.time_remaining,
                  percent=progress.percent, step=step or '')

        def _on_metrics(self, step, metrics):
            _emit('metrics', step=step or '', values=metrics)

    return JsonLinesLogger()


def main():
    sys.path.insert(0, os.getcwd())
    try:
        from synapse_sdk.plugins import entrypoint
        if hasattr(entrypoint, '_create_logger'):
            entrypoint._create_logger = lambda client, job_id: _json_lines_logger()
        entrypoint.main()
    except Exception as e:  # noqa: BLE001 - reported as the job protocol's error line
        kind = 'validation_failed' if type(e).__name__ == 'ValidationError' else 'action_failed'
        message = ' '.join(f'{type(e).__name__}: {e}'.split())
        print(f'error: {kind}: {message}', file=sys.stderr, flush=True)
        sys.exit(1)


if __name__ == '__main__':
    main()
)PY";

/// The file name of the host module.
inline constexpr std::string_view python_host_file = "synapse_host.py";

/// Writes the host module into `dir` (created when missing) unless an identical copy is there;
/// its path.
[[nodiscard]] inline expected<std::filesystem::path> write_python_host(
    const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return fail(errc::io_error, "cannot create " + dir.string() + ": " + ec.message());
    const auto path = dir / python_host_file;
    {
        std::ifstream in(path, std::ios::binary);
        std::string current((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in && current == python_host_source) return path;
    }
    const auto partial = dir / (std::string(python_host_file) + ".part");
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        out << python_host_source;
        if (!out.flush()) return fail(errc::io_error, "cannot write " + partial.string());
    }
    std::filesystem::rename(partial, path, ec);  // whole or not at all, for concurrent runners
    if (ec) return fail(errc::io_error, "cannot write " + path.string() + ": " + ec.message());
    return path;
}

}  // namespace synapse
