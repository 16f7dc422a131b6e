"""Pipeline benchmarks (run by ../run.py --pipeline, under scripts/ray-cluster run):

- Ray's own floor: `synapse pipeline run tick1,tick2,tick3,tick4 --mode job` (four trivial C++
  actions, `bench_pipeline_ticks`, as one pipeline reported to `synapse service`) as a whole CLI
  process, from start to the checked result, against one Ray job whose entrypoint is `true`,
  from its submission to its end as a client polling every 10 ms sees it. Rounds alternate
  (A B A B), after one untimed run of each (the package upload).
- Progress to a watcher: a local pipeline run (`synapse pipeline run pace --mode local`) whose
  action reports progress every 50 ms, followed by `synapse pipeline watch` in a process of its
  own; for each report, the time from `set_progress` in the action (its own clock stamp) to the
  watcher printing that count (stamped as its line arrives here). Needs no Ray.

Usage, with $RAY_DASHBOARD_URL set: suite.py BUILD_DIR PYTHON OUT_JSON [ROUNDS]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CONFIG = """name: Ticks
code: ticks
version: 0.1.0
runtime: cpp
binary: bench_pipeline_ticks
actions:
  tick1: {method: job}
  tick2: {method: job}
  tick3: {method: job}
  tick4: {method: job}
  pace: {method: job}
