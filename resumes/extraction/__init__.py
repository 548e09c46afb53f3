"""`get_text_extractor()`: the backend named by `RESUME_TEXT_EXTRACTOR`, loaded once."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from resumes.extraction.base import TextExtractor


@functools.cache
def get_text_extractor() -> TextExtractor:
    config = settings.RESUME_TEXT_EXTRACTOR
    backend = import_string(config["BACKEND"])
    return backend(**config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "RESUME_TEXT_EXTRACTOR":
        get_text_extractor.cache_clear()
