"""Pipelines on Ray against Ray's own floor (run by ../run.py --pipeline, under
scripts/ray-cluster run): `synapse pipeline run tick1,tick2,tick3,tick4 --mode job` (four
trivial C++ actions, `bench_pipeline_ticks`, as one pipeline reported to `synapse service`) as a
whole CLI process, from start to the checked result, against one Ray job whose entrypoint is
`true`, from its submission to its end as a client polling every 10 ms sees it. Rounds alternate
(A B A B), after one untimed run of each (the package upload).

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


def run(build_dir: Path, rounds: int = 5) -> list[dict]:
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
    }]


if __name__ == '__main__':
    build, out_json = Path(sys.argv[1]), Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    out_json.write_text(json.dumps({'results': run(build, rounds)}, indent=2) + '\n')
