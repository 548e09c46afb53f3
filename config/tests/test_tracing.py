"""OpenTelemetry traces, exported over OTLP/HTTP to a real receiver on 127.0.0.1.

The web runs in gunicorn (config/wsgi.py sets tracing up) and tasks in a real Celery worker
(each child sets it up on `worker_process_init`), both pointed at the receiver by the standard
OTEL_* variables; the receiver decodes the `ExportTraceServiceRequest` protobufs they post.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import pytest
import requests
from django.db import connection
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from config.testing import ROOT, free_port, wait_until
from conftest import PASSWORD
from resumes.tests import documents

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    span: Span

    @property
    def attributes(self) -> dict[str, object]:
        values = {}
        for item in self.span.attributes:
            kind = item.value.WhichOneof("value")
            values[item.key] = getattr(item.value, kind) if kind else None
        return values


class OtlpReceiver:
    """The spans posted to /v1/traces, as a collector (or the ADOT collector) would get them."""

    def __init__(self) -> None:
        self.spans: list[ReceivedSpan] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                export = ExportTraceServiceRequest()
                export.ParseFromString(body)
                received = []
                for resource_spans in export.resource_spans:
                    attributes = {
                        a.key: a.value.string_value for a in resource_spans.resource.attributes
                    }
                    for scope_spans in resource_spans.scope_spans:
                        for span in scope_spans.spans:
                            received.append(ReceivedSpan(attributes["service.name"], span))
                with receiver.lock:
                    receiver.spans.extend(received)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200 if self.path == "/v1/traces" else 404)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def find(self, predicate) -> list[ReceivedSpan]:
        with self.lock:
            return [s for s in self.spans if predicate(s)]

    def children_of(self, parent: ReceivedSpan) -> list[ReceivedSpan]:
        return self.find(
            lambda s: (
                s.span.trace_id == parent.span.trace_id
                and s.span.parent_span_id == parent.span.span_id
            )
        )


@pytest.fixture
def otlp_receiver() -> Iterator[OtlpReceiver]:
    receiver = OtlpReceiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def traced_env(otlp_receiver, moto_reset, settings) -> dict[str, str]:
    """Tracing on (by the endpoint alone), files on moto's S3: what web and worker both get."""
    bucket = f"talentmatch-traces-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=moto_reset, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    return {
        "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_receiver.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",  # export every 0.1 s, not every 5 s
        "USE_S3": "1",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": moto_reset,
    }


@pytest.fixture
def web(traced_env, settings, tmp_path) -> Iterator[str]:
    """gunicorn serving config.wsgi on the test database; yields its base URL."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "TALENTMATCH_TEST_DB_NAME": connection.settings_dict["NAME"],
        "TALENTMATCH_TEST_RUN_DIR": str(settings.TEST_RUN_DIR),
        "OTEL_SERVICE_NAME": "talentmatch-web",
        **traced_env,
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--timeout", "60"]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{Path(log_path).read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, timeout=60)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def server_span(receiver: OtlpReceiver, route: str) -> ReceivedSpan | None:
    found = receiver.find(
        lambda s: s.span.kind == Span.SPAN_KIND_SERVER and s.attributes.get("http.route") == route
    )
    return found[0] if found else None


def test_a_request_is_a_django_span_with_its_database_and_s3_calls_as_children(web, otlp_receiver):
    response = requests.get(f"{web}/readyz", timeout=30)
    assert response.status_code == 200, response.text  # database, broker and S3 all answered

    def complete() -> ReceivedSpan | None:
        span = server_span(otlp_receiver, "readyz")
        if span is None:
            return None
        services = {c.attributes.get("rpc.service") for c in otlp_receiver.children_of(span)}
        return span if "S3" in services else None

    request = wait_until(complete, timeout=30)
    assert request.service == "talentmatch-web"
    assert request.span.name == "GET readyz"
    children = otlp_receiver.children_of(request)
    database = [c for c in children if c.attributes.get("db.system") == "postgresql"]
    assert database and all(c.span.kind == Span.SPAN_KIND_CLIENT for c in database)
    assert any("SELECT" in c.span.name for c in database)
    s3 = [c for c in children if c.attributes.get("rpc.service") == "S3"]
    assert {c.attributes.get("rpc.method") for c in s3} >= {"PutObject", "DeleteObject"}
    assert all(c.span.kind == Span.SPAN_KIND_CLIENT for c in s3)


def test_a_task_enqueued_by_a_request_runs_in_the_same_trace(
    web, otlp_receiver, traced_env, celery_worker_factory, candidate
):
    celery_worker_factory(
        queues="parsing", env={**traced_env, "OTEL_SERVICE_NAME": "talentmatch-worker"}
    )
    login = requests.post(
        f"{web}/_allauth/app/v1/auth/login",
        json={"email": candidate.email, "password": PASSWORD},
        timeout=30,
    )
    assert login.status_code == 200, login.text
    token = login.json()["meta"]["session_token"]
    upload = requests.post(
        f"{web}/api/v1/resumes/",
        files={"file": ("carol.pdf", documents.sample_pdf(), "application/pdf")},
        headers={"X-Session-Token": token},
        timeout=30,
    )
    assert upload.status_code == 202, upload.text

    def task_run() -> ReceivedSpan | None:
        runs = otlp_receiver.find(
            lambda s: (
                s.span.kind == Span.SPAN_KIND_CONSUMER
                and s.span.name == "run/resumes.tasks.extract_resume"
            )
        )
        return runs[0] if runs else None

    run = wait_until(task_run, timeout=90)
    assert run.service == "talentmatch-worker"
    request = wait_until(lambda: server_span(otlp_receiver, "api/v1/resumes/"), timeout=30)
    assert run.span.trace_id == request.span.trace_id
    # The web published the task inside the request; the worker's run continues that span.
    [publish] = otlp_receiver.find(lambda s: s.span.span_id == run.span.parent_span_id)
    assert publish.service == "talentmatch-web"
    assert publish.span.kind == Span.SPAN_KIND_PRODUCER
    assert publish.span.name == "apply_async/resumes.tasks.extract_resume"
    # The worker's own database calls belong to the task's span.
    assert any(
        c.attributes.get("db.system") == "postgresql" for c in otlp_receiver.children_of(run)
    )


def test_tracing_is_off_and_unimported_without_the_endpoint():
    code = (
        "import sys, django; django.setup();"
        "from config.observability.tracing import setup_tracing;"
        "assert setup_tracing() is False;"
        "import config.wsgi;"
        "print(sorted(m for m in sys.modules if m.startswith('opentelemetry')))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
