"""Thin periodic tasks (CELERY_BEAT_SCHEDULE): publish new events, compact the lake daily,
purge the audit log past its retention.

Both are safe to run twice or to kill at any point: the publisher holds a row lock on its
cursor (a second run returns at once) and re-sends an unrecorded batch identically.
"""

from __future__ import annotations

import logging

from celery import shared_task

from analytics import audit, services
from analytics.stream.base import EventStreamError

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=300, time_limit=330)
def publish_events_task() -> int:
    try:
        result = services.publish_pending_events(max_batches=200)
    except EventStreamError as exc:  # needs a person; the next run tries again
        logger.error("Event stream refused the batch: %s", exc)
        return 0
    return result.events


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def compact_event_lake_task() -> int:
    return len(services.compact_event_lake())


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def purge_audit_log_task() -> int:
    """Daily: drop the audit entries older than AUDIT_RETENTION_DAYS (the trigger checks it)."""
    return audit.purge_audit_log()
