"""The Ray Jobs benchmarks of issue 3, C++ (bench_ray_*) side by side with their Python peers
(Ray's JobSubmissionClient and synapse-sdk's RayJobsApiExecutor), against the local Ray 2.60
head at $RAY_DASHBOARD_URL. run.py calls `run_all` (under scripts/ray-cluster run, see --ray).

1. get_status of a finished job: client CPU per call, ours (basic_jobs_api::get_job) vs
   JobSubmissionClient.get_job_status; and wall per call, ours vs a raw httplib keep-alive GET
   loop in the same process (the floor the server sets).
2. Submit -> result, a fresh client process per job: ray_jobs_api_executor submit + get_result
   vs RayJobsApiExecutor submit + get_result of adder_actions.AddAction
   (tests/fixtures/python_plugin); ours runs both that same Python action and a trivial C++
   plugin action (the echo_plugin binary), what each SDK runs natively.
3. Peak RSS (ru_maxrss from wait4) of those same client processes.
4. Log tail of a finished job that printed 0..999999: tail_job_logs vs
   JobSubmissionClient.tail_job_logs, lines/s, every line checked exactly once and in order.
5. The command line, `synapse plugin run add --mode job` of the same synapse-sdk action
   (tests/fixtures/python_plugin) through our CLI and through synapse-sdk's own CLI: wall time
   from the command's start to its exit, and how long after the job's end (Ray's end_time) each
   command exits.

Sides alternate round by round, so a change of machine speed hits both alike.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PLUGIN = ROOT / 'tests' / 'fixtures' / 'python_plugin'
TAIL_LINES = 1_000_000


def log(message: str) -> None:
    print(f'[bench] ray: {message}', file=sys.stderr, flush=True)


# ---- set-up jobs (not timed): plain HTTP with urllib -----------------------------------------


def _token() -> str | None:
    if os.environ.get('RAY_AUTH_TOKEN'):
        return os.environ['RAY_AUTH_TOKEN'].strip()
    path = os.environ.get('RAY_AUTH_TOKEN_PATH')
    if path and os.path.exists(path):
        return Path(path).read_text().strip()
    return None


def _request(method: str, path: str, body: dict | None = None) -> dict:
    url = os.environ['RAY_DASHBOARD_URL'].rstrip('/') + path
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header('User-Agent', 'synapse-cpp-bench')
    if data is not None:
        req.add_header('Content-Type', 'application/json')
    if token := _token():
        req.add_header('Authorization', f'Bearer {token}')
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b'null')


def run_job(entrypoint: str, prefix: str, timeout: float = 300) -> str:
    """Submits `entrypoint` and waits until it SUCCEEDED; returns the submission id."""
    sid = f'{prefix}_{os.getpid()}_{time.time_ns()}'
    _request('POST', '/api/jobs/', {'entrypoint': entrypoint, 'submission_id': sid})
    deadline = time.monotonic() + timeout
    while True:
        job = _request('GET', f'/api/jobs/{sid}')
        if job['status'] in ('SUCCEEDED', 'FAILED', 'STOPPED'):
            break
        if time.monotonic() > deadline:
            sys.exit(f'error: set-up job {sid} still {job["status"]} after {timeout} s')
        time.sleep(0.2)
    if job['status'] != 'SUCCEEDED':
        sys.exit(f'error: set-up job {sid} ended {job["status"]}: {job.get("message")}')
    return sid


def delete_job(sid: str) -> None:
    try:
        _request('DELETE', f'/api/jobs/{sid}')
    except urllib.error.URLError:
        pass


# ---- client processes ------------------------------------------------------------------------


def run_client(build_dir: Path, cmd: list[str]) -> tuple[dict, int]:
    """Runs one client process through bench_ray_maxrss; returns the client's JSON output and
    its ru_maxrss (KiB, from wait4). Spawned straight from this (larger) Python process, a
    client would inherit this process's peak RSS: see ray/maxrss.cpp."""
    env = {**os.environ, 'PYTHONDONTWRITEBYTECODE': '1'}
    with tempfile.NamedTemporaryFile('r', suffix='.maxrss') as rss_file:
        proc = subprocess.run([_exe(build_dir, 'bench_ray_maxrss'), rss_file.name, *cmd],
                              capture_output=True, text=True, env=env, cwd=ROOT)
        rss_text = Path(rss_file.name).read_text().strip()
    if proc.returncode != 0 or not rss_text:
        sys.exit(f'error: {" ".join(cmd)} exited with {proc.returncode}\n--- stdout ---\n'
                 f'{proc.stdout}\n--- stderr ---\n{proc.stderr[-4000:]}')
    return json.loads(proc.stdout.strip().splitlines()[-1]), int(rss_text)


