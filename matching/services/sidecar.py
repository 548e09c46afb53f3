"""A second database connection for this process, on a thread of its own.

The candidate table's IVF index comes in parts (`indexes.IVF_PARTS`, partial indexes over the
rows' id parity). A search reads each part, and PostgreSQL runs one statement on one core: a
LIMIT in a subquery keeps it out of parallel workers. So `services.pool.ranking_pool` and
`retrieval.candidate_vector_ids` send one part's statement here while this connection runs the
other, and the two server processes work at once. At 1M profiles the vector search then takes
18.8 / 22.4 ms (p50 / p95) where one index of the whole table took 22.3 / 26.4 at the same
recall (README, "Current figures").

Only statements run here, never Python that touches shared state. The thread keeps its
connection between searches: connecting costs more than the search gains. The connection is
opened to the database the caller's connection names (a command or a test may switch it), and
again after an error broke it. A caller inside a transaction does not use it: the second
connection would not see the caller's uncommitted rows (`usable`), nor one whose machine has no
core free for it (`core_free`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection

T = TypeVar("T")
logger = logging.getLogger(__name__)


def usable() -> bool:
    """Whether a search may run a statement on the second connection now: the caller's
    connection is outside a transaction, and `MATCH_PARALLEL_SEARCH` is "on", or "auto" and a
    core is free (`core_free`)."""
    mode = settings.MATCH_PARALLEL_SEARCH
    if mode == "off" or connection.in_atomic_block:
        return False
    return mode == "on" or core_free()


# The kernel's count of tasks runnable now is the fourth field's numerator ("1/245").
LOADAVG = "/proc/loadavg"


def core_free() -> bool:
    """Whether a core is free for a second statement: fewer tasks runnable on the machine right
    now (this thread included) than the cores this process may use. Where the cores are busy
    with other work, the parts searched at once wait for a core twice, and the second
    connection's core is taken from that work (1M profiles beside two CPU-bound processes on
    two cores, end to end p50 over three runs each: 22-24 ms one after the other, 25-27 at
    once; p95 33-38 either way). True where the kernel does not say (not Linux)."""
    try:
        with open(LOADAVG, encoding="ascii") as f:
            running = int(f.read().split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return True
    return running < len(os.sched_getaffinity(0))


class Sidecar:
    """One thread with its own Django connection (connections are per thread), made on first
    use in each process (a forked worker makes its own)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._pid = 0
        self._database: str | None = None  # what the thread's connection was opened to
        self.statements = 0  # sent here, in this process

    def submit(self, work: Callable[..., T], /, *args: object) -> Future[T]:
        """`work(*args)` on the thread, with its connection open to the caller's database."""
        database = connection.settings_dict["NAME"]
        with self._lock:
            if self._executor is None or self._pid != os.getpid():
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="matching-sidecar")
                self._pid, self._database = os.getpid(), None
            self.statements += 1
            return self._executor.submit(self._run, database, work, args)

    def _run(self, database: str, work: Callable[..., T], args: tuple) -> T:
        # On the thread: `connection` is the thread's own. After an error, what Django's
        # `close_if_unusable_or_obsolete` does (without its age limit: kept on purpose).
        if connection.errors_occurred:
            if connection.is_usable():
                connection.errors_occurred = False
            else:
                connection.close()
        if self._database != database:
            connection.close()
            self._database = database
            logger.info(
                "second database connection for the vector search's parts (process %s)",
                os.getpid(), extra={"database": database},
            )  # fmt: skip
        try:
            return work(*args)
        except (InterfaceError, OperationalError):
            if connection.is_usable():
                raise
            # The kept connection died (the server restarted, an idle timeout): the search
            # reads only, so it runs again on a new one.
            connection.close()
            return work(*args)

    def close(self) -> None:
        """Close the thread's connection and end the thread (a test database cannot be dropped
        while a connection is open to it)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            if self._pid == os.getpid():
                # Looked up on the thread: `connection.close` here would be this thread's.
                executor.submit(lambda: connection.close()).result()
            executor.shutdown()
        self._database = None


_sidecar = Sidecar()
submit = _sidecar.submit
close = _sidecar.close


def at_once(here: Callable[[], T], there: Callable[[], T]) -> tuple[T, T]:
    """`there()` on the second connection while `here()` runs on this one: both results."""
    elsewhere = submit(there)
    return here(), elsewhere.result()


def statements() -> int:
    """Statements sent to the second connection in this process."""
    return _sidecar.statements
