"""`get_event_stream()`: the backend named by `EVENT_STREAM`, loaded once."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from analytics.stream.base import EventStream


@functools.cache
def get_event_stream() -> EventStream:
    config = settings.EVENT_STREAM
    backend = import_string(config["BACKEND"])
    return backend(**config.get("OPTIONS", {}))


def stream_cursor_name() -> str:
    """The watermark's name: each configured stream keeps its own (a new one starts at the
    first event, so switching backends replays the history into the new one)."""
    return settings.EVENT_STREAM.get("CURSOR", "default")


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "EVENT_STREAM":
        get_event_stream.cache_clear()
