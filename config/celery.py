import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("talentmatch")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids into task headers, task ids and metrics, JSON worker logs, tracing per child.
import config.observability.celery  # noqa: E402, F401
