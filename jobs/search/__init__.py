"""Job search backends, chosen by `settings.JOB_SEARCH` and loaded once."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from jobs.search.base import JobSearchBackend

DEFAULT_BACKEND = "jobs.search.postgres.PostgresJobSearch"
ALIASES = {
    "postgres": "jobs.search.postgres.PostgresJobSearch",
    "opensearch": "jobs.search.opensearch.OpenSearchJobSearch",
}


def load_backend(path: str, options: dict[str, Any] | None = None) -> JobSearchBackend:
    """A backend by dotted path or alias ("postgres", "opensearch")."""
    return import_string(ALIASES.get(path, path))(**(options or {}))


@cache
def get_job_search() -> JobSearchBackend:
    config: dict[str, Any] = getattr(settings, "JOB_SEARCH", None) or {}
    return load_backend(config.get("BACKEND", DEFAULT_BACKEND), config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset_job_search(*, setting: str, **kwargs: Any) -> None:
    if setting == "JOB_SEARCH":
        get_job_search.cache_clear()