def _exe(build_dir: Path, name: str) -> str:
    return str(build_dir / 'benchmarks' / name)


# ---- 1. get_status ---------------------------------------------------------------------------


def bench_get_status(build_dir: Path, python: str, rounds: int, calls: int) -> list[dict]:
    sid = run_job('echo synapse-bench', 'synapse_bench_status')
    ours_cpu, ours_wall, raw_wall, raw_cpu, py_cpu, py_wall, pair_ratios = [], [], [], [], [], [], []
    for r in range(rounds):
        log(f'get_status: round {r + 1}/{rounds}: C++ (ours and raw, {calls} calls x2 each), '
            f'then Python ({calls} calls)')
        cpp, _ = run_client(build_dir, [_exe(build_dir, 'bench_ray_get_status'), '--job', sid,
                             '--calls', str(calls), '--rounds', '2'])
        ours_cpu += cpp['ours']['cpu_s_per_call']
        ours_wall += cpp['ours']['wall_s_per_call']
        raw_wall += cpp['raw']['wall_s_per_call']
        raw_cpu += cpp['raw']['cpu_s_per_call']
        pair_ratios += [o / w for o, w in zip(cpp['ours']['wall_s_per_call'],
                                               cpp['raw']['wall_s_per_call'])]
        py, _ = run_client(build_dir, [python, str(HERE / 'get_status.py'), '--job', sid, '--calls', str(calls)])
        py_cpu += py['python']['cpu_s_per_call']
        py_wall += py['python']['wall_s_per_call']
    delete_job(sid)

    cpu_c, cpu_p = statistics.median(ours_cpu), statistics.median(py_cpu)
    cpu_ratio = cpu_p / cpu_c
    wall_c, wall_raw = statistics.median(ours_wall), statistics.median(raw_wall)
    wall_ratio = statistics.median(pair_ratios)
    return [
        {
            'name': 'Ray get_status, client CPU per call',
            'description': 'basic_jobs_api::get_job vs JobSubmissionClient.get_job_status, finished job',
            'unit': 'us',
            'cpp': cpu_c * 1e6,
            'python': cpu_p * 1e6,
            'ratio': cpu_ratio,
            'ratio_text': f'{cpu_ratio:.0f}× less',
            'target_text': '≥ 10× less',
            'met': cpu_ratio >= 10,
            'details': {'cpp_cpu_s_per_call_blocks': ours_cpu, 'python_cpu_s_per_call_blocks': py_cpu,
                        'python_wall_s_per_call_blocks': py_wall,
                        'python_wall_s_per_call': statistics.median(py_wall),
                        'raw_cpu_s_per_call': statistics.median(raw_cpu),
                        'job_details_body_bytes': cpp['body_bytes'],
                        'calls_per_block': calls, 'rounds': rounds},
        },
        {
            'name': 'Ray get_status, wall per call vs raw keep-alive GET',
            'description': 'get_job vs a plain httplib::Client keep-alive GET loop, same endpoint',
            'unit': 'ms',
            'cpp': wall_c * 1e3,
            'python': None,
            'python_text': f'raw loop {wall_raw * 1e3:.2f} ms (Python client {statistics.median(py_wall) * 1e3:.2f} ms)',
            'ratio': wall_ratio,
            'ratio_text': f'{wall_ratio:.2f}× of raw',
            'target_text': '≤ 1.10× of raw',
            'met': wall_ratio <= 1.10,
            'details': {'ours_wall_s_per_call_blocks': ours_wall, 'raw_wall_s_per_call_blocks': raw_wall,
                        'block_pair_ratios': pair_ratios},
        },
    ]


