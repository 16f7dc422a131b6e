"""The cluster client's commands against Ray's own (run by ../run.py --cluster, under
scripts/ray-cluster run), whole processes, alternating A B A B after one untimed run of each:

- `synapse ray tasks` vs `ray list tasks`: a job runs 1,000 trivial tasks; once the State API
  shows all of them, both list that job's tasks as JSON and must show the same task ids.
- The log of a finished job of 1,000,000 lines: `synapse ray logs ID --follow --protocol auto`
  vs Ray's Python client (`JobSubmissionClient.tail_job_logs`, the WebSocket tail) and vs
  `ray job logs ID`; each must print every line once, in order.

Usage, with $RAY_DASHBOARD_URL set: suite.py BUILD_DIR PYTHON OUT_JSON [ROUNDS]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TASKS = 1000
WORKLOAD = f'''python -c "
import ray
ray.init()
@ray.remote
def tick(i):
    return i
assert len(ray.get([tick.remote(i) for i in range({TASKS})])) == {TASKS}
"'''


def log(message: str) -> None:
    print(f'[cluster] {message}', file=sys.stderr, flush=True)


def dashboard(path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(os.environ['RAY_DASHBOARD_URL'] + path, data=data,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.load(r)


def workload() -> str:
    """Runs the workload job; its hex job id once the State API lists every task."""
    submission = dashboard('/api/jobs/', {'entrypoint': WORKLOAD})['submission_id']
    while (job := dashboard(f'/api/jobs/{submission}'))['status'] not in ('SUCCEEDED', 'FAILED',
                                                                         'STOPPED'):
        time.sleep(0.2)
    if job['status'] != 'SUCCEEDED':
        sys.exit(f'error: the workload job ended {job["status"]}: {job.get("message")}')
    job_id = job['job_id']
    for _ in range(600):
        listed = dashboard(f'/api/v0/tasks?limit=10000&filter_keys=job_id&filter_predicates=%3D'
                           f'&filter_values={job_id}')['data']['result']
        if len(listed['result']) >= TASKS:
            return job_id
        time.sleep(0.1)
    sys.exit('error: the State API never listed every task of the workload')


def timed(cmd: list[str]) -> tuple[float, set[str]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f'error: {cmd[0]} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}')
    return wall, {f'{t["task_id"]}/{t.get("attempt_number", 0)}' for t in json.loads(proc.stdout)}


LOG_LINES = 1_000_000
LOG_WORKLOAD = ('python -c "import sys; sys.stdout.write(\'\'.join(f\'line {i}\\n\' '
                f'for i in range({LOG_LINES})))"')
TAIL_WITH_RAY = """
import asyncio, sys
from ray.job_submission import JobSubmissionClient
async def main():
    client = JobSubmissionClient(sys.argv[1])
    async for chunk in client.tail_job_logs(sys.argv[2]):
        sys.stdout.write(chunk)
asyncio.run(main())
"""


def finished_log_job() -> str:
    submission = dashboard('/api/jobs/', {'entrypoint': LOG_WORKLOAD})['submission_id']
    while (job := dashboard(f'/api/jobs/{submission}'))['status'] not in ('SUCCEEDED', 'FAILED',
                                                                         'STOPPED'):
        time.sleep(0.2)
    if job['status'] != 'SUCCEEDED':
        sys.exit(f'error: the log job ended {job["status"]}: {job.get("message")}')
    return submission


def timed_log(cmd: list[str]) -> float:
    """Wall time of `cmd`, which must print line 0..LOG_LINES-1 once each, in order."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f'error: {cmd[0]} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}')
    ours = [line for line in proc.stdout.split(b'\n') if line.startswith(b'line ')]
    if ours != [b'line %d' % i for i in range(LOG_LINES)]:
        sys.exit(f'error: {cmd[:3]} printed {len(ours)} job lines, not each of '
                 f'{LOG_LINES} once in order')
    return wall


