"""The Python peer of get_status.cpp: Ray's JobSubmissionClient.get_job_status on an existing,
finished job, per call.

    get_status.py --job ID [--calls 300] [--rounds 1]

The client is created once (its constructor reads /api/version) and warmed up, then each round
times `calls` calls: CPU with time.process_time() (the whole process), wall with
time.perf_counter(). Prints one JSON object on stdout. The dashboard is $RAY_DASHBOARD_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.dont_write_bytecode = True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--job', required=True)
    parser.add_argument('--calls', type=int, default=300)
    parser.add_argument('--rounds', type=int, default=1)
    args = parser.parse_args()

    from ray.job_submission import JobStatus, JobSubmissionClient

    client = JobSubmissionClient(os.environ['RAY_DASHBOARD_URL'])

    def call() -> None:
        status = client.get_job_status(args.job)
        if not JobStatus(status).is_terminal():
            raise SystemExit(f'get_status.py: job {args.job} is {status}, not finished')

    for _ in range(30):  # warm-up
        call()
    wall, cpu = [], []
    for _ in range(args.rounds):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(args.calls):
            call()
        wall.append((time.perf_counter() - wall0) / args.calls)
        cpu.append((time.process_time() - cpu0) / args.calls)
    print(json.dumps({'calls_per_block': args.calls, 'python': {'wall_s_per_call': wall, 'cpu_s_per_call': cpu}}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
