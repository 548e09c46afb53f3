"""The SMS sender contract: one method, one result, two errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SmsResult:
    provider_id: str


class SmsError(Exception):
    """Sending failed; `transient` says whether trying again may help."""

    transient = False


class TransientSmsError(SmsError):
    transient = True


class PermanentSmsError(SmsError):
    transient = False


class SmsSender(Protocol):
    def send(self, *, to: str, body: str) -> SmsResult: ...
