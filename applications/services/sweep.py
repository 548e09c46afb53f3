"""The periodic sweep (beat, every 5 minutes): enqueue again the work whose broker message was
lost. Every task it enqueues is idempotent (a notification is unique per recipient and cause,
a message per never-twice key), so a task that was only late does no harm. Like every enqueue
of this app it publishes on commit: beat runs it in autocommit (at once); run inside a
transaction that rolls back (a test's), it publishes nothing.

Each cause of notifications is swept the same way: its task marks the row `notified_at` in the
transaction that writes the notifications and messages (also when nobody was to be told), so
the rows of the window left unmarked are given to the cause's own task again.

| cause | task |
| --- | --- |
| stage change | `notify_stage_change` |
| note with @mentions | `notify_mentions` |
| new scorecard | `notify_scorecard` |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Model
from django.utils import timezone

from applications.models import Message, Note, Scorecard, StageChange, WebhookDelivery


@dataclass(frozen=True)
class Requeued:
    notifications: int  # stage changes never notified
    webhooks: int
    messages: int
    deliveries: int
    mentions: int = 0  # notes whose @mentions were never notified
    scorecards: int = 0  # new scorecards the team never heard of


def _lost(model: type[Model], window: dict[str, Any], **where: Any) -> list[int]:
    rows = model.objects.filter(**window, **where, notified_at__isnull=True)
    return list(rows.values_list("pk", flat=True).distinct())


def _lost_mentions(window: dict[str, Any]) -> list[int]:
    return _lost(Note, window, mentions__isnull=False)


def _lost_scorecards(window: dict[str, Any]) -> list[int]:
    return _lost(Scorecard, window)


def _lost_stage_changes(window: dict[str, Any]) -> list[int]:
    return _lost(StageChange, window)


def _causes() -> dict[str, tuple[Callable[[dict[str, Any]], list[int]], Any]]:
    """Requeued's field → (the lost rows of the window, the task that notifies one row)."""
    from applications import tasks

    return {
        "notifications": (_lost_stage_changes, tasks.notify_stage_change),
        "mentions": (_lost_mentions, tasks.notify_mentions),
        "scorecards": (_lost_scorecards, tasks.notify_scorecard),
    }


def requeue_stuck(*, older_than_minutes: int = 15, within_days: int = 2) -> Requeued:
    """Enqueue again every notification task, message and webhook work whose broker message
    was lost: causes never notified (stage changes, @mentions, scorecards), transitions never
    dispatched to webhooks, messages and deliveries never attempted."""
    from applications import tasks

    now = timezone.now()
    window = {
        "created_at__lt": now - timedelta(minutes=older_than_minutes),
        "created_at__gt": now - timedelta(days=within_days),
    }
    counts: dict[str, int] = {}
    for field, (lost, task) in _causes().items():
        ids = lost(window)
        for pk in ids:
            task.delay_on_commit(pk)
        counts[field] = len(ids)
    undispatched = list(StageChange.objects.filter(**window, webhooks_at__isnull=True))
    for change in undispatched:
        tasks.dispatch_webhooks.delay_on_commit(change.event, "stage_change", change.pk)
    messages = list(
        Message.objects.filter(status=Message.Status.QUEUED, attempts=0, **window).values_list(
            "pk", flat=True
        )
    )
    for pk in messages:
        tasks.send_message.delay_on_commit(pk)
    deliveries = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, attempts=0, **window
        ).values_list("pk", flat=True)
    )
    for pk in deliveries:
        tasks.deliver_webhook.delay_on_commit(pk)
    return Requeued(
        webhooks=len(undispatched), messages=len(messages), deliveries=len(deliveries), **counts
    )
