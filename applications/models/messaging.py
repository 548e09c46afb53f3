"""Notifications: in-app rows, the message log (email/SMS), preferences, SMS consent, templates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    """What a notification is about; candidates and recruiters choose channels per kind."""

    APPLICATION_RECEIVED = "application_received", "Application received"
    STAGE_CHANGED = "stage_changed", "Application status changed"
    MENTION = "mention", "Mentioned in a note"
    NEW_APPLICATION = "new_application", "New application for your job"
    RECRUITER_MESSAGE = "recruiter_message", "Message from a recruiter"
    CANDIDATE_WITHDREW = "candidate_withdrew", "A candidate withdrew"
    SCORECARD_SUBMITTED = "scorecard_submitted", "A teammate submitted a scorecard"


# Who chooses which kinds: candidates hear about their applications, recruiters about the
# jobs they hire for (the hiring team, or the whole company when a job has none).
CANDIDATE_KINDS = [Kind.APPLICATION_RECEIVED, Kind.STAGE_CHANGED, Kind.RECRUITER_MESSAGE]
RECRUITER_KINDS = [
    Kind.NEW_APPLICATION,
    Kind.MENTION,
    Kind.CANDIDATE_WITHDREW,
    Kind.SCORECARD_SUBMITTED,
]


class Channel(models.TextChoices):
    IN_APP = "in_app", "In-app"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app notification (the app's inbox, the portal's bell)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # What caused it ("stage_change:12", "note:5"): one notification per cause and recipient.
    source = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source"], name="notification_once_per_source"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"


class Message(models.Model):
    """The log of every email and SMS: what, to whom, when, channel, provider id, status.

    One row per (cause, channel, recipient), created before sending: the unique `key` is what
    keeps a retried task from sending a transition's message twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Unknown (interrupted while sending)"
        SKIPPED = "skipped", "Skipped"

    key = models.CharField(max_length=120, unique=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="messages"
    )
    to = models.CharField(max_length=254, help_text="Email address or phone number.")
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    provider_id = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.status}"


class NotificationPreference(models.Model):
    """A user's choice for one (kind, channel); a missing row means the channel's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField()
    updated_at = models.DateTimeField(auto_now=True)

    # In-app and email are on unless switched off; SMS is off unless switched on (and consented).
    DEFAULTS = {Channel.IN_APP: True, Channel.EMAIL: True, Channel.SMS: False}

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}: {self.enabled}"


class SmsConsent(models.Model):
    """Consent to receive SMS at a number: when and where it was given, and its withdrawal."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sms_consents"
    )
    phone = models.CharField(max_length=20, help_text="E.164, e.g. +4915112345678.")
    source = models.CharField(max_length=64, help_text="Where consent was given (api, portal…).")
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="sms_consent_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.phone} ({'revoked' if self.revoked_at else 'active'})"


class EmailTemplate(models.Model):
    """A company's email for candidates entering a stage (by stage slug); variables are safe
    placeholders like ``{{ candidate_name }}``, never Django template code."""

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="email_templates"
    )
    stage_slug = models.SlugField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=10_000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage_slug"]
        constraints = [
            models.UniqueConstraint(fields=["company", "stage_slug"], name="email_template_unique")
        ]

    def __str__(self) -> str:
        return f"{self.company_id}/{self.stage_slug}"
