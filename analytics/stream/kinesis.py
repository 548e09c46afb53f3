"""Amazon Kinesis Data Streams producer (`put_records`), partitioned by subject.

Delivery is at least once: a run that dies after Kinesis accepted a batch but before the
watermark moved sends it again. Consumers drop repeats by `event_id`.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from analytics.stream.aws import make_client, ordered_calls, permanent_or_raise, send_until_accepted
from analytics.stream.base import EventRecord

MAX_RECORDS = 500  # PutRecords limits: 500 records and 5 MiB per call, 1 MiB per record
MAX_CALL_BYTES = 5 * 1024 * 1024
MAX_RECORD_BYTES = 1024 * 1024


class KinesisEventStream:
    def __init__(
        self,
        *,
        stream_name: str,
        region_name: str = "us-east-1",
        endpoint_url: str | None = None,
        max_attempts: int = 8,
        base_delay: float = 0.1,
    ) -> None:
        self.stream_name = stream_name
        self.client: Any = make_client(
            "kinesis", region_name=region_name, endpoint_url=endpoint_url
        )
        self.max_attempts = max_attempts
        self.base_delay = base_delay

    def publish(self, events: list[EventRecord]) -> None:
        calls = ordered_calls(
            events,
            max_entries=MAX_RECORDS,
            max_bytes=MAX_CALL_BYTES,
            max_entry_bytes=MAX_RECORD_BYTES,
            size=_record_bytes,
        )
        for call in calls:
            send_until_accepted(
                call, self._put, max_attempts=self.max_attempts, base_delay=self.base_delay
            )

    def _put(self, events: list[EventRecord]) -> list[int]:
        try:
            response = self.client.put_records(
                StreamName=self.stream_name,
                Records=[
                    {"Data": event.as_json().encode(), "PartitionKey": event.partition_key}
                    for event in events
                ],
            )
        except ClientError as exc:
            raise permanent_or_raise(exc) from exc
        return [i for i, result in enumerate(response["Records"]) if result.get("ErrorCode")]


def _record_bytes(event: EventRecord) -> int:
    return len(event.as_json().encode()) + len(event.partition_key.encode())
