"""The Python peer of tail_logs.cpp: Ray's JobSubmissionClient.tail_job_logs (an async
generator of text chunks over the log tail WebSocket) on the same finished job that printed
0..N-1, one number per line; checks that every line came exactly once and in order.

    tail_logs.py --job ID --lines N

Chunks are split into lines here (a chunk may end mid-line), the same work tail_job_logs does
on the C++ side. The client is created before the clock starts. Prints JSON. The dashboard is
$RAY_DASHBOARD_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time

sys.dont_write_bytecode = True


async def tail(client, job_id: str) -> dict:
    lines = numeric = other = out_of_order = 0
    partial = ''

    def take(line: str) -> None:
        nonlocal lines, numeric, other, out_of_order
        lines += 1
        if line.endswith('\r'):
            line = line[:-1]
        if line.isdigit():
            if int(line) != numeric:
                out_of_order += 1
            numeric += 1
        else:
            other += 1

    async for chunk in client.tail_job_logs(job_id):
        parts = (partial + chunk).split('\n')
        partial = parts.pop()
        for line in parts:
            take(line)
    if partial:
        take(partial)
    return {'lines': lines, 'numeric_lines': numeric, 'other_lines': other, 'out_of_order': out_of_order}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--job', required=True)
    parser.add_argument('--lines', type=int, default=1000000)
    args = parser.parse_args()

    from ray.job_submission import JobSubmissionClient

    client = JobSubmissionClient(os.environ['RAY_DASHBOARD_URL'])
    cpu0, wall0 = time.process_time(), time.perf_counter()
    counts = asyncio.run(tail(client, args.job))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    counts.update({
        'exact': counts['numeric_lines'] == args.lines and counts['out_of_order'] == 0,
        'wall_s': wall,
        'cpu_s': cpu,
        'lines_per_s': counts['lines'] / wall,
        'max_rss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    })
    print(json.dumps(counts))
    return 0


if __name__ == '__main__':
    sys.exit(main())