# ---- 2 and 3. submit -> result, peak RSS -----------------------------------------------------


def _phases(report: dict) -> dict:
    """Where a submit -> result went, on Ray's clock (start_time is set when Ray records the
    submission, end_time when the job ends): the client's submit, Ray running the job, and the
    client noticing the end and reading the result."""
    created = report['ray_start_time_ms'] / 1e3
    ended = report['ray_end_time_ms'] / 1e3
    return {'submit': report['submit_s'], 'to_recorded': created - report['start_unix_s'],
            'ray_job': ended - created, 'after_end': report['done_unix_s'] - ended,
            'client_part': report['total_s'] - (ended - created)}


def _median_phases(rows: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]} if rows else {}


def _cpp_plugin_dir(build_dir: Path) -> Path:
    """A plugin directory holding only the echo_plugin binary (a C++ plugin built with
    plugin_main), so the C++ action's package is as small as the Python fixture's."""
    plugin = build_dir / 'benchmarks' / 'ray_cpp_plugin'
    plugin.mkdir(parents=True, exist_ok=True)
    shutil.copy2(build_dir / 'benchmarks' / 'echo_plugin', plugin / 'echo_plugin')
    return plugin


def bench_submit(build_dir: Path, python: str, rounds: int) -> list[dict]:
    case = json.loads((HERE.parent / 'common' / 'echo_case.json').read_text())
    cpp_cmd = [_exe(build_dir, 'bench_ray_submit_result'), '--plugin', str(PLUGIN)]
    native_cmd = [_exe(build_dir, 'bench_ray_submit_result'), '--plugin',
                  str(_cpp_plugin_dir(build_dir)), '--binary', 'echo_plugin', '--action', 'echo',
                  '--params', json.dumps(case['params']), '--expect', json.dumps(case['expected'])]
    py_cmd = [python, str(HERE / 'submit_result.py'), '--plugin', str(PLUGIN)]
    log('submit: warm-up, one job per side (uploads each side\'s package once)')
    ids = [run_client(build_dir, c)[0]['submission_id'] for c in (cpp_cmd, py_cmd, native_cmd)]
    # Ray's floor: what a job whose entrypoint does nothing takes on Ray's clock.
    floor = []
    for _ in range(2):
        ids.append(run_job('true', 'synapse_bench_floor'))
        job = _request('GET', f'/api/jobs/{ids[-1]}')
        floor.append((job['end_time'] - job['start_time']) / 1e3)
    cpp_s, py_s, native_s, cpp_rss, py_rss, round_ratios, native_ratios = [], [], [], [], [], [], []
    phases = {'cpp': [], 'py': [], 'native': []}
    names = {'cpp': 'C++ client', 'py': 'Python', 'native': 'C++ action'}
    for r in range(rounds):
        order = [('cpp', cpp_cmd), ('py', py_cmd), ('native', native_cmd)]
        order = order[r % 3:] + order[:r % 3]
        log(f'submit: round {r + 1}/{rounds}: ' + ', then '.join(names[s] for s, _ in order))
        got = {}
        for side, cmd in order:
            report, rss = run_client(build_dir, cmd)
            ids.append(report['submission_id'])
            got[side] = (report['total_s'], rss)
            phases[side].append(_phases(report))
        cpp_s.append(got['cpp'][0])
        py_s.append(got['py'][0])
        native_s.append(got['native'][0])
        cpp_rss.append(got['cpp'][1])
        py_rss.append(got['py'][1])
        round_ratios.append(got['cpp'][0] / got['py'][0])
        native_ratios.append(got['native'][0] / got['py'][0])
    for sid in ids:
        delete_job(sid)
    native_ratio = statistics.median(native_s) / statistics.median(py_s)
    ratio = statistics.median(cpp_s) / statistics.median(py_s)
    rss_c, rss_p = statistics.median(cpp_rss), statistics.median(py_rss)
    part_ratio = (_median_phases(phases['cpp'])['client_part']
                  / _median_phases(phases['py'])['client_part'])
    return [
        {
            'name': 'Ray submit → result, a trivial action of each SDK: C++ plugin action vs synapse-sdk action',
            'description': 'ray_jobs_api_executor running echo_plugin (a plugin_main binary) vs RayJobsApiExecutor running AddAction',
            'unit': 's',
            'cpp': statistics.median(native_s),
            'python': statistics.median(py_s),
            'ratio': native_ratio,
            'ratio_text': f'{native_ratio:.2f}× of Python',
            'target_text': '≤ 0.7× of Python',
            'met': native_ratio <= 0.7,
            'details': {'cpp_total_s': native_s, 'python_total_s': py_s,
                        'round_ratios': native_ratios,
                        'cpp_phases_s': _median_phases(phases['native'])},
        },
        {
            'name': 'Ray submit → result, the same synapse-sdk action from both clients',
            'description': 'ray_jobs_api_executor vs RayJobsApiExecutor, submit + get_result of AddAction',
            'unit': 's',
            'cpp': statistics.median(cpp_s),
            'python': statistics.median(py_s),
            'ratio': ratio,
            'ratio_text': f'{ratio:.2f}× of Python',
            'target_text': 'information: the same Python action on both sides',
            'met': None,
            'details': {'cpp_total_s': cpp_s, 'python_total_s': py_s, 'round_ratios': round_ratios,
                        'ray_floor_true_job_s': floor,
                        'cpp_phases_s': _median_phases(phases['cpp']),
                        'python_phases_s': _median_phases(phases['py']),
                        'rounds': rounds, 'warm_up_jobs_per_side': 1},
        },
        {
            'name': 'Ray submit → result, the client\'s own part',
            'description': 'the row above minus the time Ray ran the job (its start_time to end_time)',
            'unit': 's',
            'cpp': _median_phases(phases['cpp'])['client_part'],
            'python': _median_phases(phases['py'])['client_part'],
            'ratio': part_ratio,
            'ratio_text': f'{part_ratio:.2f}× of Python',
            'target_text': 'information',
            'met': None,
            'details': {'cpp_client_part_s': [x['client_part'] for x in phases['cpp']],
                        'python_client_part_s': [x['client_part'] for x in phases['py']]},
        },
        {
            'name': 'Ray client peak RSS, submit + wait + result',
            'description': 'ru_maxrss (wait4) of the client processes of the row above',
            'unit': 'KiB',
            'cpp': rss_c,
            'python': rss_p,
            'ratio': rss_p / rss_c,
            'ratio_text': f'{rss_p / rss_c:.0f}× less',
            'target_text': '≥ 10× less',
            'met': rss_p / rss_c >= 10,
            'details': {'cpp_max_rss_kib': cpp_rss, 'python_max_rss_kib': py_rss},
        },
    ]


