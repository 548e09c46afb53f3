"""Resume parsing backends, chosen by `settings.RESUME_PARSER` and loaded once."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from resumes.parsing.base import ResumeParser

DEFAULT_BACKEND = "resumes.parsing.local.LocalResumeParser"


@cache
def get_resume_parser() -> ResumeParser:
    config: dict[str, Any] = getattr(settings, "RESUME_PARSER", None) or {}
    backend = import_string(config.get("BACKEND", DEFAULT_BACKEND))
    return backend(**config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset_resume_parser(*, setting: str, **kwargs: Any) -> None:
    if setting == "RESUME_PARSER":
        get_resume_parser.cache_clear()
