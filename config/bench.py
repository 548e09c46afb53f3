"""What every `bench_*` command shares: a throwaway database and a report that can be saved.

Benchmarks load synthetic rows by the hundred thousand, so they never touch the live
database: `BenchmarkCommand.handle` creates a database beside it (the test-database
machinery, named `talentmatch_bench_<name>`), runs `benchmark()` there, drops it unless
`--keepdb`, and writes what `say()` printed to `--out`. Below it, the tools the end-to-end
benchmarks measure workers with: a private broker, publishing to it, CPU seconds by process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class BenchmarkCommand(BaseCommand):
    database_suffix = "bench"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keepdb", action="store_true", help="keep the benchmark database")
        parser.add_argument("--out", help="also write the report to this file")

    def benchmark(self, options: dict[str, Any]) -> None:
        raise NotImplementedError  # each benchmark command defines its measurements

    def say(self, line: str) -> None:
        self.lines.append(line)
        self.stdout.write(line)

    def handle(self, *args: Any, **options: Any) -> None:
        self.lines: list[str] = []
        started = time.monotonic()
        with throwaway_database(f"talentmatch_bench_{self.database_suffix}", options["keepdb"]):
            self.say(f"benchmark database ready in {time.monotonic() - started:.1f} s")
            self.benchmark(options)
        if options["out"]:
            Path(options["out"]).parent.mkdir(parents=True, exist_ok=True)
            Path(options["out"]).write_text("\n".join(self.lines) + "\n", encoding="utf-8")


@contextlib.contextmanager
def throwaway_database(name: str, keep: bool = False) -> Iterator[None]:
    """A database beside the live one (the test-database machinery: migrated, empty), which
    the default connection uses inside the block; dropped after unless `keep`."""
    test = connection.settings_dict.setdefault("TEST", {})
    previous, live = test.get("NAME"), connection.settings_dict["NAME"]
    test["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        if not keep:
            # Dropped, and the connection back on the database it used before (the name
            # `create_test_db` returns is the new database's).
            connection.creation.destroy_test_db(live, verbosity=0)
            test["NAME"] = previous


@contextlib.contextmanager
def publishing_to(app: Any, url: str, transport_options: dict[str, Any]) -> Iterator[None]:
    """Tasks enqueued in this block go to `url`; the app's broker is restored after it.

    Celery caches its connection and producer pools: a process that has already published
    (a test session, a shell) would keep sending to the old broker, so the app's references
    are dropped on the way in and on the way out. The pools themselves stay open in kombu's
    registry, keyed by broker, for the next user of the same broker.
    """

    def drop_pools() -> None:
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    previous = (app.conf.broker_url, app.conf.broker_transport_options)
    app.conf.broker_url, app.conf.broker_transport_options = url, transport_options
    drop_pools()
    try:
        yield
    finally:
        drop_pools()
        app.conf.broker_url, app.conf.broker_transport_options = previous


@contextlib.contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """A throwaway redis-server on a free local port (Debian's package); yields its URL."""
    from config.testing import free_port

    binary = shutil.which("redis-server")
    if binary is None:
        raise CommandError("redis-server is not installed (scripts/install-system-deps.sh).")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise CommandError("redis-server did not start.") from None
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) of a process of this machine; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree_cpu(worker: Any) -> float:
    """CPU seconds of the worker's main process and its pool processes."""
    pid = worker.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *(int(c) for c in children.read_text().split())] if children.exists() else [pid]
    return sum(cpu_of(one) for one in pids)


def database_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving this database, except this process's."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {pid: cpu_of(pid) for (pid,) in cursor.fetchall()}
