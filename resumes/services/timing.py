"""One log line per pipeline step: where its time went and how many statements it sent.

A step (extract, parse) times its stages with `lap()` and counts the SQL statements it sends
(Django's execute wrapper: every statement, savepoints included; BEGIN and COMMIT are not
statements). The line goes to the `resumes.pipeline` logger at INFO, a JSON line in the
worker's log with `step`, `resume_id`, `outcome`, `queries`, `cpu_ms`, `total_ms` and one
`<stage>_ms` per stage: it answers "why was this resume slow" in production, and
`bench_parser --workers N` reads it for its stage breakdown.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone

logger = logging.getLogger("resumes.pipeline")


class StepLog:
    def __init__(self, step: str, resume_id: Any) -> None:
        self.step = step
        self.resume_id = str(resume_id)
        self.outcome = "done"
        self.queries = 0
        self.stages: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        """The time since the previous lap (or the start) was spent in `stage`."""
        now = time.perf_counter()
        self.stages[stage] = self.stages.get(stage, 0.0) + (now - self._last) * 1000
        self._last = now

    def waited_since(self, moment: datetime) -> None:
        """The message waited in the broker since `moment` (when its status was written)."""
        self.stages["queue_wait"] = max((timezone.now() - moment).total_seconds() * 1000, 0.0)

    def count(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        self.queries += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def step_log(step: str, resume_id: Any) -> Iterator[StepLog]:
    log = StepLog(step, resume_id)
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        with connection.execute_wrapper(log.count):
            yield log
    except BaseException:
        log.outcome = "error"
        raise
    finally:
        fields = {f"{stage}_ms": round(ms, 2) for stage, ms in log.stages.items()}
        logger.info(
            "resume %s %s: %s",
            log.resume_id,
            step,
            log.outcome,
            extra={
                "step": step,
                "resume_id": log.resume_id,
                "outcome": log.outcome,
                "queries": log.queries,
                "cpu_ms": round((time.process_time() - cpu_started) * 1000, 2),
                "total_ms": round((time.perf_counter() - started) * 1000, 2),
                **fields,
            },
        )
