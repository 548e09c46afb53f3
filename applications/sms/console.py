"""Local SMS: written to the log, like Django's console email backend."""

from __future__ import annotations

import logging
import uuid

from applications.sms.base import SmsResult

logger = logging.getLogger("applications.sms")


class ConsoleSmsSender:
    def __init__(self, **options: object) -> None:
        pass

    def send(self, *, to: str, body: str) -> SmsResult:
        provider_id = f"console-{uuid.uuid4()}"
        logger.info("SMS to %s: %s", to, body, extra={"provider_id": provider_id})
        return SmsResult(provider_id=provider_id)
