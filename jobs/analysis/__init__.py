"""Job analysis backends, chosen by `settings.JOB_ANALYZER` and loaded once."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from jobs.analysis.base import JobAnalyzer

DEFAULT_BACKEND = "jobs.analysis.local.LocalJobAnalyzer"


@cache
def get_job_analyzer() -> JobAnalyzer:
    config: dict[str, Any] = getattr(settings, "JOB_ANALYZER", None) or {}
    backend = import_string(config.get("BACKEND", DEFAULT_BACKEND))
    return backend(**config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset_job_analyzer(*, setting: str, **kwargs: Any) -> None:
    if setting == "JOB_ANALYZER":
        get_job_analyzer.cache_clear()
