"""What the Kinesis and EventBridge producers share: clients, error mapping, ordered retries.

Neither service promises to keep the order of the entries of one batch call, and a retry of
the failed entries would put them behind entries that succeeded. So a call never carries two
events with the same partition key (subject), and a subject's next event is sent only after
its previous one was accepted: order per subject holds even across partial failures.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from analytics.stream.base import EventRecord, EventStreamError

# Error codes that retrying will not fix: the stream or bus is missing, access is refused,
# the request is malformed.
PERMANENT_CODES = {
    "ResourceNotFoundException",
    "AccessDeniedException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "ValidationException",
    "InvalidArgumentException",
    "KMSAccessDeniedException",
    "KMSDisabledException",
    "KMSNotFoundException",
}


class RecordsNotAccepted(Exception):
    """Some entries were still refused after every retry (transient: the next run resends)."""


def make_client(service: str, *, region_name: str, endpoint_url: str | None) -> Any:
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=20
    )
    return boto3.client(
        service, region_name=region_name, endpoint_url=endpoint_url or None, config=config
    )


def permanent_or_raise(error: ClientError) -> EventStreamError:
    """EventStreamError for a permanent failure; re-raises a transient one unchanged."""
    code = error.response.get("Error", {}).get("Code", "")
    if code in PERMANENT_CODES:
        return EventStreamError(f"{code}: {error}")
    raise error


def ordered_calls(
    events: list[EventRecord],
    *,
    max_entries: int,
    max_bytes: int,
    max_entry_bytes: int,
    size: Callable[[EventRecord], int],
) -> list[list[EventRecord]]:
    """Split events (sorted by id) into calls that each hold at most one event per partition
    key, in an order where every subject's events come in id order."""
    pending: dict[str, deque[EventRecord]] = {}
    for event in events:
        pending.setdefault(event.partition_key, deque()).append(event)
    calls: list[list[EventRecord]] = []
    while pending:
        heads = sorted((queue[0] for queue in pending.values()), key=lambda e: e.event_id)
        call: list[EventRecord] = []
        call_bytes = 0
        for event in heads:
            event_bytes = size(event)
            if event_bytes > max_entry_bytes:  # it can never be sent: stop and say so
                raise EventStreamError(
                    f"Event {event.event_id} is {event_bytes} bytes, over the limit of "
                    f"{max_entry_bytes}; shrink its payload."
                )
            if len(call) == max_entries or call_bytes + event_bytes > max_bytes:
                break
            call.append(event)
            call_bytes += event_bytes
        for event in call:
            queue = pending[event.partition_key]
            queue.popleft()
            if not queue:
                del pending[event.partition_key]
        calls.append(call)
    return calls


def send_until_accepted(
    entries: list[EventRecord],
    send: Callable[[list[EventRecord]], list[int]],
    *,
    max_attempts: int,
    base_delay: float,
    max_delay: float = 5.0,
) -> None:
    """Call `send` (which returns the indexes of refused entries), resending only the
    refused ones with exponential backoff and jitter."""
    remaining = entries
    for attempt in range(max_attempts):
        refused = send(remaining)
        if not refused:
            return
        remaining = [remaining[i] for i in refused]
        if attempt + 1 < max_attempts:
            delay = min(base_delay * 2**attempt, max_delay)
            time.sleep(delay * (0.5 + random.random() / 2))
    ids = ", ".join(str(e.event_id) for e in remaining[:10])
    raise RecordsNotAccepted(
        f"{len(remaining)} events refused after {max_attempts} attempts (ids {ids}...)"
    )
