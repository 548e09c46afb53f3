"""Observability wiring: request/task ids in the logs, Prometheus metrics, OpenTelemetry traces.

- `celery`: Celery signal receivers (the request id in task headers, task ids and metrics).
- `metrics`: the metric objects, the request-metrics middleware and the `/metrics` view.
- `collectors`: figures read at scrape time (queue depth, parse failures, match lag).
- `tracing`: OpenTelemetry set-up, imported only when tracing is switched on.

docs/observability.md says how to watch all of it.
"""