# ---- 4. log tail -----------------------------------------------------------------------------


def bench_tail(build_dir: Path, python: str, rounds: int, lines: int) -> list[dict]:
    log(f'tail: set-up job printing {lines} lines (waiting for it to finish)')
    # The numbers, then a result triple (its markers built at run time, so that the entrypoint's
    # own text, which Ray echoes into the log, holds no marker) for the get_result side check.
    sid = run_job(f'python -c "for i in range({lines}): print(i)\n'
                  "m = '__SYNAPSE_RESULT_'; print(m + 'START__'); print('{\\\"lines\\\": %d}' % i); "
                  "print(m + 'END__')\"", 'synapse_bench_tail')
    cpp_cmd = [_exe(build_dir, 'bench_ray_tail_logs'), '--job', sid, '--lines', str(lines)]
    py_cmd = [python, str(HERE / 'tail_logs.py'), '--job', sid, '--lines', str(lines)]
    runs = {'cpp': [], 'py': []}
    for r in range(rounds):
        order = [('cpp', cpp_cmd), ('py', py_cmd)]
        if r % 2:
            order.reverse()
        for side, cmd in order:
            log(f'tail: round {r + 1}/{rounds}: {"C++" if side == "cpp" else "Python"}')
            report, rss = run_client(build_dir, cmd)
            report['max_rss_kib'] = rss
            runs[side].append(report)
    log('tail: side check: get_result of the same job, once per side')
    big = {}
    for side, cmd in (('cpp', [_exe(build_dir, 'bench_ray_result_of'), '--job', sid]),
                      ('py', [python, str(HERE / 'result_of.py'), '--job', sid])):
        report, rss = run_client(build_dir, cmd)
        if report['result'] != {'lines': lines - 1}:
            sys.exit(f'error: get_result of {sid} gave {report["result"]!r}')
        big[side] = {**report, 'max_rss_kib': rss}
    delete_job(sid)
    exact = all(x['exact'] for side in runs.values() for x in side)
    same = len({(x['lines'], x['numeric_lines']) for side in runs.values() for x in side}) == 1
    c = statistics.median(x['lines_per_s'] for x in runs['cpp'])
    p = statistics.median(x['lines_per_s'] for x in runs['py'])
    check = 'yes' if exact and same else 'NO'
    return [
        {
            'name': f'Ray log tail, finished job, {lines:,} lines',
            'description': 'tail_job_logs vs JobSubmissionClient.tail_job_logs, lines/s',
            'unit': 'lines/s',
            'cpp': c,
            'python': p,
            'ratio': c / p,
            'ratio_text': f'{c / p:.2f}×',
            'target_text': f'every line once, in order ({check})',
            'met': exact and same,
            'details': {'cpp_runs': runs['cpp'], 'python_runs': runs['py'],
                        'cpp_cpu_s': statistics.median(x['cpu_s'] for x in runs['cpp']),
                        'python_cpu_s': statistics.median(x['cpu_s'] for x in runs['py']),
                        'tailed': 'a finished job (same log for both sides)'},
        },
        {
            'name': f'Ray get_result of that job (a {lines:,}-line log), client peak RSS',
            'description': 'ray_jobs_api_executor::get_result vs RayJobsApiExecutor.get_result, one run each',
            'unit': 'KiB',
            'cpp': big['cpp']['max_rss_kib'],
            'python': big['py']['max_rss_kib'],
            'ratio': big['py']['max_rss_kib'] / big['cpp']['max_rss_kib'],
            'ratio_text': f'{big["py"]["max_rss_kib"] / big["cpp"]["max_rss_kib"]:.0f}× less',
            'target_text': 'information',
            'met': None,
            'details': {'cpp': big['cpp'], 'python': big['py']},
        },
    ]


