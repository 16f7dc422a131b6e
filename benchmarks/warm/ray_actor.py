"""The Python peer of ray_actor.cpp: synapse-sdk's RayActorExecutor (one Ray core actor,
reached by a Ray driver connected to the same local head) runs the same kind of trivial action.

    ray_actor.py --plugin DIR --action module.Class --params JSON --expect JSON
                 [--calls 200] [--blocks 5] [--callers 4] [--seconds 5]

Three figures, each result checked: constructor -> first result (ray.init, the working_dir
upload, the actor's creation, the first call), per-call latency of one caller (median of the
blocks), and calls/s of `--callers` threads sharing the executor (its one actor runs calls one at
a time). Imports come before the clock. synapse-sdk prints its runtime_env steps on stdout: they
go to stderr here, so stdout carries one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import threading
import time
import warnings

sys.dont_write_bytecode = True
# synapse-sdk warns about one of its own bundled models at import; not ours to fix.
warnings.filterwarnings('ignore', message='Field name "schema"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--plugin', required=True)
    parser.add_argument('--action', required=True)
    parser.add_argument('--params', required=True)
    parser.add_argument('--expect', required=True)
    parser.add_argument('--calls', type=int, default=200)
    parser.add_argument('--blocks', type=int, default=5)
    parser.add_argument('--callers', type=int, default=4)
    parser.add_argument('--seconds', type=float, default=5)
    parser.add_argument('--address', default='127.0.0.1:6379')
    args = parser.parse_args()
    params, expect = json.loads(args.params), json.loads(args.expect)

    import ray  # noqa: F401 - imported before the clock
    from synapse_sdk.plugins.executors.ray.task import RayActorExecutor

    def check(result) -> None:
        got = result.model_dump(mode='json') if hasattr(result, 'model_dump') else result
        if got != expect:
            raise SystemExit(f'ray_actor.py: unexpected result {got!r}')

    with contextlib.redirect_stdout(sys.stderr):
        start = time.perf_counter()
        executor = RayActorExecutor(env={}, ray_address=args.address, working_dir=args.plugin,
                                    num_cpus=1)
        check(executor.execute(args.action, params))
        first = time.perf_counter() - start

        for _ in range(50):  # warm-up
            check(executor.execute(args.action, params))
        per_call = []
        for _ in range(args.blocks):
            t0 = time.perf_counter()
            for _ in range(args.calls):
                check(executor.execute(args.action, params))
            per_call.append((time.perf_counter() - t0) / args.calls * 1e6)

        done = [0] * args.callers
        stop = threading.Event()

        def caller(i: int) -> None:
            while not stop.is_set():
                check(executor.execute(args.action, params))
                done[i] += 1

        threads = [threading.Thread(target=caller, args=(i,)) for i in range(args.callers)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        time.sleep(args.seconds)  # the measured window
        stop.set()
        for t in threads:
            t.join()
        rate = sum(done) / (time.perf_counter() - t0)
        executor.shutdown()

    print(json.dumps({'first_s': first, 'latency_us': statistics.median(per_call),
                      'latency_blocks_us': sorted(per_call), 'calls_per_s': rate}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
