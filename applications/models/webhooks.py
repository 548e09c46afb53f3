"""Webhooks for integrators: endpoints a company registers, and the log of every delivery."""

from __future__ import annotations

import secrets

from django.contrib.postgres.fields import ArrayField
from django.db import models

WEBHOOK_EVENTS = (
    ("application.created", "Application created"),
    ("application.stage_changed", "Application stage changed"),
    ("application.withdrawn", "Application withdrawn"),
    ("job.published", "Job published"),
    ("job.closed", "Job closed"),
)


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=80, default=_new_secret)
    events = ArrayField(models.CharField(max_length=64, choices=WEBHOOK_EVENTS), default=list)
    is_active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "url"]

    def __str__(self) -> str:
        return f"{self.url} ({self.company_id})"


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RETRYING = "retrying", "Retrying"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=64)
    # The event's id (the same on a replay), so receivers can drop duplicates.
    event_id = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)
    replay_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replays"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            # One delivery per endpoint and event; replays are extra rows pointing at it.
            models.UniqueConstraint(
                fields=["endpoint", "event_id"],
                condition=models.Q(replay_of__isnull=True),
                name="webhook_delivery_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}: {self.status}"
