"""The Python peer of dispatch/dispatch.cpp: synapse-sdk's LocalExecutor running the same echo
action (job_protocol/python/bench_actions.py) with the same params dict
(common/echo_case.json), per call.

LocalExecutor prints a ``Result: {...}`` line per call; the timing loop sends stdout to
os.devnull (one file opened once, via contextlib.redirect_stdout), so the JSON encoding and the
write still happen but no terminal or pipe is involved. Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(BENCHMARKS / 'job_protocol' / 'python'))

# synapse-sdk warns about one of its own bundled models at import; not ours to fix.
warnings.filterwarnings('ignore', message='Field name "schema"')

from bench_actions import EchoAction, EchoResult  # noqa: E402
from synapse_sdk.plugins.executors.local import LocalExecutor  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--calls', type=int, default=20000, help='calls per repeat')
    parser.add_argument('--repeats', type=int, default=5)
    args = parser.parse_args()

    case = json.loads((BENCHMARKS / 'common' / 'echo_case.json').read_text())
    params, expected = case['params'], case['expected']
    executor = LocalExecutor(env={})
    sink = open(os.devnull, 'w')  # noqa: SIM115 - kept open for the whole run

    with contextlib.redirect_stdout(sink):
        result = executor.execute(EchoAction, params)
    if not isinstance(result, EchoResult) or result.model_dump(mode='json') != expected:
        print(f'peer.py: unexpected result {result!r}', file=sys.stderr)
        return 1

    per_call_ns = []
    with contextlib.redirect_stdout(sink):
        for _ in range(min(args.calls, 2000)):  # warm-up
            executor.execute(EchoAction, params)
        for _ in range(args.repeats):
            start = time.perf_counter()
            for _ in range(args.calls):
                executor.execute(EchoAction, params)
            per_call_ns.append((time.perf_counter() - start) / args.calls * 1e9)
    sink.close()

    print(
        json.dumps(
            {
                'ns_per_op': statistics.median(per_call_ns),
                'repeats_ns_per_op': per_call_ns,
                'calls_per_repeat': args.calls,
                'stdout': 'contextlib.redirect_stdout to os.devnull (opened once)',
                'python': sys.version.split()[0],
            }
        )
    )
    return 0


if __name__ == '__main__':
    sys.exit(main())
