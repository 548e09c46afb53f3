"""Pytest fixtures that start real services for the tests that need them.

Registered from the root conftest (``pytest_plugins``):

- ``celery_worker``: a real ``celery worker`` process on the test's broker folders and test
  database. Use it with ``transactional_db`` so the worker sees committed rows. Call
  ``celery_worker.wait_for(predicate)`` to wait until the worker has done its part.
- ``celery_worker_factory(broker_url=..., queues=..., env=...)``: the same on another broker.
- ``redis_server``: Debian's ``redis-server`` on a free port; yields its URL.
- ``moto_server``: moto's server on 127.0.0.1 (S3, Cognito, Textract, SNS, SES, SQS...);
  yields its endpoint URL, with dummy AWS credentials in the environment.
- ``browser`` / ``page``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; a
  test using ``page`` fails on any page or console error. Screenshots go to ``ARTIFACTS``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float = 30, interval: float = 0.2):
    """Poll `predicate` until it returns something truthy; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {predicate}")
        time.sleep(interval)


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, predicate: Callable[[], object], timeout: float = 60) -> object:
        def check() -> object:
            if self.process.poll() is not None:
                pytest.fail(f"Celery worker exited ({self.process.returncode}):\n{self.log()}")
            return predicate()

        return wait_until(check, timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(
    *,
    db_name: str,
    run_dir: Path,
    queues: str = "default,ocr,parsing,matching",
    env: dict[str, str] | None = None,
    concurrency: int = 1,
) -> WorkerProcess:
    log_path = run_dir / f"celery-worker-{time.monotonic_ns()}.log"
    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "TALENTMATCH_TEST_DB_NAME": db_name,
        "TALENTMATCH_TEST_RUN_DIR": str(run_dir),
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "-Q", queues, "--pool", "prefork", "--concurrency", str(concurrency),
        "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT
        )
    worker = WorkerProcess(process=process, log_path=log_path, env=worker_env)
    try:
        worker.wait_for(lambda: "ready." in worker.log(), timeout=60)
    except BaseException:
        worker.stop()
        raise
    return worker


@pytest.fixture
def celery_worker_factory(transactional_db, settings) -> Iterator[Callable[..., WorkerProcess]]:
    from django.db import connection

    workers: list[WorkerProcess] = []

    def make(
        *, broker_url: str | None = None, queues: str = "default,ocr,parsing,matching",
        env: dict[str, str] | None = None,
    ) -> WorkerProcess:  # fmt: skip
        extra = dict(env or {})
        if broker_url:
            extra["CELERY_BROKER_URL"] = broker_url
        elif not workers:
            # A test's first worker starts on an empty broker, as on an empty database: this
            # process's broker folder outlives tests, and what earlier tests published for rows
            # rolled back since would wait ahead of this test's own tasks, a poll (1 s) each.
            from config.celery import app

            with app.connection_for_write() as conn:
                for queue in settings.WORKER_QUEUES:
                    conn.default_channel.queue_purge(queue)
        worker = start_worker(
            db_name=connection.settings_dict["NAME"],
            run_dir=settings.TEST_RUN_DIR,
            queues=queues,
            env=extra,
        )
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker(celery_worker_factory) -> WorkerProcess:
    """A real worker consuming every queue from the default (filesystem) test broker."""
    return celery_worker_factory()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (scripts/install-system-deps.sh installs it)")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def answers() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    try:
        wait_until(answers, timeout=15, interval=0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's server mode on a free loopback port; the URL is the endpoint for every service."""
    from moto.server import ThreadedMotoServer

    saved = {key: os.environ.get(key) for key in AWS_TEST_ENV}
    os.environ.update(AWS_TEST_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def moto_reset(moto_server) -> str:
    """moto_server with its state wiped before the test."""
    import urllib.request

    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")  # noqa: S310
    urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 (loopback)
    return moto_server


# --- A real browser: Debian's Chromium driven by Playwright --------------------------------
CHROMIUM = "/usr/bin/chromium"
# Without these flags Debian's Chromium hangs on network attempts or needs a sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
# Screenshots of browser tests, for a person to look at (gitignored).
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def browser():
    # Playwright's sync API runs an event loop in this thread while it is open, and Django
    # refuses database calls from such a thread: touch the database before or after only.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; the test fails on any page error or console error it saw (e.g. a script
    blocked by the content security policy)."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    yield page
    context.close()
    assert not problems, problems
