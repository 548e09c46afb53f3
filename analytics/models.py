from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class CurrentTransactionId(models.Func):
    """The inserting transaction's 64-bit id (`pg_current_xact_id()`, never wraps around).

    The event stream publishes an event only once every transaction that could still commit
    an event with a lower id has finished (see `analytics.services.publish_pending_events`).
    """

    template = "pg_current_xact_id()::text::bigint"
    output_field = models.BigIntegerField()


class Event(models.Model):
    """Something that happened, kept for analytics and audit (`record_event` writes it)."""

    kind = models.CharField(max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Set by PostgreSQL on insert; the stream's watermark is expressed in these ids.
    txid = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "kind", "created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["txid", "id"], name="analytics_event_stream_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id}"


class StreamCursor(models.Model):
    """How far one event stream has published: the watermark, moved only after a publish.

    Events are published window by window. A window holds the events whose transaction id is
    in [`published_below_txid`, `window_below_txid`): all of them committed or rolled back
    before the window was opened, so its content never changes. Inside a window, events go
    out in id order in batches; `last_event_id` is the last one published.
    """

    name = models.CharField(max_length=64, unique=True)
    published_below_txid = models.BigIntegerField(default=0)
    window_below_txid = models.BigIntegerField(null=True, blank=True)
    last_event_id = models.BigIntegerField(default=0)
    events_published = models.BigIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} (last event {self.last_event_id})"


class AuditEntry(models.Model):
    """Who did what to whom, from where: one row per audited action (`analytics.audit`).

    Append-only, enforced by a database trigger (migration 0003): an UPDATE is refused, a
    DELETE only passes inside the retention purge for rows older than the retention. The
    actor and company are kept by id without a foreign-key constraint, so deleting a user or a
    company neither cascades into nor rewrites the log; `actor_email` keeps who it was.
    """

    action = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The actor's email at the time, or the email a failed login attempted (no actor then).
    actor_email = models.CharField(max_length=254, blank=True)
    company = models.ForeignKey(
        "accounts.Company",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["company", "created_at"], name="analytics_audit_company_idx"),
            models.Index(fields=["action", "created_at"], name="analytics_audit_action_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor_email or "system"
        return f"{self.action} by {who} on {self.target_type}:{self.target_id}"
