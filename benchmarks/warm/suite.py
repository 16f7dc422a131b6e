"""Warm workers (issue 10), side by side with synapse-sdk. Run by ../run.py --warm.

Local (no cluster): bench_warm_local times the echo action of `echo_plugin` per call on a warm
worker (warm_process_executor) and with a process per call (process_executor), in alternating
repeats; synapse-sdk's LocalExecutor runs the same action in-process (dispatch/peer.py).

On Ray (`ray` below, against $RAY_DASHBOARD_URL; run.py starts the head with
scripts/ray-cluster run): bench_ray_actor (ray_actor_executor, 2 Serve replicas, each result
checked) against ray_actor.py (synapse-sdk's RayActorExecutor, one core actor), rounds
alternating: each SDK running its own kind (the C++ echo action vs the synapse-sdk AddAction),
and ours also running the same AddAction through its Python host.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ECHO = json.loads((HERE.parent / 'common' / 'echo_case.json').read_text())
PYTHON_PLUGIN = ROOT / 'tests' / 'fixtures' / 'python_plugin'
ADD = {'action': 'adder_actions.AddAction', 'params': {'a': 20, 'b': 22}}


def log(message: str) -> None:
    print(f'[warm] {message}', file=sys.stderr, flush=True)


def run_json(cmd: list[str]) -> dict:
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, 'PYTHONDONTWRITEBYTECODE': '1'})
    if proc.returncode != 0:
        sys.exit(f'error: {" ".join(cmd[:2])} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def local(build_dir: Path, python: str, repeats: int = 5) -> list[dict]:
    exe = build_dir / 'benchmarks' / 'bench_warm_local'
    echo = build_dir / 'benchmarks' / 'echo_plugin'
    log(f'local: {exe.name} ({repeats} alternating repeats), then dispatch/peer.py')
    ours = run_json([str(exe), str(echo), '--calls', '20000', '--process-calls', '200',
                     '--repeats', str(repeats)])
    peer = run_json([python, str(HERE.parent / 'dispatch' / 'peer.py'), '--calls=20000',
                     f'--repeats={repeats}'])
    warm = statistics.median(ours['warm_us'])
    process = statistics.median(ours['process_us'])
    sdk = peer['ns_per_op'] / 1e3
    per_repeat = [p / w for p, w in zip(ours['process_us'], ours['warm_us'])]
    details = {'warm_us': ours['warm_us'], 'process_us': ours['process_us'],
               'sdk_local_executor_us': peer['repeats_ns_per_op'], 'process_over_warm': per_repeat}
    return [
        {
            'name': 'warm worker, per call of a trivial action: `warm_process_executor` (a plugin '
                    'binary kept alive, framed requests over pipes) vs synapse-sdk `LocalExecutor` '
                    '(in-process)',
            'unit': 'us', 'cpp': warm, 'python': sdk,
            'ratio': sdk / warm, 'ratio_text': f'{sdk / warm:.1f}x',
            'target_text': '< 50 µs', 'met': warm < 50, 'details': details,
        },
        {
            'name': '... the same warm worker vs a process per call (`process_executor`, C++)',
            'unit': 'us', 'cpp': warm, 'python': None,
            'python_text': f'process per call: {process / 1e3:.2f} ms',
            'ratio': process / warm, 'ratio_text': f'**{process / warm:.0f}x** faster',
            'target_text': '>= 20x', 'met': process / warm >= 20, 'details': details,
        },
    ]


def echo_plugin_dir(build_dir: Path, into: Path) -> Path:
    (into / 'config.yaml').write_text('name: Echo\ncode: echo\nversion: 0.1.0\nruntime: cpp\n'
                                      'binary: echo_plugin\nactions: {}\n')
    shutil.copy2(build_dir / 'benchmarks' / 'echo_plugin', into / 'echo_plugin')
    return into


def ray(build_dir: Path, python: str, rounds: int = 2) -> list[dict]:
    exe = build_dir / 'benchmarks' / 'bench_ray_actor'
    runs = {'cpp': [], 'cpp_python_action': [], 'python': []}
    with tempfile.TemporaryDirectory(prefix='synapse-bench-echo-') as tmp:
        echo_dir = echo_plugin_dir(build_dir, Path(tmp))
        common = ['--calls', '200', '--blocks', '5', '--callers', '4', '--seconds', '5']
        for r in range(rounds):
            log(f'ray: round {r + 1}/{rounds}: bench_ray_actor (echo, then AddAction), ray_actor.py')
            runs['cpp'].append(run_json(
                [str(exe), '--plugin', str(echo_dir), '--binary', 'echo_plugin', '--action', 'echo',
                 '--params', json.dumps(ECHO['params']), '--expect', json.dumps(ECHO['expected']),
                 '--replicas', '2'] + common))
            expect = {'total': 42, 'language': 'python'}
            runs['cpp_python_action'].append(run_json(
                [str(exe), '--plugin', str(PYTHON_PLUGIN), '--action', ADD['action'],
                 '--params', json.dumps(ADD['params']), '--expect', json.dumps(expect),
                 '--replicas', '2'] + common))
            runs['python'].append(run_json(
                [python, str(HERE / 'ray_actor.py'), '--plugin', str(PYTHON_PLUGIN),
                 '--action', ADD['action'], '--params', json.dumps(ADD['params']),
                 '--expect', json.dumps(expect)] + common))

    def med(side: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[side])

    lat_c, lat_p, lat_cp = med('cpp', 'latency_us'), med('python', 'latency_us'), med('cpp_python_action', 'latency_us')
    rate_c, rate_p = med('cpp', 'calls_per_s'), med('python', 'calls_per_s')
    first_c, first_p = med('cpp', 'first_s'), med('python', 'first_s')
    return [
        {
            'name': 'warm call on Ray, one caller, trivial action: `ray_actor_executor` (C++ echo '
                    'on a Serve replica) vs synapse-sdk `RayActorExecutor` (AddAction on a core actor)',
            'unit': 'us', 'cpp': lat_c, 'python': lat_p,
            'ratio': lat_c / lat_p, 'ratio_text': f'{lat_c / lat_p:.2f}x of Python',
            'target_text': '<= 1.0x', 'met': lat_c / lat_p <= 1.0, 'details': runs,
        },
        {
            'name': '... calls/s with 4 concurrent callers (ours: 2 replicas; theirs: its one actor)',
            'unit': 'calls/s', 'cpp': rate_c, 'python': rate_p,
            'ratio': rate_c / rate_p, 'ratio_text': f'**{rate_c / rate_p:.1f}x** more',
            'target_text': '>= 2x', 'met': rate_c / rate_p >= 2, 'details': runs,
        },
        {
            'name': '... constructor -> first result (upload, deploy or actor start, first call)',
            'unit': 's', 'cpp': first_c, 'python': first_p,
            'ratio': first_c / first_p, 'ratio_text': f'{first_c / first_p:.2f}x of Python',
            'target_text': '(information)', 'met': None, 'details': runs,
        },
        {
            'name': '... warm call, the same synapse-sdk AddAction through our Python host on Serve',
            'unit': 'us', 'cpp': lat_cp, 'python': lat_p,
            'ratio': lat_cp / lat_p, 'ratio_text': f'{lat_cp / lat_p:.2f}x of Python',
            'target_text': '(information)', 'met': None, 'details': runs,
        },
    ]


if __name__ == '__main__':
    # Under scripts/ray-cluster run: BUILD PYTHON OUT -> the Ray rows as JSON in OUT.
    build, py, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    out.write_text(json.dumps({'results': ray(build, py)}, indent=2) + '\n')
