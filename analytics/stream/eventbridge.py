"""Amazon EventBridge producer (`put_events`): each event on a bus, for rules to route.

EventBridge delivers to targets at least once and does not keep order; the producer still
sends a subject's events one after another (analytics.stream.aws), and consumers order by
`event_id` and drop repeats by it.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from analytics.stream.aws import make_client, ordered_calls, permanent_or_raise, send_until_accepted
from analytics.stream.base import EventRecord

MAX_ENTRIES = 10  # PutEvents limits: 10 entries and 256 KiB per call
MAX_CALL_BYTES = 256 * 1024


class EventBridgeEventStream:
    def __init__(
        self,
        *,
        event_bus_name: str,
        source: str = "talentmatch",
        region_name: str = "us-east-1",
        endpoint_url: str | None = None,
        max_attempts: int = 8,
        base_delay: float = 0.1,
    ) -> None:
        self.event_bus_name = event_bus_name
        self.source = source
        self.client: Any = make_client("events", region_name=region_name, endpoint_url=endpoint_url)
        self.max_attempts = max_attempts
        self.base_delay = base_delay

    def publish(self, events: list[EventRecord]) -> None:
        calls = ordered_calls(
            events,
            max_entries=MAX_ENTRIES,
            max_bytes=MAX_CALL_BYTES,
            max_entry_bytes=MAX_CALL_BYTES,
            size=self._entry_bytes,
        )
        for call in calls:
            send_until_accepted(
                call, self._put, max_attempts=self.max_attempts, base_delay=self.base_delay
            )

    def _entry(self, event: EventRecord) -> dict[str, Any]:
        return {
            "Source": self.source,
            "DetailType": event.kind,
            "Detail": event.as_json(),
            "EventBusName": self.event_bus_name,
            "Time": event.occurred_at,
        }

    def _entry_bytes(self, event: EventRecord) -> int:
        # AWS's own formula: 14 bytes for Time, plus Source, DetailType and Detail in UTF-8.
        return 14 + sum(len(s.encode()) for s in (self.source, event.kind, event.as_json()))

    def _put(self, events: list[EventRecord]) -> list[int]:
        try:
            response = self.client.put_events(Entries=[self._entry(e) for e in events])
        except ClientError as exc:
            raise permanent_or_raise(exc) from exc
        return [i for i, entry in enumerate(response["Entries"]) if entry.get("ErrorCode")]
