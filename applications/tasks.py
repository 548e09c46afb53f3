"""Thin Celery tasks: ids in, one service call. Enqueued with `delay_on_commit` only."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from applications import notifications, webhooks


@shared_task(acks_late=True)
def notify_stage_change(stage_change_id: int) -> int:
    return len(notifications.notify_stage_change(stage_change_id=stage_change_id))


@shared_task(acks_late=True)
def notify_mentions(note_id: int) -> int:
    return len(notifications.notify_mentions(note_id=note_id))


@shared_task(acks_late=True)
def notify_scorecard(scorecard_id: int) -> int:
    return len(notifications.notify_scorecard(scorecard_id=scorecard_id))


@shared_task(bind=True, acks_late=True, max_retries=8)
def send_message(self, message_id: int) -> str:
    try:
        return notifications.send_message(
            message_id=message_id, final_attempt=self.request.retries >= self.max_retries
        ).status
    except notifications.TransientSendError as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(acks_late=True)
def dispatch_webhooks(event: str, source: str, source_id: int) -> int:
    return len(webhooks.create_deliveries(event=event, source=source, source_id=source_id))


@shared_task(bind=True, acks_late=True, max_retries=8)
def deliver_webhook(self, delivery_id: int) -> str:
    try:
        return webhooks.deliver(
            delivery_id=delivery_id, final_attempt=self.request.retries >= self.max_retries
        ).status
    except webhooks.DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task
def requeue_stuck_notifications() -> str:
    """Periodic (beat): re-enqueue notifications, messages and webhooks whose task was lost."""
    from applications import services

    return str(services.requeue_stuck())


def _backoff(retries: int) -> float:
    """Exponential: base · 2^retries seconds, capped (base is small in tests)."""
    base = getattr(settings, "NOTIFY_RETRY_BASE_SECONDS", 30.0)
    return min(base * (2**retries), 3600.0)