"""


def log(message: str) -> None:
    print(f'[pipeline] {message}', file=sys.stderr, flush=True)


def dashboard(path: str, body: dict | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(os.environ['RAY_DASHBOARD_URL'] + path, data=data,
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as r:
        return json.load(r)


def floor_job() -> float:
    """Seconds from submitting a `true` job to seeing it SUCCEEDED."""
    start = time.perf_counter()
    job = dashboard('/api/jobs/', {'entrypoint': 'true'})['submission_id']
    while True:
        status = dashboard(f'/api/jobs/{job}')['status']
        if status == 'SUCCEEDED':
            return time.perf_counter() - start
        if status in ('FAILED', 'STOPPED'):
            sys.exit(f'error: the floor job {job} ended {status}')
        time.sleep(0.01)


def pipeline(synapse: str, plugin: Path, service: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run([synapse, 'pipeline', 'run', 'tick1,tick2,tick3,tick4', '--path',
                           str(plugin), '--mode', 'job', '--service', service, '--json'],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0 or '"n": 4' not in proc.stdout.replace('"n":4', '"n": 4'):
        sys.exit(f'error: the pipeline failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n'
                 f'{proc.stderr[-2000:]}')
    return wall


def watch_latency(synapse: str, plugin: Path, service: str, tmp: Path, reports: int = 40) -> list[float]:
    """Milliseconds from each `set_progress` of a local run to `synapse pipeline watch` printing it."""
    go, stamps = tmp / 'go', tmp / 'stamps.json'
    go.unlink(missing_ok=True)
    params = {'count': reports, 'interval_ms': 50, 'go': str(go), 'stamps': str(stamps)}
    before = {r['id'] for r in service_get(service, '/api/v1/runs/?limit=1000')}
    runner = subprocess.Popen([synapse, 'pipeline', 'run', 'pace', '--path', str(plugin), '--mode',
                               'local', '--service', service, '--params', json.dumps(params)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        run_id = None
        deadline = time.monotonic() + 60
        while run_id is None and time.monotonic() < deadline:
            fresh = [r['id'] for r in service_get(service, '/api/v1/runs/?limit=1000')
                     if r['id'] not in before]
            run_id = fresh[0] if fresh else None
            time.sleep(0.01)
        if run_id is None:
            sys.exit('error: the pace run did not appear at the service')
        watcher = subprocess.Popen([synapse, 'pipeline', 'watch', run_id, '--service', service],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   bufsize=1)
        seen: dict[int, int] = {}
        for line in watcher.stdout:
            now = time.time_ns() // 1000
            if not go.exists():
                go.touch()  # the watcher follows the run: the action may start reporting
            m = re.search(r'\(pace (\d+)/\d+\)', line)
            if m:
                seen.setdefault(int(m.group(1)), now)
        watcher.wait()
        if runner.wait() != 0:
            sys.exit(f'error: the pace run failed (exit {runner.returncode})')
    finally:
        if runner.poll() is None:
            runner.kill()
    sent = json.loads(stamps.read_text())
    latencies = [(seen[i + 1] - t) / 1000 for i, t in enumerate(sent) if i + 1 in seen]
    if len(latencies) < reports * 0.9:
        sys.exit(f'error: the watcher printed {len(latencies)} of {reports} reports')
    return latencies


SAMPLES = 'synapse_sdk.plugins.testing.sample_actions.'
SAMPLE_SLEEPS_S = 4.0  # Download 1 s, Convert 1 s, Train 2 s


def timed(cmd: list[str], what: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f'error: {what} failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n'
                 f'{proc.stderr[-2000:]}')
    return wall


def sdk_side_by_side(synapse: str, python: str, service: str, tmp: Path, rounds: int) -> dict:
    """Whole-process seconds beyond the sample actions' own sleeps: ours, synapse-sdk's."""
    anchor = [python, str(HERE / 'sdk_pipeline.py'), service, '127.0.0.1:6379', str(tmp / 'sdk')]
    timed(anchor + ['--prepare'], 'patching a copy of synapse-sdk')
    ours = [synapse, 'pipeline', 'run', ','.join(SAMPLES + a for a in
                                                 ('DownloadAction', 'ConvertAction', 'TrainAction')),
            '--path', str(ROOT / 'tests' / 'fixtures' / 'python_plugin'), '--mode', 'job',
            '--service', service, '--params', '{"dataset": 5}', '--json']
    log('untimed: one pipeline of each')
    timed(ours, 'our pipeline of sample actions')
    timed(anchor, "synapse-sdk's RayPipelineExecutor")
    a, b = [], []
    for r in range(rounds):
        log(f'sample actions, round {r + 1}/{rounds}')
        a.append(timed(ours, 'our pipeline of sample actions') - SAMPLE_SLEEPS_S)
        b.append(timed(anchor, "synapse-sdk's RayPipelineExecutor") - SAMPLE_SLEEPS_S)
    return {'ours': a, 'sdk': b}


def service_get(service: str, path: str) -> list | dict:
    with urllib.request.urlopen(service + path, timeout=30) as r:
        return json.load(r)


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def run(build_dir: Path, python: str, rounds: int = 5) -> list[dict]:
    synapse = str(build_dir / 'tools' / 'synapse')
    with tempfile.TemporaryDirectory(prefix='synapse-bench-pipeline-') as tmp:
        plugin = Path(tmp) / 'ticks'
        plugin.mkdir()
        (plugin / 'config.yaml').write_text(CONFIG)
        shutil.copy2(build_dir / 'benchmarks' / 'bench_pipeline_ticks', plugin)
        out = open(Path(tmp) / 'service.out', 'w+')  # noqa: SIM115 - read while it runs
        service = subprocess.Popen([synapse, 'service', '--port', '0', '--db',
                                    str(Path(tmp) / 'pipeline.db')], stdout=out,
                                   stderr=subprocess.DEVNULL)
        try:
            url = None
            for _ in range(200):
                out.seek(0)
                m = re.search(r'http://127\.0\.0\.1:\d+', out.read())
                if m:
                    url = m.group(0)
                    break
                time.sleep(0.05)
            if not url:
                sys.exit('error: synapse service did not start')
            log('untimed: one pipeline, one floor job')
            pipeline(synapse, plugin, url)
            floor_job()
            ours, floor = [], []
            for r in range(rounds):
                log(f'round {r + 1}/{rounds}')
                ours.append(pipeline(synapse, plugin, url))
                floor.append(floor_job())
            log('progress to a watcher: 3 local runs of 40 reports')
            latencies = [ms for _ in range(3) for ms in watch_latency(synapse, plugin, url, Path(tmp))]
            samples = sdk_side_by_side(synapse, python, url, Path(tmp), rounds)
        finally:
            service.terminate()
            service.wait()
    over = [a - b for a, b in zip(ours, floor)]
    return [{
        'name': '4 trivial C++ actions as one pipeline on Ray (`synapse pipeline run --mode job`, '
                'whole CLI process, reported to `synapse service`) vs one Ray job running `true`',
        'unit': 's', 'cpp': statistics.median(ours), 'python': None,
        'python_text': f'Ray floor: {statistics.median(floor):.2f} s',
        'ratio': None, 'ratio_text': f'{statistics.median(over) * 1000:+.0f} ms over the floor',
        'target_text': '<= +200 ms', 'met': statistics.median(over) <= 0.2,
        'details': {'pipeline_s': ours, 'floor_s': floor, 'over_s': over},
    }, {
        'name': 'progress to a watcher: `set_progress` in a C++ action of a local pipeline run -> '
                'the line `synapse pipeline watch` (its own process, over SSE) prints, p50',
        'unit': 'ms', 'cpp': statistics.median(latencies), 'python': None,
        'python_text': f'p90 {statistics.quantiles(latencies, n=10)[-1]:.2f} ms',
        'ratio': None, 'ratio_text': f'{len(latencies)} reports',
        'target_text': '< 20 ms', 'met': statistics.median(latencies) < 20,
        'details': {'latency_ms': latencies},
    }, {
        'name': "synapse-sdk's 3 sample actions (Download -> Convert -> Train, 4 s of sleeps) as one "
                'pipeline on Ray, whole process, seconds beyond the sleeps: `synapse pipeline run '
                "--mode job` vs synapse-sdk's RayPipelineExecutor (patched copy, see sdk_pipeline.py)",
        'unit': 's', 'cpp': statistics.median(samples['ours']),
        'python': statistics.median(samples['sdk']),
        'ratio': statistics.median(samples['ours']) / statistics.median(samples['sdk']),
        'ratio_text': f"{statistics.median(samples['ours']) / statistics.median(samples['sdk']):.2f}x of Python",
        'target_text': '<= 0.5x',
        'met': statistics.median(samples['ours']) <= 0.5 * statistics.median(samples['sdk']),
        'details': samples,
    }]


if __name__ == '__main__':
    build, out_json = Path(sys.argv[1]), Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    out_json.write_text(json.dumps({'results': run(build, sys.argv[2], rounds)}, indent=2) + '\n')
