"""One pipeline run by synapse-sdk's RayPipelineExecutor (the anchor of pipeline/suite.py):
synapse-sdk's three sample actions (Download -> Convert -> Train) against `synapse service`,
from a fresh process, polling the run every 10 ms until it ended; exits non-zero unless it
completed.

synapse-sdk's RayPipelineExecutor (2026.2.17) fails every run at its first log append: its
runner builds `LogEntry(message=...)`, a model without that field (TypeError). This script runs
it from a private, patched copy of the package (log entries as plain dicts, which its client
accepts), put first on the path of this process and of the Ray actor; and polls the run instead
of its `wait()`, which fails on its own progress model (`pipeline_id`).

Usage: sdk_pipeline.py SERVICE_URL RAY_ADDRESS COPY_DIR
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

PATCH_FROM = 'from synapse_sdk.plugins.models.logger import LogEntry, LogLevel'
PATCH_TO = ('from synapse_sdk.plugins.models.logger import LogLevel\n'
            '        def LogEntry(**fields):  # patched by synapse-cpp\'s benchmark: plain dicts\n'
            '            return {**fields, \'level\': fields[\'level\'].value}')


def patched_copy(into: Path) -> Path:
    """A copy of the installed synapse_sdk with the runner's log entries fixed (made once)."""
    marker = into / 'synapse_sdk' / '.patched'
    if marker.exists():
        return into
    import synapse_sdk  # noqa: PLC0415 - the installed one, to copy

    shutil.rmtree(into / 'synapse_sdk', ignore_errors=True)
    shutil.copytree(Path(synapse_sdk.__file__).parent, into / 'synapse_sdk')
    runner = into / 'synapse_sdk' / 'plugins' / 'executors' / 'ray' / 'pipeline.py'
    text = runner.read_text()
    if PATCH_FROM not in text:
        sys.exit(f'error: {runner} changed; the patch no longer applies')
    runner.write_text(text.replace(PATCH_FROM, PATCH_TO))
    marker.touch()
    return into


def main() -> int:
    service, address, copy_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    if sys.argv[4:] == ['--prepare']:
        patched_copy(copy_dir)
        return 0
    sys.path.insert(0, str(copy_dir))
    from synapse_sdk.clients.pipeline import PipelineServiceClient  # noqa: PLC0415
    from synapse_sdk.plugins.executors.ray.pipeline import RayPipelineExecutor  # noqa: PLC0415

    samples = 'synapse_sdk.plugins.testing.sample_actions.'
    executor = RayPipelineExecutor(
        env={}, ray_address=address, pipeline_service_url=service,
        runtime_env={'env_vars': {'PYTHONPATH': str(copy_dir)}})
    start = time.perf_counter()
    run_id = executor.submit([samples + 'DownloadAction', samples + 'ConvertAction',
                              samples + 'TrainAction'], {'dataset': 5}, name='samples')
    client = PipelineServiceClient(service)
    while True:
        run = client.get_run(run_id)
        if run['status'] in ('completed', 'failed', 'cancelled'):
            break
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    print(json.dumps({'run_id': run_id, 'status': run['status'], 'error': run.get('error'),
                      'submit_to_end_s': elapsed}))
    return 0 if run['status'] == 'completed' else 1


if __name__ == '__main__':
    sys.exit(main())
