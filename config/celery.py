import contextlib
import gc
import os
from collections.abc import Iterator

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("talentmatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Database connections in the worker live as in the web process: Django's CONN_MAX_AGE and
# CONN_HEALTH_CHECKS decide at each task's start and end (close_old_connections below), as
# at each request's. Without a reuse limit Celery's Django fixup closes every connection
# before and after every task: a new PostgreSQL connection (a backend forked, ~20-30 ms)
# per task whatever CONN_MAX_AGE says. Its forced close every DB_REUSE_MAX tasks stays as a
# backstop. (The test settings keep CONN_MAX_AGE 0: a connection per task, as before.)
app.add_defaults({"CELERY_DB_REUSE_MAX": 500})


@contextlib.contextmanager
def tasks_in_this_process() -> Iterator[None]:
    """Tasks enqueued in this block run at once in this process (Celery's eager mode), errors
    raised: for a command that works on its own throwaway database, whose ids no worker may
    meet."""
    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@signals.task_prerun.connect(dispatch_uid="talentmatch.db_connections_prerun")
@signals.task_postrun.connect(dispatch_uid="talentmatch.db_connections_postrun")
def _close_old_db_connections(task=None, **kwargs) -> None:
    if task is not None and not getattr(task.request, "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()


# Worker options, chosen for the resume pipeline (bench_parser --workers N measures them):
# - pool: prefork (the default). Extraction and parsing are CPU-bound Python: threads or
#   gevent would share one GIL; one process per core runs them in parallel.
# - concurrency: the number of cores (Celery's default). More processes than cores only
#   add context switches to CPU-bound tasks; OCR and parsing have their own queues, so a
#   deployment scales each with its own workers (`-Q ocr`, `-Q parsing`).
# - prefetch multiplier: 1 (CELERY_WORKER_PREFETCH_MULTIPLIER). Tasks are acks_late and
#   range from ~25 ms (a text PDF's step) to minutes (OCR of a long scan); a worker that
#   reserved more would sit on messages another idle worker could run. On redis the next
#   message comes one round trip (~1 ms) after the ack, small beside a task.


@signals.worker_process_init.connect(dispatch_uid="talentmatch.gc_freeze")
def _freeze_startup_objects(**kwargs) -> None:
    """Take what the process loaded at start (Django, apps, modules) out of the collector's
    generations: every full collection would walk it again while a task runs (resume parsing
    p95 fell by about a quarter on the dev text PDFs)."""
    gc.collect()
    gc.freeze()


# Request ids into task headers, task ids and metrics, JSON worker logs, tracing per child.
import config.observability.celery  # noqa: E402, F401
