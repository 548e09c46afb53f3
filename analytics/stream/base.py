"""The event stream contract: one method, one record type, one permanent error.

`EventRecord` is the published, versioned event schema (docs/events.md). Bump
`SCHEMA_VERSION` when a field changes meaning or type; adding a payload key does not.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any, Protocol

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class EventRecord:
    event_id: int
    schema_version: int
    kind: str
    occurred_at: dt.datetime  # timezone-aware, UTC
    actor_id: int | None
    company_id: int | None
    subject_type: str
    subject_id: str
    payload: str  # a JSON object, as text

    @property
    def partition_key(self) -> str:
        """Events with the same key keep their order: one subject, or the kind when none."""
        if self.subject_type or self.subject_id:
            return f"{self.subject_type}:{self.subject_id}"
        return self.kind

    def as_json(self) -> str:
        """The record as a JSON object (Kinesis data, EventBridge detail)."""
        data: dict[str, Any] = asdict(self)
        data["occurred_at"] = self.occurred_at.astimezone(dt.UTC).isoformat()
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


class EventStreamError(Exception):
    """Publishing cannot succeed until someone changes something (permanent): a missing
    stream or bus, refused credentials, a record over the service's size limit.
    Any other exception is treated as transient; the next run tries the same batch again."""


class EventStream(Protocol):
    def publish(self, events: list[EventRecord]) -> None:
        """Deliver `events` (sorted by event_id) or raise; must be safe to call again with
        the same list after a crash (the publisher re-sends a batch it did not record)."""
        ...
