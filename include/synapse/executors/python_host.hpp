// The host that runs a synapse-sdk action for synapse-cpp: synapse-sdk's own job entrypoint
// (`python -m synapse_sdk.plugins.entrypoint`: the job protocol's env vars, its params handling,
// validation, dispatch and result markers), with one change: the action's logs, progress and
// metrics are written as JSON lines in the format of synapse-cpp's json_lines_logger instead of
// coloured console text and tqdm bars, so that a C++ runner reads them exactly. A failure ends
// with one `error: <kind>: <message>` line on stderr and exit status 1.
//
// `python synapse_host.py worker` speaks the worker protocol (synapse/plugin/worker_protocol.hpp)
// instead: it stays up, imports each action class once, and runs request after request in
// process; an action is named by its `module.Class` entrypoint.
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


def _record(kind, **fields):
    return {'type': kind, 'time': _now(), **fields}


def _dumps(value):
    return json.dumps(value, default=str, ensure_ascii=False)


def _json_lines_logger(emit):
    from synapse_sdk.loggers import BaseLogger

    class JsonLinesLogger(BaseLogger):
        def _log_impl(self, event, data, file, step, level=None):
            emit(_record('log', data=data or {}, event=event,
                         level=level.value if level else 'info', step=step or ''))

        def _on_progress(self, progress, step):
            emit(_record('progress', elapsed=progress.elapsed_time, eta=progress.time_remaining,
                         percent=progress.percent, step=step or ''))

        def _on_metrics(self, step, metrics):
            emit(_record('metrics', step=step or '', values=metrics))

    return JsonLinesLogger()


def _error_kind(e):
    return 'validation_failed' if type(e).__name__ == 'ValidationError' else 'action_failed'


def _error_message(e):
    return ' '.join(f'{type(e).__name__}: {e}'.split())


def main():
    sys.path.insert(0, os.getcwd())
    try:
        from synapse_sdk.plugins import entrypoint
        if hasattr(entrypoint, '_create_logger'):
            entrypoint._create_logger = lambda client, job_id: _json_lines_logger(
                lambda r: print(_dumps(r), flush=True))
        entrypoint.main()
    except Exception as e:  # noqa: BLE001 - reported as the job protocol's error line
        print(f'error: {_error_kind(e)}: {_error_message(e)}', file=sys.stderr, flush=True)
        sys.exit(1)


def _error_frame(request_id, e):
    error = {'code': _error_kind(e), 'message': _error_message(e)}
    if hasattr(e, 'errors') and callable(e.errors):
        try:
            error['fields'] = [
                {'path': '.'.join(str(p) for p in item.get('loc', ())),
                 'message': str(item.get('msg', '')), 'expected': '', 'actual': ''}
                for item in e.errors()]
        except Exception:  # noqa: BLE001 - fields are a courtesy
            pass
    return {'type': 'error', 'id': request_id, 'error': error}


def worker():
    """The worker protocol (synapse/plugin/worker_protocol.hpp): requests on stdin, frames on the
    stdout this process started with; what actions print goes to stderr."""
    import importlib
    import threading

    sys.path.insert(0, os.getcwd())
    frames = os.fdopen(os.dup(1), 'w', encoding='utf-8', buffering=1)
    sys.stdout.flush()
    os.dup2(2, 1)
    lock = threading.Lock()

    def send(frame):
        with lock:
            frames.write(_dumps(frame) + '\n')
            frames.flush()

    from synapse_sdk.plugins.context import RuntimeContext
    from synapse_sdk.plugins.context.env import PluginEnvironment

    classes = {}
    send({'type': 'ready', 'pid': os.getpid(), 'actions': []})
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request_id = ''
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError('a request must be a JSON object')
            request_id = str(request.get('id', ''))
            if request.get('type') == 'shutdown':
                break
            action = request.get('action')
            params = request.get('params')
            params = {} if params is None else params
            if not isinstance(action, str) or not action:
                raise ValueError('a request needs an "action" string')
            if not isinstance(params, dict):
                raise ValueError('a request\'s "params" must be an object')
        except Exception as e:  # noqa: BLE001 - answered as an error frame
            send({'type': 'error', 'id': request_id,
                  'error': {'code': 'invalid_argument', 'message': str(e)}})
            continue
        cls = classes.get(action)
        if cls is None:
            try:
                module_path, class_name = action.rsplit('.', 1)
                cls = getattr(importlib.import_module(module_path), class_name)
            except Exception as e:  # noqa: BLE001 - answered as an error frame
                send({'type': 'error', 'id': request_id, 'error': {
                    'code': 'unknown_action',
                    'message': f"unknown action '{action}' (a module.Class entrypoint): "
                               + _error_message(e)}})
                continue
            classes[action] = cls
        try:
            logger = _json_lines_logger(
                lambda r: send({'type': 'event', 'id': request_id, 'event': r}))
            ctx = RuntimeContext(logger=logger, env=PluginEnvironment.from_environ(),
                                 job_id=os.environ.get('SYNAPSE_JOB_ID') or request_id)
            result = cls.dispatch(params, ctx)
            logger.finish()
            from synapse_sdk.plugins.entrypoint import _serialize_result
            send({'type': 'result', 'id': request_id, 'result': _serialize_result(result)})
        except Exception as e:  # noqa: BLE001 - answered as an error frame
            send(_error_frame(request_id, e))


if __name__ == '__main__':
    worker() if sys.argv[1:] == ['worker'] else main()
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
