"""The Python peer of result_of.cpp (a side check, not in the issue's list): synapse-sdk's
RayJobsApiExecutor.get_result of an existing, finished job whose log is large.

    result_of.py --job ID

Prints JSON: wall and CPU seconds of get_result, the result, and this process's peak RSS.
The dashboard is $RAY_DASHBOARD_URL.
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
warnings.filterwarnings('ignore', message='Field name "schema"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--job', required=True)
    args = parser.parse_args()

    import ray.job_submission  # noqa: F401
    from synapse_sdk.plugins.executors.ray.jobs_api import RayJobsApiExecutor

    executor = RayJobsApiExecutor(env={}, dashboard_address=os.environ['RAY_DASHBOARD_URL'])
    executor._get_client()  # the client (and its /api/version call) before the clock
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = executor.get_result(args.job)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(json.dumps({'result': result, 'wall_s': wall, 'cpu_s': cpu,
                      'max_rss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
