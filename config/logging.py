"""JSON-lines logging with a request id on every record of a request, and of the tasks it enqueued.

A request's id travels to the Celery tasks it publishes (a message header, see
`config.observability.celery`); the worker's records for that task carry both that
`request_id` and the task's own `task_id`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
task_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("task_id", default="-")
REQUEST_ID_HEADER = "X-Request-ID"
# Probes and scrapes every few seconds would drown the rest.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
access_logger = logging.getLogger("talentmatch.request")


class RequestIdMiddleware:
    """Takes the caller's X-Request-ID (from a load balancer) or makes one, and echoes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        # Accept only short, printable ids so a client cannot inject into the logs.
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else ""
        request_id = request_id or uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        started = time.monotonic()
        try:
            response = self.get_response(request)
            # One access line per request, with the id (gunicorn's access log has none).
            if request.path not in QUIET_PATHS:
                access_logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    },
                )
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id == "-":
            # Django logs 4xx/5xx responses after the middleware chain has returned (the
            # variable is reset by then), passing the request along: take its id from there.
            request_id = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = request_id
        record.task_id = task_id_var.get()
        return True


_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "task_id",
    # Celery's TaskFormatter fields: ours come from the context variables.
    "task_name",
    "data",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        task_id = getattr(record, "task_id", task_id_var.get())
        if task_id != "-":
            entry["task_id"] = task_id
        # Values passed with `extra=` become fields of their own.
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
