#!/usr/bin/env python3
"""Runs the synapse-cpp benchmarks side by side with their synapse-sdk (Python) peers.

    benchmarks/run.py --build-dir BUILD --python .venv/bin/python [--ray]

BUILD is a meson build directory configured with -Dbenchmarks=true (use --buildtype=release)
with `bench_dispatch` and `echo_plugin` built (and, for --ray, the `bench_ray_*` programs). Prints a Markdown table and writes the same data
as JSON to BUILD/benchmarks.json.

1. In-process dispatch: JSON params -> validated struct -> trivial action -> JSON result.
   C++: bench_dispatch (Google Benchmark), basic_local_executor<plugin<echo_action>,
   null_logger>::execute("echo", params). Python: dispatch/peer.py, LocalExecutor(env={})
   .execute(EchoAction, params) with stdout sent to os.devnull.
2. Job-protocol process: the echo_plugin binary vs `python -m synapse_sdk.plugins.entrypoint`,
   each spawned with SYNAPSE_ACTION_ENTRYPOINT / SYNAPSE_ACTION_PARAMS, timed from spawn to the
   parsed (and checked) result.
3. Compile time: `c++ -std=c++23 -O2 -c compile_time/one_action.cpp`.
4. With --ray: the Ray Jobs benchmarks of ray/suite.py (get_status CPU and latency, submit ->
   result, client peak RSS, log tail), run by this script again with --ray-only under
   `scripts/ray-cluster run` (a local Ray 2.60 head on loopback, stopped afterwards); their rows
   join the same table. --ray-only alone runs just those against $RAY_DASHBOARD_URL.
6. With --warm (or --warm-only): warm workers, warm/suite.py: a warm plugin worker per call vs a
   process per call vs synapse-sdk's LocalExecutor, and (under scripts/ray-cluster run)
   ray_actor_executor vs synapse-sdk's RayActorExecutor.
7. With --cli (or --cli-only): the `synapse` command line against synapse-sdk's, whole
   processes, under scripts/ray-cluster run (cli/suite.py): `--mode job` and `--mode task`.
8. With --pipeline (or --pipeline-only), under scripts/ray-cluster run (pipeline/suite.py): four
   trivial C++ actions as one pipeline on Ray (`synapse pipeline run --mode job`) against one Ray
   job's floor; synapse-sdk's sample actions as one pipeline, ours vs its RayPipelineExecutor
   (pipeline/sdk_pipeline.py); progress from an action to `synapse pipeline watch`.
9. With --cluster (or --cluster-only), under scripts/ray-cluster run (cluster/suite.py):
   `synapse ray tasks` against `ray list tasks` on a job of 1,000 finished tasks.
5. With --service: the pipeline service, `synapse service` vs synapse-sdk's dev-api (FastAPI,
   uvicorn from the venv), each started on a free loopback port by
   tests/pipeline/run_service.py with a temporary database and loaded by bench_service_load:
   progress posts per second from 8 clients posting to 8 runs, and the time from a progress
   POST to the matching SSE event at a subscriber (300 samples for ours; 20 for dev-api, whose
   stream polls once a second).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
JOB_PYTHON_DIR = HERE / 'job_protocol' / 'python'

# The params both sides get and the result both must return (dispatch.cpp hard-codes them too).
_CASE = json.loads((HERE / 'common' / 'echo_case.json').read_text())
ECHO_PARAMS, ECHO_EXPECTED = _CASE['params'], _CASE['expected']

RESULT_START = '__SYNAPSE_RESULT_START__'
RESULT_END = '__SYNAPSE_RESULT_END__'


def log(message: str) -> None:
    print(f'[bench] {message}', file=sys.stderr, flush=True)


def run_checked(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        sys.exit(
            f'error: {" ".join(map(str, cmd))} exited with {proc.returncode}\n'
            f'--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}'
        )
    return proc


# ---- 1. in-process dispatch ------------------------------------------------------------------


def bench_dispatch(build_dir: Path, python: str, repeats: int, calls: int) -> dict:
    """Alternates C++ and Python rounds, so that a change in machine speed during the run hits
    both sides alike; reports the median per-call time of each side and the median of the
    per-round ratios."""
    exe = build_dir / 'benchmarks' / 'bench_dispatch'
    cpp_rounds, dump_rounds, py_rounds, contexts = [], [], [], []
    for round_index in range(repeats):
        log(f'dispatch: round {round_index + 1}/{repeats}: {exe.name}, then dispatch/peer.py '
            f'({calls} calls)')
        proc = run_checked([str(exe), '--benchmark_format=json', '--benchmark_min_time=0.5',
                            '--benchmark_repetitions=1'])
        report = json.loads(proc.stdout)
        contexts.append(report.get('context', {}))
        by_name = {b['run_name']: b for b in report['benchmarks']
                   if b.get('run_type') == 'iteration'}
        scale = {'ns': 1.0, 'us': 1e3, 'ms': 1e6, 's': 1e9}
        for name, rounds in (('BM_dispatch_echo', cpp_rounds), ('BM_dispatch_echo_dump', dump_rounds)):
            b = by_name[name]
            rounds.append(b['real_time'] * scale[b['time_unit']])
        proc = run_checked(
            [python, str(HERE / 'dispatch' / 'peer.py'), f'--calls={calls}', '--repeats=1'],
            env={**os.environ, 'PYTHONDONTWRITEBYTECODE': '1'},
        )
        peer = json.loads(proc.stdout)
        py_rounds.append(peer['ns_per_op'])
    ratios = [p / c for p, c in zip(py_rounds, cpp_rounds)]
    dump_ratios = [p / c for p, c in zip(py_rounds, dump_rounds)]
    ratio = statistics.median(ratios)
    return {
        'name': 'in-process dispatch',
        'description': 'JSON params -> validated struct -> trivial action -> JSON result, per call',
        'unit': 'ns/op',
        'cpp': statistics.median(cpp_rounds),
        'python': statistics.median(py_rounds),
        'ratio': ratio,
        'target_ratio': 50.0,
        'met': ratio >= 50.0,
        'details': {
            'method': f'{repeats} alternating rounds; ratio = median of per-round ratios',
            'cpp_rounds_ns': cpp_rounds,
            'python_rounds_ns': py_rounds,
            'round_ratios': ratios,
            'cpp_with_result_dumped_ns': statistics.median(dump_rounds),
            'ratio_with_result_dumped': statistics.median(dump_ratios),
            'python_calls_per_round': calls,
            'python_stdout': peer['stdout'],
            'google_benchmark_context': contexts[-1],
        },
    }


# ---- 2. job-protocol process -----------------------------------------------------------------


def clean_env() -> dict[str, str]:
    """The caller's environment without job-protocol or backend variables that would change
    what either side does."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith('SYNAPSE_') or k.startswith('RAY_') or k.startswith('SENTRY_'))
    }
    env['SYNAPSE_ACTION_PARAMS'] = json.dumps(ECHO_PARAMS)
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    return env