def run_logs(build_dir: Path, python: str, rounds: int) -> list[dict]:
    url = os.environ['RAY_DASHBOARD_URL']
    log(f'log workload: a job printing {LOG_LINES:,} lines')
    job = finished_log_job()
    ours = [str(build_dir / 'tools' / 'synapse'), 'ray', 'logs', job, '--follow', '--protocol',
            'auto', '--dashboard', url]
    client = [python, '-c', TAIL_WITH_RAY, url, job]
    cli = [str(Path(python).parent / 'ray'), 'job', 'logs', job, '--address', url]
    log('untimed: one of each')
    for cmd in (ours, client, cli):
        timed_log(cmd)
    a, b, c = [], [], []
    for r in range(rounds):
        log(f'log round {r + 1}/{rounds}')
        a.append(timed_log(ours))
        b.append(timed_log(client))
        c.append(timed_log(cli))
    rows = []
    for name, theirs in (('Ray\'s `JobSubmissionClient.tail_job_logs`', b),
                         ('`ray job logs`', c)):
        ratio = statistics.median(a) / statistics.median(theirs)
        rows.append({
            'name': f'log of a finished {LOG_LINES:,}-line job: `synapse ray logs --follow '
                    f'--protocol auto` vs {name}, the whole process (every line once)',
            'unit': 's', 'cpp': statistics.median(a), 'python': statistics.median(theirs),
            'ratio': ratio,
            'ratio_text': f'{ratio:.2f}x of Python ({LOG_LINES / statistics.median(a):,.0f} vs '
                          f'{LOG_LINES / statistics.median(theirs):,.0f} lines/s)',
            'target_text': '<= 0.2x (>= 5x the lines/s)' if theirs is b else 'for reference',
            'met': ratio <= 0.2 if theirs is b else True,
            'details': {'ours_s': a, 'theirs_s': theirs},
        })
    return rows


def run(build_dir: Path, python: str, rounds: int = 5) -> list[dict]:
    return run_tasks(build_dir, python, rounds) + run_logs(build_dir, python, max(3, rounds // 2))


def run_tasks(build_dir: Path, python: str, rounds: int = 5) -> list[dict]:
    url = os.environ['RAY_DASHBOARD_URL']
    log(f'workload: a job of {TASKS} tasks')
    job_id = workload()
    ours = [str(build_dir / 'tools' / 'synapse'), 'ray', 'tasks', '--job', job_id, '--limit',
            '10000', '--json', '--dashboard', url]
    theirs = [str(Path(python).parent / 'ray'), 'list', 'tasks', '--filter', f'job_id={job_id}',
              '--limit', '10000', '--format', 'json', '--address', url]
    log('untimed: one of each')
    _, a_rows = timed(ours)
    _, b_rows = timed(theirs)
    if a_rows != b_rows or len(a_rows) < TASKS:
        sys.exit(f'error: the rows differ: ours {len(a_rows)}, theirs {len(b_rows)}, '
                 f'{len(a_rows ^ b_rows)} not in both')
    a, b = [], []
    for r in range(rounds):
        log(f'round {r + 1}/{rounds}')
        a.append(timed(ours)[0])
        b.append(timed(theirs)[0])
    return [{
        'name': f'`synapse ray tasks --json` vs `ray list tasks --format json`, one job\'s '
                f'{len(a_rows)} finished tasks, the whole process (same rows)',
        'unit': 's', 'cpp': statistics.median(a), 'python': statistics.median(b),
        'ratio': statistics.median(a) / statistics.median(b),
        'ratio_text': f'{statistics.median(a) / statistics.median(b):.2f}x of Python',
        'target_text': '<= 0.2x', 'met': statistics.median(a) <= 0.2 * statistics.median(b),
        'details': {'ours_s': a, 'ray_s': b, 'rows': len(a_rows)},
    }]


if __name__ == '__main__':
    build, out_json = Path(sys.argv[1]), Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    out_json.write_text(json.dumps({'results': run(build, sys.argv[2], rounds)}, indent=2) + '\n')
