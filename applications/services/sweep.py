"""The periodic sweep (beat, every 5 minutes): enqueue again the work whose broker message was
lost. Every task it enqueues is idempotent (a notification is unique per recipient and cause,
a message per never-twice key), so a task that was only late does no harm.

Each cause of notifications is swept the same way: the rows of the window whose task left no
trace are given to the cause's own task again.

| cause | task | no trace |
| --- | --- | --- |
| stage change | `notify_stage_change` | `notified_at` unset (the task sets it) |
| note with @mentions | `notify_mentions` | no notification or message with source `note:<id>` |
| new scorecard | `notify_scorecard` | no notification or message with source `scorecard:<id>` |

Notes and scorecards have no marker of their own, so their trace is the rows the task writes
(in one transaction: all of them or none). A cause with nobody to tell writes none; it is
enqueued only when one of its recipients would hear of it on some channel (`hears`), so a
scorecard in a one-recruiter company is not sent round every five minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from applications.models import (
    Kind,
    Message,
    Note,
    Notification,
    Scorecard,
    StageChange,
    WebhookDelivery,
)


@dataclass(frozen=True)
class Requeued:
    notifications: int  # stage changes never notified
    webhooks: int
    messages: int
    deliveries: int
    mentions: int = 0  # notes whose @mentions were never notified
    scorecards: int = 0  # new scorecards the team never heard of


def _untraced(rows: QuerySet, *, prefix: str, kind: str) -> list[Model]:
    """The rows whose `<prefix>:<id>` cause has no notification and no message yet."""
    rows = list(rows)
    if not rows:
        return []
    sources = {f"{prefix}:{row.pk}" for row in rows}
    applications = {row.application_id for row in rows}
    traced = set(Notification.objects.filter(source__in=sources).values_list("source", flat=True))
    keys = Message.objects.filter(kind=kind, application_id__in=applications).values_list(
        "key", flat=True
    )
    traced |= {key.rsplit(":", 2)[0] for key in keys}  # <source>:<channel>:<recipient>
    return [row for row in rows if f"{prefix}:{row.pk}" not in traced]


def _lost_mentions(window: dict[str, Any]) -> list[int]:
    from applications.notifications.queueing import hears
    from applications.notifications.recruiters import mention_recipients

    notes = Note.objects.filter(**window, mentions__isnull=False).distinct()
    return [
        note.pk
        for note in _untraced(notes, prefix="note", kind=Kind.MENTION)
        if any(hears(user, kind=Kind.MENTION) for user in mention_recipients(note))
    ]


def _lost_scorecards(window: dict[str, Any]) -> list[int]:
    from applications.notifications.queueing import hears
    from applications.notifications.recruiters import scorecard_recipients

    cards = Scorecard.objects.filter(**window).select_related("application__job")
    kind = Kind.SCORECARD_SUBMITTED
    return [
        card.pk
        for card in _untraced(cards, prefix="scorecard", kind=kind)
        if any(hears(user, kind=kind) for user in scorecard_recipients(card))
    ]


def _lost_stage_changes(window: dict[str, Any]) -> list[int]:
    return list(
        StageChange.objects.filter(**window, notified_at__isnull=True).values_list("pk", flat=True)
    )


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
            task.delay(pk)
        counts[field] = len(ids)
    undispatched = list(StageChange.objects.filter(**window, webhooks_at__isnull=True))
    for change in undispatched:
        tasks.dispatch_webhooks.delay(change.event, "stage_change", change.pk)
    messages = list(
        Message.objects.filter(status=Message.Status.QUEUED, attempts=0, **window).values_list(
            "pk", flat=True
        )
    )
    for pk in messages:
        tasks.send_message.delay(pk)
    deliveries = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, attempts=0, **window
        ).values_list("pk", flat=True)
    )
    for pk in deliveries:
        tasks.deliver_webhook.delay(pk)
    return Requeued(
        webhooks=len(undispatched), messages=len(messages), deliveries=len(deliveries), **counts
    )