def parse_result(stdout: str) -> dict:
    lines = [line.rstrip('\r') for line in stdout.splitlines()]
    found = None
    for i in range(len(lines) - 2):
        if lines[i] == RESULT_START and lines[i + 2] == RESULT_END:
            found = lines[i + 1]
    if found is None:
        raise ValueError(f'no result markers in the output:\n{stdout}')
    return json.loads(found)


def time_job(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    """Wall milliseconds from spawning `cmd` to its parsed, checked result; one untimed warm-up."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=JOB_PYTHON_DIR, capture_output=True, text=True)
        result = parse_result(proc.stdout) if proc.returncode == 0 else None
        elapsed = (time.perf_counter() - start) * 1e3
        if proc.returncode != 0 or result != ECHO_EXPECTED:
            sys.exit(
                f'error: {cmd[0]} gave {result!r} (exit {proc.returncode}), expected '
                f'{ECHO_EXPECTED!r}\n--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}'
            )
        if i > 0:
            times.append(elapsed)
    return times


def bench_job_protocol(build_dir: Path, python: str, cpp_runs: int, py_runs: int) -> dict:
    exe = build_dir / 'benchmarks' / 'echo_plugin'
    log(f'job protocol: {exe.name} x{cpp_runs}')
    cpp_ms = time_job([str(exe)], {**clean_env(), 'SYNAPSE_ACTION_ENTRYPOINT': 'echo'}, cpp_runs)
    log(f'job protocol: python -m synapse_sdk.plugins.entrypoint x{py_runs}')
    py_ms = time_job(
        [python, '-m', 'synapse_sdk.plugins.entrypoint'],
        {**clean_env(), 'SYNAPSE_ACTION_ENTRYPOINT': 'bench_actions.EchoAction'},
        py_runs,
    )
    cpp, py = statistics.median(cpp_ms), statistics.median(py_ms)
    return {
        'name': 'job-protocol process',
        'description': 'spawn with SYNAPSE_ACTION_ENTRYPOINT/SYNAPSE_ACTION_PARAMS -> parsed result',
        'unit': 'ms',
        'cpp': cpp,
        'python': py,
        'ratio': py / cpp,
        'target_ratio': 50.0,
        'met': py / cpp >= 50.0,
        'details': {
            'cpp_runs_ms': cpp_ms,
            'python_runs_ms': py_ms,
            'warm_up_runs': 1,
            'cwd': str(JOB_PYTHON_DIR),
        },
    }


# ---- 3. compile time -------------------------------------------------------------------------


def bench_compile(build_dir: Path, cxx: str, runs: int) -> dict:
    """Times one_action.cpp, alternating with json_floor.cpp (nlohmann::json alone) so the
    report can say how much of the time is the library's own."""
    def command(name: str) -> list[str]:
        return [cxx, '-std=c++23', '-O2', f'-I{ROOT / "include"}', '-c',
                str(HERE / 'compile_time' / name), '-o', str(build_dir / 'benchmarks' / 'tu.o')]

    cmd, floor_cmd = command('one_action.cpp'), command('json_floor.cpp')
    log(f'compile time: {" ".join(cmd)} x{runs}, alternating with json_floor.cpp')
    times, floor_times = [], []
    for _ in range(runs):
        for c, bucket in ((cmd, times), (floor_cmd, floor_times)):
            start = time.perf_counter()
            run_checked(c)
            bucket.append(time.perf_counter() - start)
    (build_dir / 'benchmarks' / 'tu.o').unlink(missing_ok=True)
    seconds = statistics.median(times)
    version = subprocess.run([cxx, '--version'], capture_output=True, text=True).stdout
    return {
        'name': 'compile one action TU',
        'description': 'c++ -std=c++23 -O2 -c of one action + local_executor',
        'unit': 's',
        'cpp': seconds,
        'python': None,
        'ratio': None,
        'target_seconds': 6.0,
        'met': seconds < 6.0,
        'details': {
            'runs_s': times,
            'json_floor_runs_s': floor_times,
            'json_floor_s': statistics.median(floor_times),
            'command': cmd,
            'compiler': version.splitlines()[0] if version else cxx,
        },
    }


# ---- report ----------------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return 'n/a'
    if unit == 'ns/op':
        return f'{value / 1e3:.1f} µs/op' if value >= 1e4 else f'{value:.0f} ns/op'
    if unit == 'ms':
        return f'{value:.2f} ms' if value < 10 else f'{value:.1f} ms' if value < 100 else f'{value:.0f} ms'
    if unit == 'us':
        return f'{value:.0f} µs' if value >= 10 else f'{value:.1f} µs'
    if unit == 'KiB':
        return f'{value / 1024:.1f} MiB'
    if unit == 'lines/s':
        return f'{value:,.0f} lines/s'
    if unit == 'posts/s':
        return f'{value:,.0f} posts/s'
    if unit == 'calls/s':
        return f'{value:,.0f} calls/s'
    return f'{value:.2f} s'


def markdown(results: list[dict]) -> str:
    rows = [
        '| benchmark | synapse-cpp | synapse-sdk (Python) | ratio | target |',
        '|---|---:|---:|---:|---|',
    ]
    for r in results:
        ratio = r.get('ratio_text') or (f'{r["ratio"]:.0f}×' if r['ratio'] is not None else '—')
        target = r.get('target_text') or (
            f'≥ {r["target_ratio"]:.0f}×' if 'target_ratio' in r else f'< {r["target_seconds"]:g} s')
        mark = 'met' if r['met'] else 'NOT met'
        python_cell = r.get('python_text') or fmt(r['python'], r['unit'])
        rows.append(
            f'| {r["name"]} | {fmt(r["cpp"], r["unit"])} | {python_cell} | '
            f'{ratio} | {target}{"" if r["met"] is None else f" ({mark})"} |'
        )
    return '\n'.join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--build-dir', required=True, type=Path)
    parser.add_argument('--python', required=True, help='the venv python with synapse-sdk')
    parser.add_argument('--cxx', default=os.environ.get('CXX', 'c++'), help='compiler to time')
    parser.add_argument('--repeats', type=int, default=5, help='dispatch repeats (both sides)')
    parser.add_argument('--calls', type=int, default=20000, help='Python dispatch calls per repeat')
    parser.add_argument('--cpp-runs', type=int, default=20, help='C++ job-protocol runs')
    parser.add_argument('--py-runs', type=int, default=10, help='Python job-protocol runs')
    parser.add_argument('--compile-runs', type=int, default=3)
    parser.add_argument('--check', action='store_true', help='exit 1 when a target is not met')
    parser.add_argument('--ray', action='store_true',
                        help='also run the Ray benchmarks, under scripts/ray-cluster run')
    parser.add_argument('--ray-only', action='store_true',
                        help='only the Ray benchmarks, against $RAY_DASHBOARD_URL')
    parser.add_argument('--ray-rounds', type=int, default=8,
                        help='alternating rounds of get_status and submit -> result')
    parser.add_argument('--ray-tail-rounds', type=int, default=3, help='log tail rounds per side')
    parser.add_argument('--ray-calls', type=int, default=300, help='get_status calls per block')
    parser.add_argument('--ray-json', type=Path, help=argparse.SUPPRESS)  # --ray-only's output
    parser.add_argument('--service', action='store_true',
                        help='also run the pipeline service benchmarks (needs synapse and '
                             'bench_service_load built)')
    parser.add_argument('--warm', action='store_true',
                        help='also run the warm-worker benchmarks (warm/suite.py; the Ray part '
                             'under scripts/ray-cluster run)')
    parser.add_argument('--warm-only', action='store_true', help='only the warm-worker benchmarks')
    parser.add_argument('--cli', action='store_true',
                        help='also run the CLI benchmarks (cli/suite.py, under scripts/ray-cluster run)')
    parser.add_argument('--cli-only', action='store_true', help='only the CLI benchmarks')
    parser.add_argument('--pipeline', action='store_true',
                        help='also run the pipeline benchmark (pipeline/suite.py, under scripts/ray-cluster run)')
    parser.add_argument('--pipeline-only', action='store_true', help='only the pipeline benchmark')
    parser.add_argument('--cluster', action='store_true',
                        help='also run the cluster client benchmark (cluster/suite.py, under scripts/ray-cluster run)')
    parser.add_argument('--cluster-only', action='store_true', help='only the cluster client benchmark')
    args = parser.parse_args()

    build_dir = args.build_dir.resolve()
    ray_exes = ('bench_ray_get_status', 'bench_ray_submit_result', 'bench_ray_tail_logs',
                'bench_ray_result_of', 'bench_ray_maxrss')
    only = args.warm_only or args.cli_only or args.pipeline_only or args.cluster_only  # they check their own
    needed = () if only else ray_exes if args.ray_only else (
        ('bench_dispatch', 'echo_plugin') + (ray_exes if args.ray else ()))
    for exe in needed:
        if not (build_dir / 'benchmarks' / exe).exists():
            sys.exit(f'error: {build_dir}/benchmarks/{exe} not found; configure with '
                     '-Dbenchmarks=true and build first')
    # Absolute (the job-protocol runs change directory) but not resolved: a venv's python is a
    # symlink that must keep its path to find the venv.
    python = os.path.abspath(args.python) if os.sep in args.python else shutil.which(args.python)
    if not python:
        sys.exit(f'error: {args.python} not found')

    if args.ray_only:
        return run_ray_only(args, build_dir, python)
    if only:
        only = run_warm(build_dir, python) if args.warm_only else []
        only += run_cli(build_dir, python) if args.cli_only else []
        only += run_pipeline(build_dir, python) if args.pipeline_only else []
        only += run_cluster(build_dir, python) if args.cluster_only else []
        print(markdown(only))
        return 1 if args.check and any(r['met'] is False for r in only) else 0

    load_before = os.getloadavg()
    results = [
        bench_dispatch(build_dir, python, args.repeats, args.calls),
        bench_job_protocol(build_dir, python, args.cpp_runs, args.py_runs),
        bench_compile(build_dir, args.cxx, args.compile_runs),
    ]
    ray_results = run_ray(args, build_dir, python) if args.ray else []
    ray_results += bench_service(build_dir, python) if args.service else []
    ray_results += run_warm(build_dir, python) if args.warm else []
    ray_results += run_cli(build_dir, python) if args.cli else []
    ray_results += run_pipeline(build_dir, python) if args.pipeline else []
    ray_results += run_cluster(build_dir, python) if args.cluster else []
    table = markdown(results + ray_results)
    d = results[0]['details']
    notes = [
        f'In-process dispatch with the C++ result also written as JSON text (as synapse-sdk\'s '
        f'LocalExecutor prints it): {fmt(d["cpp_with_result_dumped_ns"], "ns/op")}, ratio '
        f'{d["ratio_with_result_dumped"]:.0f}×.',
        f'Python stdout during timing: {d["python_stdout"]}.',
        f'Dispatch per-round ratios (C++ and Python rounds alternate): '
        + ', '.join(f'{r:.0f}×' for r in d['round_ratios']) + '.',
        f'Compile floor: a TU that only parses and dumps nlohmann::ordered_json takes '
        f'{results[2]["details"]["json_floor_s"]:.2f} s here, so the library adds '
        f'{results[2]["cpp"] - results[2]["details"]["json_floor_s"]:.2f} s on top of it.',
        f'Machine: {platform.machine()}, {os.cpu_count()} CPUs, load average '
        f'{load_before[0]:.2f} at start; {results[2]["details"]["compiler"]}; '
        f'Python {platform.python_version()} driver.',
    ] + ray_notes(ray_results)
    print(table)
    print()
    for n in notes:
        print(f'- {n}')

    out = build_dir / 'benchmarks.json'
    out.write_text(
        json.dumps(
            {
                'generated_at': time.strftime('%Y-%m-%dT%H:%M:%S%z'),
                'machine': {
                    'platform': platform.platform(),
                    'cpus': os.cpu_count(),
                    'load_average_at_start': load_before,
                },
                'results': results + ray_results,
                'markdown': table,
                'notes': notes,
            },
            indent=2,
        )
        + '\n'
    )
    log(f'wrote {out}')
    return 1 if args.check and any(r['met'] is False for r in results + ray_results) else 0


# ---- 4. Ray (ray/suite.py) -------------------------------------------------------------------


def run_ray(args: argparse.Namespace, build_dir: Path, python: str) -> list[dict]:
    """Runs this script with --ray-only under scripts/ray-cluster run (which starts a local
    head, waits for a concurrent run to finish first, and stops the head afterwards)."""
    out = build_dir / 'benchmarks-ray.json'
    out.unlink(missing_ok=True)
    cmd = [str(ROOT / 'scripts' / 'ray-cluster'), 'run', sys.executable, str(Path(__file__).resolve()),
           '--build-dir', str(build_dir), '--python', python, '--ray-only', '--ray-json', str(out),
           '--ray-rounds', str(args.ray_rounds), '--ray-tail-rounds', str(args.ray_tail_rounds),
           '--ray-calls', str(args.ray_calls)]
    log('ray: ' + ' '.join(cmd[:3]) + ' ... --ray-only')
    proc = subprocess.run(cmd, cwd=ROOT, stdout=sys.stderr)
    if proc.returncode != 0 or not out.exists():
        sys.exit(f'error: the Ray benchmarks failed (exit {proc.returncode})')
    return json.loads(out.read_text())['results']


def run_ray_only(args: argparse.Namespace, build_dir: Path, python: str) -> int:
    sys.path.insert(0, str(HERE / 'ray'))
    import suite  # noqa: PLC0415 - only needed here

    results = suite.run_all(build_dir, python, args.ray_rounds, args.ray_tail_rounds, args.ray_calls)
    payload = {'generated_at': time.strftime('%Y-%m-%dT%H:%M:%S%z'), 'results': results}
    if args.ray_json:
        args.ray_json.write_text(json.dumps(payload, indent=2) + '\n')
    else:
        print(markdown(results))
        print()
        for n in ray_notes(results):
            print(f'- {n}')
    return 1 if args.check and any(r['met'] is False for r in results) else 0


def ray_notes(results: list[dict]) -> list[str]:
    notes = []
    for r in results:
        d = r['details']
        if 'python_wall_s_per_call' in d:
            notes.append(f'Ray get_status wall per call: Python client {d["python_wall_s_per_call"] * 1e3:.2f} ms '
                         '(a new HTTP connection per call, as JobSubmissionClient does); CPU per call of '
                         f'the raw keep-alive GET loop: {d["raw_cpu_s_per_call"] * 1e6:.0f} µs; the job\'s '
                         f'details are {d["job_details_body_bytes"]} bytes of JSON.')
        if 'round_ratios' in d and 'ray_floor_true_job_s' not in d:
            notes.append(f'{r["name"]}: per-round C++/Python ratios '
                         + ', '.join(f'{x:.2f}' for x in d['round_ratios']) + '.')
        elif 'round_ratios' in d and r['unit'] == 's':
            notes.append('Ray submit → result per-round C++/Python ratios: '
                         + ', '.join(f'{x:.2f}' for x in d['round_ratios'])
                         + f'; C++ {", ".join(f"{x:.2f}" for x in d["cpp_total_s"])} s, Python '
                         + f'{", ".join(f"{x:.2f}" for x in d["python_total_s"])} s.')
            notes.append('Ray\'s floor: a job whose entrypoint is `true` takes '
                         + ', '.join(f'{x:.2f}' for x in d['ray_floor_true_job_s'])
                         + ' s on Ray\'s clock (recorded → ended).')
            for side, key in (('C++', 'cpp_phases_s'), ('Python', 'python_phases_s')):
                ph = d[key]
                notes.append(f'Ray submit → result, {side} (medians, on Ray\'s clock): client submit '
                             f'{ph["submit"]:.2f} s, Ray runs the job (recorded → ended) '
                             f'{ph["ray_job"]:.2f} s, job end → result in hand {ph["after_end"]:.2f} s; '
                             f'the client\'s own part (submit + end → result) {ph["submit"] + ph["after_end"]:.2f} s.')
        if 'cpp_runs' in d:
            c, p = d['cpp_runs'][0], d['python_runs'][0]
            notes.append(f'Ray log tail (a finished job): {c["lines"]:,} lines per run on both sides '
                         f'({c["other_lines"]} of them not numbers: Ray\'s own and the result triple), client CPU {d["cpp_cpu_s"]:.2f} s '
                         f'(C++) vs {d["python_cpu_s"]:.2f} s (Python) per tail, peak RSS '
                         f'{c["max_rss_kib"] / 1024:.1f} vs {p["max_rss_kib"] / 1024:.1f} MiB.')
        if r['name'].startswith('Ray get_result of that job'):
            c, p = d['cpp'], d['python']
            notes.append(f'Ray get_result of the log-tail job: C++ {c["wall_s"]:.2f} s wall, {c["cpu_s"]:.2f} s '
                         f'CPU; Python {p["wall_s"]:.2f} s wall, {p["cpu_s"]:.2f} s CPU.')
    return notes


# ---- 6. warm workers (warm/suite.py) --------------------------------------------------------


def under_cluster(script: Path, build_dir: Path, python: str, out_name: str) -> list[dict]:
    """Runs `script BUILD PYTHON OUT` under scripts/ray-cluster run; the rows it wrote to OUT."""
    out = build_dir / out_name
    out.unlink(missing_ok=True)
    cmd = [str(ROOT / 'scripts' / 'ray-cluster'), 'run', sys.executable, str(script),
           str(build_dir), python, str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=sys.stderr)
    if proc.returncode != 0 or not out.exists():
        sys.exit(f'error: {script.name} under scripts/ray-cluster failed (exit {proc.returncode})')
    return json.loads(out.read_text())['results']


def run_warm(build_dir: Path, python: str) -> list[dict]:
    for exe in ('bench_warm_local', 'bench_ray_actor', 'echo_plugin'):
        if not (build_dir / 'benchmarks' / exe).exists():
            sys.exit(f'error: {build_dir}/benchmarks/{exe} not found; build it first')
    sys.path.insert(0, str(HERE / 'warm'))
    import suite as warm_suite  # noqa: PLC0415 - only needed here

    return warm_suite.local(build_dir, python) + under_cluster(
        HERE / 'warm' / 'suite.py', build_dir, python, 'benchmarks-warm-ray.json')


# ---- 7. the command line (cli/suite.py) -------------------------------------------------------


def run_cli(build_dir: Path, python: str) -> list[dict]:
    if not (build_dir / 'tools' / 'synapse').exists():
        sys.exit(f'error: {build_dir}/tools/synapse not found; build it first')
    return under_cluster(HERE / 'cli' / 'suite.py', build_dir, python, 'benchmarks-cli.json')


# ---- 8. pipelines on Ray (pipeline/suite.py) --------------------------------------------------


def run_pipeline(build_dir: Path, python: str) -> list[dict]:
    for exe in (build_dir / 'tools' / 'synapse', build_dir / 'benchmarks' / 'bench_pipeline_ticks'):
        if not exe.exists():
            sys.exit(f'error: {exe} not found; build it first')
    return under_cluster(HERE / 'pipeline' / 'suite.py', build_dir, python, 'benchmarks-pipeline.json')


# ---- 9. the cluster client (cluster/suite.py) ------------------------------------------------


def run_cluster(build_dir: Path, python: str) -> list[dict]:
    if not (build_dir / 'tools' / 'synapse').exists():
        sys.exit(f'error: {build_dir}/tools/synapse not found; build it first')
    return under_cluster(HERE / 'cluster' / 'suite.py', build_dir, python, 'benchmarks-cluster.json')


# ---- 5. pipeline service (service/load.cpp) --------------------------------------------------


def bench_service(build_dir: Path, python: str) -> list[dict]:
    load = build_dir / 'benchmarks' / 'bench_service_load'
    synapse = build_dir / 'tools' / 'synapse'
    for exe in (load, synapse):
        if not exe.exists():
            sys.exit(f'error: {exe} not found; build it first')
    measured = {}
    for server, samples in (('synapse', 300), ('dev-api', 20)):
        log(f'service: {server}, 8 runs posting for 3 s, then {samples} POST -> SSE samples')
        proc = run_checked([sys.executable, str(ROOT / 'tests' / 'pipeline' / 'run_service.py'),
                            '--server', server, '--python', python, '--cache',
                            str(build_dir / 'dev-api'), '--synapse', str(synapse), '--',
                            str(load), '0', str(samples)])
        posts = re.search(r'per second with 8 concurrent runs: (\d+)', proc.stdout)
        lat = re.search(r'p50 ([\d.]+) ms, p90 ([\d.]+) ms, p99 ([\d.]+) ms', proc.stdout)
        if not posts or not lat:
            sys.exit(f'error: unexpected output of {load.name} against {server}:\n{proc.stdout}')
        measured[server] = {'posts_per_s': float(posts.group(1)),
                            'p50_ms': float(lat.group(1)), 'p90_ms': float(lat.group(2)),
                            'p99_ms': float(lat.group(3)), 'samples': samples}
    ours, theirs = measured['synapse'], measured['dev-api']
    return [
        {
            'name': 'pipeline service: progress posts per second, 8 concurrent runs',
            'description': 'synapse service vs dev-api, 8 keep-alive clients posting for 3 s',
            'unit': 'posts/s',
            'cpp': ours['posts_per_s'],
            'python': theirs['posts_per_s'],
            'ratio': ours['posts_per_s'] / theirs['posts_per_s'],
            'ratio_text': f'{ours["posts_per_s"] / theirs["posts_per_s"]:.0f}× more',
            'target_text': '≥ 5,000/s',
            'met': ours['posts_per_s'] >= 5000,
            'details': measured,
        },
        {
            'name': 'pipeline service: progress POST -> SSE event at a subscriber, p50',
            'description': 'synapse service vs dev-api',
            'unit': 'ms',
            'cpp': ours['p50_ms'],
            'python': theirs['p50_ms'],
            'ratio': theirs['p50_ms'] / ours['p50_ms'],
            'ratio_text': f'{theirs["p50_ms"] / ours["p50_ms"]:,.0f}× sooner',
            'target_text': '< 5 ms',
            'met': ours['p50_ms'] < 5,
            'details': measured,
        },
    ]


if __name__ == '__main__':
    sys.exit(main())
