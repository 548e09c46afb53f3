"""OpenTelemetry traces of Django, Celery, psycopg and botocore, exported over OTLP/HTTP.

Off by default: `setup_tracing()` returns at once unless settings.OTEL_ENABLED (on when
OTEL_EXPORTER_OTLP_ENDPOINT is set), and OpenTelemetry is imported only past that check, so a
process without tracing pays nothing. The exporter reads the standard variables itself:
OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT), OTEL_EXPORTER_OTLP_HEADERS,
OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER...

Called from config/wsgi.py and config/asgi.py (before Django loads its middleware, which the
Django instrumentation adds to) and in each Celery worker child (`worker_process_init`).
"""

from __future__ import annotations

import os

_started = False


def setup_tracing(*, service_name: str = "talentmatch") -> bool:
    """Install the tracer provider and the instrumentations once per process; True if on."""
    global _started
    from django.conf import settings

    if _started or not settings.OTEL_ENABLED:
        return _started
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.botocore import BotocoreInstrumentor
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.threading import ThreadingInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME wins when set; attributes given here would override it.
    attributes = {} if os.environ.get("OTEL_SERVICE_NAME") else {"service.name": service_name}
    provider = TracerProvider(resource=Resource.create(attributes))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument()
    CeleryInstrumentor().instrument()
    PsycopgInstrumentor().instrument()
    BotocoreInstrumentor().instrument()
    # S3 uploads go through s3transfer's thread pool: the threads carry on the caller's trace.
    ThreadingInstrumentor().instrument()
    _started = True
    return True
