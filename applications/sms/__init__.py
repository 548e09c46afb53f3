"""`get_sms_sender()`: the configured SMS backend (settings.SMS_BACKEND), loaded once."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from applications.sms.base import (
    PermanentSmsError,
    SmsError,
    SmsResult,
    SmsSender,
    TransientSmsError,
)

DEFAULT = {"BACKEND": "applications.sms.console.ConsoleSmsSender", "OPTIONS": {}}


@functools.cache
def get_sms_sender() -> SmsSender:
    config: dict[str, Any] = getattr(settings, "SMS_BACKEND", DEFAULT)
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "SMS_BACKEND":
        get_sms_sender.cache_clear()


__all__ = [
    "PermanentSmsError",
    "SmsError",
    "SmsResult",
    "SmsSender",
    "TransientSmsError",
    "get_sms_sender",
]