# ---- 5. the command line: synapse plugin run --mode job --------------------------------------


def _cli_run(cmd: list[str], marker: str) -> dict:
    """Runs one CLI invocation; its wall time, the job id it printed after `marker`, and how long
    after the job's end (Ray's clock) it exited."""
    env = {**os.environ, 'PYTHONDONTWRITEBYTECODE': '1', 'NO_COLOR': '1', 'TERM': 'dumb',
           'COLUMNS': '200'}
    start = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    done = time.time()
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or '42' not in out:
        sys.exit(f'error: {" ".join(cmd)} exited with {proc.returncode}\n{out[-4000:]}')
    at = out.find(marker)
    if at < 0:
        sys.exit(f'error: no job id after {marker!r} in the output of {" ".join(cmd)}\n{out[-2000:]}')
    sid = out[at + len(marker):].split()[0].strip()
    job = _request('GET', f'/api/jobs/{sid}')
    return {'wall_s': done - start, 'after_end_s': done - job['end_time'] / 1e3,
            'ray_job_s': (job['end_time'] - job['start_time']) / 1e3, 'submission_id': sid}


def bench_cli_job(build_dir: Path, python: str, rounds: int) -> list[dict]:
    params = json.dumps({'a': 20, 'b': 22})
    ours = [str(build_dir / 'tools' / 'synapse'), 'plugin', 'run', 'add', '--path', str(PLUGIN),
            '--mode', 'job', '--dashboard', os.environ['RAY_DASHBOARD_URL'], '--params', params]
    # synapse-sdk's CLI derives the dashboard (port 8265) from an explicit ray:// address; with
    # the default `auto` it asks for a Synapse agent.
    host = os.environ['RAY_DASHBOARD_URL'].split('//')[1].split(':')[0]
    theirs = [str(Path(python).parent / 'synapse'), 'plugin', 'run', 'add', '--path',
              str(PLUGIN), '--mode', 'job', '--ray-address', f'ray://{host}:10001',
              '--params', params]
    sides = {'cpp': (ours, 'submitted job '), 'py': (theirs, 'Job submitted: ')}
    log('cli: warm-up, one run per side')
    runs = {side: [] for side in sides}
    ids = [_cli_run(cmd, marker)['submission_id'] for cmd, marker in sides.values()]
    for r in range(rounds):
        order = ['cpp', 'py'] if r % 2 == 0 else ['py', 'cpp']
        log(f'cli: round {r + 1}/{rounds}: ' + ', then '.join(order))
        for side in order:
            report = _cli_run(*sides[side])
            ids.append(report['submission_id'])
            runs[side].append(report)
    for sid in ids:
        delete_job(sid)
    med = {side: {k: statistics.median(x[k] for x in runs[side])
                  for k in ('wall_s', 'after_end_s', 'ray_job_s')} for side in runs}
    ratio = med['cpp']['wall_s'] / med['py']['wall_s']
    after = med['cpp']['after_end_s']
    return [
        {
            'name': '`synapse plugin run --mode job`, the same synapse-sdk action through each CLI',
            'description': 'our CLI vs synapse-sdk\'s CLI, AddAction as a Ray job, command start to exit',
            'unit': 's',
            'cpp': med['cpp']['wall_s'],
            'python': med['py']['wall_s'],
            'ratio': ratio,
            'ratio_text': f'{ratio:.2f}× of Python',
            'target_text': '≤ 0.7× of Python',
            'met': ratio <= 0.7,
            'details': {'cpp_runs': runs['cpp'], 'python_runs': runs['py'], 'medians': med},
        },
        {
            'name': '`synapse plugin run --mode job`: exit after the job\'s end (Ray\'s end_time)',
            'description': 'how long each CLI still runs once Ray has recorded the job\'s end',
            'unit': 'ms',
            'cpp': after * 1e3,
            'python': med['py']['after_end_s'] * 1e3,
            'ratio': after / med['py']['after_end_s'],
            'ratio_text': f'{after / med["py"]["after_end_s"]:.2f}× of Python',
            'target_text': '≤ 300 ms',
            'met': after <= 0.3,
            'details': {},
        },
    ]


def run_all(build_dir: Path, python: str, rounds: int, tail_rounds: int, calls: int) -> list[dict]:
    if not os.environ.get('RAY_DASHBOARD_URL'):
        sys.exit('error: RAY_DASHBOARD_URL is not set; run under scripts/ray-cluster run')
    version = _request('GET', '/api/version')
    log(f'dashboard {os.environ["RAY_DASHBOARD_URL"]}, Ray {version.get("ray_version")}')
    results = bench_get_status(build_dir, python, rounds, calls)
    results += bench_submit(build_dir, python, rounds)
    results += bench_tail(build_dir, python, tail_rounds, TAIL_LINES)
    results += bench_cli_job(build_dir, python, rounds)
    return results
