// The Ray Serve application that keeps plugin workers warm on a cluster: each replica starts one
// worker (a C++ plugin binary's `worker` mode, or the Python host's worker for synapse-sdk
// actions) and answers each HTTP request with one worker call. ray_actor_executor deploys it.
//
//   request  (POST to the application's route):  {"id": "...", "action": "...", "params": {...}}
//   answer   (200, JSON): {"result": ...} or {"error": {code, message, where, fields}},
//            with "events" (the call's records, as json_lines_logger writes them), "output" (the
//            lines the worker printed meanwhile) and "replica" ({"pid", "worker_pid"}).
//
// Each replica also answers the same requests on a direct port of its own (HTTP/1.1 keep-alive,
// on its node's address; each answer names it as "replica.direct"), for callers that hold the
// application's token (`X-Synapse-Token`, from the application's args): calls then skip Serve's
// proxy and router, which cost milliseconds per call.
//
// A worker that dies during a call answers it with a process_failed error naming how it ended
// and its last lines, and the replica starts a fresh one for the next call. A worker that cannot
// start fails the replica's constructor, so Serve reports the application DEPLOY_FAILED with the
// worker's last lines in its message.
//
// The module is text inside this header; the executor puts it in the package it uploads.
#pragma once

#include <string_view>

namespace synapse {

/// The file name of the Serve module inside the package (imported as `synapse_serve:build`).
inline constexpr std::string_view serve_host_file = "synapse_serve.py";

/// The Serve module's source.
inline constexpr std::string_view serve_host_source = R"PY(
"""synapse-cpp's Ray Serve application: one warm plugin worker per replica (written by
synapse-cpp; do not edit)."""
import asyncio
import collections
import hmac
import http.server
import json
import os
import signal
import subprocess
import sys
import threading

from ray import serve
from starlette.responses import JSONResponse


def _describe(returncode):
    if returncode is None:
        return 'is still running'
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = 'unknown'
        return f'was killed by signal {-returncode} ({name})'
    return f'exited with status {returncode}'


class _Worker:
    """One plugin worker process and its frame channel."""

    def __init__(self, command):
        self.command = command
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=os.getcwd())
        self.last = collections.deque(maxlen=20)
        self.output = []
        self.lock = threading.Lock()
        self.drain = threading.Thread(target=self._drain, daemon=True)
        self.drain.start()
        ready = self._frame()
        if ready is None or ready.get('type') != 'ready':
            raise RuntimeError(self._ended('before it was ready'))

    def _drain(self):
        for raw in self.proc.stderr:
            line = raw.decode('utf-8', 'replace').rstrip('\n')
            print(line, file=sys.stderr, flush=True)
            with self.lock:
                self.last.append(line)
                self.output.append(line)

    def _frame(self):
        while True:
            raw = self.proc.stdout.readline()
            if not raw:
                return None
            try:
                frame = json.loads(raw)
            except ValueError:
                frame = None
            if isinstance(frame, dict):
                return frame
            with self.lock:
                self.output.append(raw.decode('utf-8', 'replace').rstrip('\n'))

    def _ended(self, during):
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.drain.join(timeout=5)  # its last lines
        with self.lock:
            last = list(self.last)
        text = f'the worker (pid {self.proc.pid}) {_describe(self.proc.returncode)} {during}'
        if last:
            text += '; its last lines:' + ''.join('\n  ' + line for line in last)
        return text

    def alive(self):
        return self.proc.poll() is None

    def call(self, request):
        with self.lock:
            self.output = []
        events = []
        answer = None
        try:
            self.proc.stdin.write((json.dumps(request) + '\n').encode('utf-8'))
            self.proc.stdin.flush()
            while answer is None:
                frame = self._frame()
                if frame is None:
                    break
                if frame.get('id') != request['id']:
                    continue
                kind = frame.get('type')
                if kind == 'event':
                    events.append(frame.get('event'))
                elif kind == 'result':
                    answer = {'result': frame.get('result')}
                elif kind == 'error':
                    answer = {'error': frame.get('error')}
        except (BrokenPipeError, OSError):
            answer = None
        if answer is None:
            answer = {'error': {
                'code': 'process_failed',
                'message': self._ended(f"while running '{request.get('action', '')}'")}}
        with self.lock:
            answer['output'] = self.output
            self.output = []
        answer['events'] = events
        answer['replica'] = {'pid': os.getpid(), 'worker_pid': self.proc.pid}
        return answer

    def stop(self):
        try:
            self.proc.stdin.write(b'{"type": "shutdown"}\n')
            self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except Exception:  # noqa: BLE001 - then it is killed
            self.proc.kill()


def _read_request(body):
    request = json.loads(body)
    if not isinstance(request, dict) or not isinstance(request.get('action'), str):
        raise ValueError('a request is a JSON object with an "action" string')
    request.setdefault('id', '')
    request.setdefault('params', {})
    return request


def _unreadable(e):
    return {'error': {'code': 'invalid_argument', 'message': f'unreadable request: {e}'},
            'events': [], 'output': []}


class _Direct(http.server.BaseHTTPRequestHandler):
    """The replica's direct port: POST a request, get its answer."""

    protocol_version = 'HTTP/1.1'
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def _send(self, status, answer):
        data = json.dumps(answer).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        deployment = self.server.deployment
        if not hmac.compare_digest(self.headers.get('X-Synapse-Token', ''), deployment.token):
            return self._send(403, {'error': {'code': 'http_error', 'message': 'wrong token'}})
        try:
            request = _read_request(body)
        except Exception as e:  # noqa: BLE001 - a request we cannot read
            return self._send(200, _unreadable(e))
        self._send(200, deployment._call(request))


@serve.deployment(name='synapse_worker', max_ongoing_requests=1)
class SynapseWorker:
    def __init__(self, command, token):
        self.command = command
        self.token = token or ''
        self.lock = threading.Lock()
        self.worker = _Worker(command)
        self.direct = None
        self.server = None
        if self.token:
            import ray
            host = ray.util.get_node_ip_address()
            self.server = http.server.ThreadingHTTPServer((host, 0), _Direct)
            self.server.daemon_threads = True
            self.server.deployment = self
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
            self.direct = f'http://{host}:{self.server.server_address[1]}'

    def _call(self, request):
        with self.lock:
            if not self.worker.alive():
                self.worker = _Worker(self.command)
            answer = self.worker.call(request)
        answer['replica']['direct'] = self.direct
        return answer

    async def __call__(self, http_request):
        try:
            request = _read_request(await http_request.body())
        except Exception as e:  # noqa: BLE001 - a request we cannot read
            return JSONResponse(_unreadable(e), status_code=200)
        loop = asyncio.get_running_loop()
        return JSONResponse(await loop.run_in_executor(None, self._call, request))

    def __del__(self):
        server = getattr(self, 'server', None)
        if server is not None:
            server.shutdown()
        worker = getattr(self, 'worker', None)
        if worker is not None:
            worker.stop()


def build(args):
    command = [sys.executable if part == '{python}' else part for part in args['command']]
    return SynapseWorker.bind(command, args.get('token', ''))
)PY";

}  // namespace synapse
