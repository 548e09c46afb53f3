"""Prometheus metrics: request and task figures, shared by every process through files.

Web and worker processes are separate (and gunicorn/prefork have several of each), so
prometheus_client runs in multiprocess mode: each process writes its samples to files under
`PROMETHEUS_MULTIPROC_DIR`, and `/metrics` adds them up. The variable must be set before
prometheus_client is first imported, which is why this module sets it before its import and
why nothing imports prometheus_client elsewhere.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

MULTIPROC_DIR = Path(
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(settings.PROMETHEUS_MULTIPROC_DIR))
)
MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)

from prometheus_client import (  # noqa: E402  (after the directory is set)
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector  # noqa: E402

REQUEST_DURATION = Histogram(
    "talentmatch_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL route (the pattern, never the raw path).",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "talentmatch_http_requests",
    "HTTP requests answered, by URL route, method and status code.",
    ["route", "method", "status"],
)
TASK_DURATION = Histogram(
    "talentmatch_celery_task_duration_seconds",
    "Run time of a Celery task in the worker, by task name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600),
)
TASK_FAILURES = Counter(
    "talentmatch_celery_task_failures",
    "Celery task runs that raised, by task name.",
    ["task"],
)
TASK_RETRIES = Counter(
    "talentmatch_celery_task_retries",
    "Celery task runs that asked to retry, by task name.",
    ["task"],
)

UNMATCHED_ROUTE = "<unmatched>"
# Anything else a client sends becomes "other": a label value per made-up method would grow
# the series without bound.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# (route, method, status) -> its two series; as bounded as the routes themselves.
_series: dict[tuple[str, str, int], tuple[Any, Any]] = {}


class MetricsMiddleware:
    """Observes each request's duration and counts it under its resolved route."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        route = match.route if match is not None else UNMATCHED_ROUTE
        method = request.method if request.method in METHODS else "other"
        key = (route, method, response.status_code)
        series = _series.get(key)
        if series is None:
            # labels() validates and locks on each call: look each series up once.
            series = _series[key] = (
                REQUEST_DURATION.labels(route, method),
                REQUESTS.labels(route, method, str(response.status_code)),
            )
        series[0].observe(elapsed)
        series[1].inc()
        return response


def _has_metrics_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given, token)


def render() -> bytes:
    """The figures of every process, plus those read from the database and broker now."""
    from config.observability.collectors import ScrapeTimeCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(MULTIPROC_DIR))
    registry.register(ScrapeTimeCollector())
    return generate_latest(registry)


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for staff (session) or a scraper holding METRICS_TOKEN."""
    if not _has_metrics_token(request):
        if not request.user.is_authenticated:
            response = HttpResponse("Authentication required.\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not request.user.is_staff:
            return HttpResponse("Staff only.\n", status=403)
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
