"""The Python peer of submit_result.cpp: synapse-sdk's RayJobsApiExecutor submits the same
trivial action (adder_actions.AddAction of tests/fixtures/python_plugin) and waits for its
result (submit + get_result; get_result polls the status once a second).

    submit_result.py --plugin DIR [--a 20] [--b 22]

The clock runs from just before the executor is created (its client reads /api/version on the
first submit) to the checked result; imports come before it. Prints JSON with the time, the
submission id and this process's peak RSS (the driver also takes it from wait4). The dashboard
is $RAY_DASHBOARD_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import warnings

sys.dont_write_bytecode = True
# synapse-sdk warns about one of its own bundled models at import; not ours to fix.
warnings.filterwarnings('ignore', message='Field name "schema"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--plugin', required=True)
    parser.add_argument('--a', type=int, default=20)
    parser.add_argument('--b', type=int, default=22)
    args = parser.parse_args()

    # Ray's client module is imported lazily by the executor's first submit: import it here,
    # before the clock, so that import time is not counted against Python.
    import ray.job_submission  # noqa: F401
    from synapse_sdk.plugins.executors.ray.jobs_api import RayJobsApiExecutor

    start, start_unix = time.perf_counter(), time.time()
    # env={}: only the plugin environment travels, as on the C++ side (not the host's).
    executor = RayJobsApiExecutor(env={}, dashboard_address=os.environ['RAY_DASHBOARD_URL'],
                                  working_dir=args.plugin)
    job_id = executor.submit('adder_actions.AddAction', {'a': args.a, 'b': args.b})
    submitted = time.perf_counter()
    result = executor.get_result(job_id)
    done, done_unix = time.perf_counter(), time.time()
    if result.get('total') != args.a + args.b or result.get('language') != 'python':
        raise SystemExit(f'submit_result.py: unexpected result {result!r}')
    # Untimed: Ray's own clock for the job (created at submit, ended), to see where time goes.
    info = executor._get_client().get_job_info(job_id)
    print(json.dumps({
        'submission_id': job_id,
        'start_unix_s': start_unix,
        'ray_start_time_ms': info.start_time or 0,
        'ray_end_time_ms': info.end_time or 0,
        'done_unix_s': done_unix,
        'submit_s': submitted - start,
        'total_s': done - start,
        'result': result,
        'max_rss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
