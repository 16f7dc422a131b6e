#!/usr/bin/env python3
"""Runs a test program against a real pipeline service on a free loopback port.

    run_service.py --server dev-api --python .venv/bin/python --cache DIR -- PROGRAM [ARGS...]
    run_service.py --server synapse --synapse build/tools/synapse -- PROGRAM [ARGS...]

dev-api is synapse-sdk's own FastAPI service. synapse-sdk 2026.2.17 (the version in .venv) no
longer ships it (its MANIFEST.in prunes dev-api/), so it is taken from the newest sdist on PyPI
that has it, synapse-sdk==2026.1.123, and run with uvicorn from the venv; its two
dependencies that the venv lacks (SQLAlchemy, pydantic-settings) go to DIR/site. All of it is
cached in DIR. `synapse` is our own `synapse service`.

The service gets a temporary SQLite database, is started, and must answer /health within 60 s;
PROGRAM then runs with SYNAPSE_PIPELINE_SERVICE_URL=http://127.0.0.1:PORT. The service is
stopped afterwards, also when PROGRAM fails or this script is interrupted. Exit status: that of
PROGRAM; 77 (skip) when the service cannot be prepared (no network for PyPI, no venv, a
`synapse` without the `service` command), with the reason.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

SDIST = "synapse-sdk==2026.1.123"
DEPS = ["SQLAlchemy==2.1.9", "pydantic-settings==2.16.3"]
SKIP = 77


def skip(why: str) -> "NoReturn":
    print(f"run_service.py: skipped: {why}", flush=True)
    sys.exit(SKIP)


def run_step(cmd: list[str]) -> None:
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        skip(f"`{' '.join(cmd)}` failed (exit {r.returncode}):\n{r.stdout[-3000:]}")


def prepare_dev_api(python: str, cache: Path) -> Path:
    """Returns the dev-api directory (holding app/), fetching it into `cache` once."""
    app_dir = cache / "dev-api"
    site = cache / "site"
    if not Path(python).exists():
        skip(f"no Python at {python}: run scripts/bootstrap")
    if not (app_dir / "app" / "main.py").exists():
        with tempfile.TemporaryDirectory() as tmp:
            run_step([python, "-m", "pip", "download", "--disable-pip-version-check", "--no-deps",
                      "--no-binary", ":all:", SDIST, "-d", tmp])
            archives = list(Path(tmp).glob("*.tar.gz"))
            if not archives:
                skip(f"pip download {SDIST} gave no sdist")
            staging = Path(tmp) / "x"
            with tarfile.open(archives[0]) as tar:
                members = [m for m in tar.getmembers() if "/dev-api/app/" in m.name and
                           (m.isfile() or m.isdir())]
                if not members:
                    skip(f"{archives[0].name} has no dev-api/app/")
                if hasattr(tarfile, "data_filter"):  # Python 3.12 (and 3.11.4+)
                    tar.extractall(staging, members=members, filter="data")
                else:
                    tar.extractall(staging, members=members)
            found = next(staging.glob("*/dev-api"))
            shutil.rmtree(app_dir, ignore_errors=True)
            app_dir.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(found, app_dir)
    if not (site / ".complete").exists():
        shutil.rmtree(site, ignore_errors=True)
        run_step([python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                  "--no-deps", "--target", str(site), *DEPS])
        (site / ".complete").write_text(" ".join(DEPS))
    return app_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", choices=["dev-api", "synapse"], required=True)
    ap.add_argument("--python", default=sys.executable, help="the venv's Python (dev-api)")
    ap.add_argument("--cache", default="pipeline-dev-api", help="where dev-api is kept")
    ap.add_argument("--synapse", help="the synapse program (synapse)")
    ap.add_argument("program", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    args.python = os.path.abspath(args.python)  # not resolved: the venv's symlink matters
    if args.synapse:
        args.synapse = os.path.abspath(args.synapse)  # the service runs in a temporary directory
    program = args.program[1:] if args.program[:1] == ["--"] else args.program
    if not program:
        ap.error("no program to run")

    work = Path(tempfile.mkdtemp(prefix="synapse-pipeline-service-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    if args.server == "dev-api":
        app_dir = prepare_dev_api(args.python, Path(args.cache).resolve())
        env.update(PYTHONPATH=str(Path(args.cache).resolve() / "site"),
                   PIPELINE_DATABASE_URL=f"sqlite:///{work / 'pipeline.db'}",
                   PIPELINE_DEBUG="false")
        cmd = [args.python, "-m", "uvicorn", "app.main:app", "--app-dir", str(app_dir),
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    else:
        try:
            has_service = subprocess.run([args.synapse, "service", "--help"],
                                         capture_output=True).returncode == 0
        except (OSError, TypeError):
            has_service = False
        if not has_service:
            skip(f"{args.synapse} has no `service` command (yet)")
        cmd = [args.synapse, "service", "--host", "127.0.0.1", "--port", str(port),
               "--db", str(work / "pipeline.db")]

    log = open(work / "service.log", "w+")
    server = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    # meson sends SIGTERM on a timeout: stop the service then too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        deadline = time.monotonic() + 60
        while not healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                print(f"run_service.py: {' '.join(cmd)} did not become healthy "
                      f"(exit {server.poll()}):\n{log.read()[-3000:]}", flush=True)
                return 1
            time.sleep(0.1)  # polling /health: the condition itself is checked each round
        print(f"run_service.py: {args.server} is up at {url}", flush=True)
        env_test = dict(os.environ, SYNAPSE_PIPELINE_SERVICE_URL=url,
                        SYNAPSE_PIPELINE_SERVICE_KIND=args.server)
        status = subprocess.run(program, env=env_test).returncode
        if status != 0:
            log.seek(0)
            print(f"run_service.py: service log:\n{log.read()[-5000:]}", flush=True)
        return status
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
