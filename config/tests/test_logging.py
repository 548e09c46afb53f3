"""Structured logs: one JSON object per line, each carrying the request's id."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest

from config.logging import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


class JsonLog:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def entries(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def for_request(self, request_id: str) -> list[dict]:
        return [entry for entry in self.entries() if entry["request_id"] == request_id]


@pytest.fixture
def json_log() -> Iterator[JsonLog]:
    """The production handler (settings.LOGGING's console handler), writing to a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield JsonLog(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_a_request_logs_a_json_line_with_the_request_id_it_echoes(client, json_log):
    response = client.get("/accounts/login/")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32  # made here: no load balancer sent one
    [access] = [e for e in json_log.for_request(request_id) if e["logger"] == "talentmatch.request"]
    assert access["level"] == "INFO"
    assert access["message"] == "GET /accounts/login/ 200"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/accounts/login/", 200)
    assert access["duration_ms"] >= 0


def test_the_load_balancers_request_id_is_kept(client, json_log):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="Root=1-67891233-abcdef")
    assert response["X-Request-ID"] == "Root=1-67891233-abcdef"
    assert json_log.for_request("Root=1-67891233-abcdef")


def test_a_request_id_that_could_forge_log_lines_is_replaced(client, json_log):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID='x"\n{"level": "INFO"}')
    assert response["X-Request-ID"].isalnum()
    assert json_log.for_request(response["X-Request-ID"])


def test_a_warning_during_a_request_carries_the_request_id(client, json_log):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    loggers = {entry["logger"] for entry in json_log.for_request(response["X-Request-ID"])}
    assert {"django.request", "talentmatch.request"} <= loggers


def test_health_probes_are_not_logged(client, json_log):
    client.get("/healthz")
    assert [e for e in json_log.entries() if e["logger"] == "talentmatch.request"] == []


def test_an_exception_is_one_json_line_with_its_traceback():
    try:
        raise ValueError("resume has no pages")
    except ValueError:
        record = logging.LogRecord(
            "resumes", logging.ERROR, __file__, 1, "parse failed", None, sys.exc_info()
        )
    record.resume_id = 42  # what `extra=` does
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "parse failed"
    assert entry["resume_id"] == 42
    assert entry["request_id"] == "-"  # outside a request
    assert "ValueError: resume has no pages" in entry["exception"]
