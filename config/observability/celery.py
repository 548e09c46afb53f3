"""Celery signal receivers: a request's id crosses into its tasks; task ids and task metrics.

Connected from `config/celery.py`, so every process that loads the Celery app (web and worker)
has them. Metrics are imported lazily: `config.observability.metrics` sets the multiprocess
directory before `prometheus_client` is imported.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import signals

from config.logging import JsonFormatter, RequestIdFilter, request_id_var, task_id_var

REQUEST_ID_HEADER = "request_id"  # a custom message header; Celery exposes it on task.request
task_logger = logging.getLogger("talentmatch.task")
# task id -> (context variable tokens, start time); a prefork child runs one task at a time.
_running: dict[str, tuple[Any, Any, float]] = {}


@signals.before_task_publish.connect(dispatch_uid="talentmatch.request_id_header")
def add_request_id_header(headers: dict | None = None, **kwargs: Any) -> None:
    """A task published during a request (or by a task of it) carries that request's id."""
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault(REQUEST_ID_HEADER, request_id)


@signals.task_prerun.connect(dispatch_uid="talentmatch.task_prerun")
def enter_task(task_id: str, task: Any, **kwargs: Any) -> None:
    # An eager task (run inside the request) has no header: it keeps the request's id.
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) or request_id_var.get()
    _running[task_id] = (
        request_id_var.set(request_id),
        task_id_var.set(task_id),
        time.monotonic(),
    )


@signals.task_postrun.connect(dispatch_uid="talentmatch.task_postrun")
def leave_task(task_id: str, task: Any, state: str | None = None, **kwargs: Any) -> None:
    entry = _running.pop(task_id, None)
    if entry is None:
        return
    request_token, task_token, started = entry
    duration = time.monotonic() - started
    duration_ms = round(duration * 1000, 1)
    try:
        from config.observability import metrics

        metrics.TASK_DURATION.labels(task=task.name).observe(duration)
        task_logger.info(
            "%s %s in %.1f ms",
            task.name,
            state or "-",
            duration_ms,
            extra={"task": task.name, "state": state or "-", "duration_ms": duration_ms},
        )
    finally:
        task_id_var.reset(task_token)
        request_id_var.reset(request_token)


@signals.task_failure.connect(dispatch_uid="talentmatch.task_failure")
def count_failure(sender: Any = None, **kwargs: Any) -> None:
    from config.observability import metrics

    metrics.TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


@signals.task_retry.connect(dispatch_uid="talentmatch.task_retry")
def count_retry(sender: Any = None, **kwargs: Any) -> None:
    from config.observability import metrics

    metrics.TASK_RETRIES.labels(task=getattr(sender, "name", "unknown")).inc()


def _json_handlers(logger: logging.Logger | None = None, **kwargs: Any) -> None:
    """The worker's own handlers (stderr or --logfile) write the same JSON lines as the web."""
    for handler in getattr(logger, "handlers", []):
        handler.setFormatter(JsonFormatter())
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())


signals.after_setup_logger.connect(_json_handlers, dispatch_uid="talentmatch.json_logs", weak=False)
signals.after_setup_task_logger.connect(
    _json_handlers, dispatch_uid="talentmatch.json_task_logs", weak=False
)


@signals.worker_process_init.connect(dispatch_uid="talentmatch.tracing_worker")
def start_tracing_in_worker_process(**kwargs: Any) -> None:
    """Each prefork child sets up its own exporter (threads do not survive the fork)."""
    from config.observability.tracing import setup_tracing

    setup_tracing(service_name="talentmatch-worker")
