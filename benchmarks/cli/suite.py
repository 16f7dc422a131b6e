"""The command line users run, side by side with synapse-sdk's (run by ../run.py --cli, under
scripts/ray-cluster run): the same synapse-sdk action (`add` of tests/fixtures/python_plugin,
adder_actions.AddAction) through

  job   `synapse plugin run add --mode job --json` (ours) and synapse-sdk's
        `synapse plugin run add --mode job --ray-address 127.0.0.1:6379`, each the whole process
        from start to exit: submit, follow the log, print the result. For ours also how long
        after the job's end (Ray's end_time) the process exited.
  task  `synapse plugin run add --mode task --json` (ours: the warm Serve application, deployed
        by one untimed call first) and synapse-sdk's `--mode task` (each call connects a Ray
        driver, starts an actor, runs the action, kills the actor).

Rounds alternate ours and theirs (A B A B). Each result is checked. Usage, with
$RAY_DASHBOARD_URL set: suite.py BUILD_DIR PYTHON OUT_JSON [ROUNDS]
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PLUGIN = ROOT / 'tests' / 'fixtures' / 'python_plugin'
PARAMS = json.dumps({'a': 20, 'b': 22})


def log(message: str) -> None:
    print(f'[cli] {message}', file=sys.stderr, flush=True)


def timed(cmd: list[str], must_contain: str) -> tuple[float, float, str]:
    """Runs `cmd`; its wall seconds, the unix time it ended, and its stderr."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall, ended = time.perf_counter() - start, time.time()
    if proc.returncode != 0 or must_contain not in proc.stdout:
        sys.exit(f'error: {" ".join(cmd[:5])} ... failed (exit {proc.returncode}):\n'
                 f'{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}')
    return wall, ended, proc.stderr


def job_end(job_id: str) -> float:
    url = os.environ['RAY_DASHBOARD_URL'] + '/api/jobs/' + job_id
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)['end_time'] / 1000.0


def run(build_dir: Path, python: str, rounds: int = 4) -> list[dict]:
    ours = str(build_dir / 'tools' / 'synapse')
    theirs = str(Path(python).parent / 'synapse')
    base = ['plugin', 'run', 'add', '--path', str(PLUGIN), '--params', PARAMS]
    sdk_args = ['--ray-address', '127.0.0.1:6379']
    times = {'job_ours': [], 'job_theirs': [], 'job_exit_after_end_ms': [],
             'task_ours': [], 'task_theirs': []}
    log('task: deploying our warm application (untimed)')
    timed([ours] + base + ['--mode', 'task', '--json'], '"total":42')
    for r in range(rounds):
        log(f'round {r + 1}/{rounds}: job ours, job theirs, task ours, task theirs')
        wall, ended, err = timed([ours] + base + ['--mode', 'job', '--json'], '"total":42')
        times['job_ours'].append(wall)
        job_id = re.search(r'submitted job (\S+)', err).group(1)
        times['job_exit_after_end_ms'].append((ended - job_end(job_id)) * 1000)
        times['job_theirs'].append(timed([theirs] + base + ['--mode', 'job'] + sdk_args, 'total: 42')[0])
        times['task_ours'].append(timed([ours] + base + ['--mode', 'task', '--json'], '"total":42')[0])
        times['task_theirs'].append(timed([theirs] + base + ['--mode', 'task'] + sdk_args, 'total: 42')[0])
    subprocess.run([ours, 'plugin', 'stop', '--path', str(PLUGIN)], capture_output=True)

    med = {k: statistics.median(v) for k, v in times.items()}
    job_ratios = [a / b for a, b in zip(times['job_ours'], times['job_theirs'])]
    task_ratios = [a / b for a, b in zip(times['task_ours'], times['task_theirs'])]
    return [
        {
            'name': '`synapse plugin run add --mode job`, the same synapse-sdk action, whole CLI '
                    'process (submit, follow the log, result) vs synapse-sdk\'s CLI',
            'unit': 's', 'cpp': med['job_ours'], 'python': med['job_theirs'],
            'ratio': statistics.median(job_ratios),
            'ratio_text': f'**{statistics.median(job_ratios):.2f}x** of Python',
            'target_text': '<= 0.7x', 'met': statistics.median(job_ratios) <= 0.7,
            'details': {**times, 'job_ratios': job_ratios},
        },
        {
            'name': '... our CLI\'s exit after the job\'s end (Ray\'s end_time)',
            'unit': 'ms', 'cpp': med['job_exit_after_end_ms'], 'python': None,
            'ratio': None, 'ratio_text': '-',
            'target_text': '<= 300 ms', 'met': med['job_exit_after_end_ms'] <= 300,
            'details': times,
        },
        {
            'name': '`synapse plugin run add --mode task`, whole CLI process: ours on the warm '
                    'Serve application vs synapse-sdk\'s (a new actor per call)',
            'unit': 's', 'cpp': med['task_ours'], 'python': med['task_theirs'],
            'ratio': statistics.median(task_ratios),
            'ratio_text': f'**{statistics.median(task_ratios):.2f}x** of Python',
            'target_text': '(information)', 'met': None,
            'details': {**times, 'task_ratios': task_ratios},
        },
    ]


if __name__ == '__main__':
    build, py, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    out.write_text(json.dumps({'results': run(build, py, rounds)}, indent=2) + '\n')
