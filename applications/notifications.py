"""Notifications: who hears about what, on which channel, and the sending itself.

`notify_stage_change` turns one history row into in-app notifications and queued `Message`
rows; `send_message` sends one queued row. Both are safe to run again: a notification is
unique per (recipient, cause) and a message per (cause, channel, recipient), and a message is
claimed (`queued → sending`) before the provider is called, so a retried task never sends
twice. A task killed between the provider's answer and the commit leaves the row `sending`;
it is then marked `unknown` for a person to check, rather than risking a second message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from analytics.services import record_event
from applications.models import (
    Application,
    Channel,
    EmailTemplate,
    Kind,
    Message,
    Note,
    Notification,
    NotificationPreference,
    PipelineStage,
    SmsConsent,
    StageChange,
)
from applications.sms import SmsError, get_sms_sender

logger = logging.getLogger(__name__)


# --- Preferences and consent ------------------------------------------------------------


def wants(user: User, *, kind: str, channel: str) -> bool:
    pref = NotificationPreference.objects.filter(user=user, kind=kind, channel=channel).first()
    return pref.enabled if pref else NotificationPreference.DEFAULTS[channel]


def preferences_of(user: User) -> dict[str, dict[str, bool]]:
    stored = {
        (p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(user=user)
    }
    return {
        kind: {
            channel: stored.get((kind, channel), NotificationPreference.DEFAULTS[channel])
            for channel in Channel.values
        }
        for kind in Kind.values
    }


@transaction.atomic
def set_preferences(*, user: User, changes: Mapping[str, Mapping[str, bool]]) -> None:
    for kind, channels in changes.items():
        if kind not in Kind.values:
            raise ValidationError(f"Unknown notification kind: {kind}")
        for channel, enabled in channels.items():
            if channel not in Channel.values:
                raise ValidationError(f"Unknown channel: {channel}")
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": bool(enabled)}
            )


E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def active_consent(user: User) -> SmsConsent | None:
    return SmsConsent.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def grant_sms_consent(
    *, user: User, phone: str, source: str, ip_address: str | None = None
) -> SmsConsent:
    phone = phone.replace(" ", "")
    if not E164.match(phone):
        raise ValidationError("Give the phone number in international format, e.g. +4915112345678.")
    SmsConsent.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return SmsConsent.objects.create(
        user=user, phone=phone, source=source, granted_at=timezone.now(), ip_address=ip_address
    )


def revoke_sms_consent(*, user: User) -> int:
    return SmsConsent.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- Email templates with safe variables ----------------------------------------------------

VARIABLES = {
    "candidate_name": "Carol Nguyen",
    "candidate_first_name": "Carol",
    "job_title": "Backend Engineer",
    "company_name": "Acme Robotics",
    "stage_name": "Interview",
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")
ANY_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
DEFAULT_SUBJECT = "Your application for {{ job_title }} at {{ company_name }}"
DEFAULT_BODIES = {
    PipelineStage.Kind.OPEN: (
        "Hello {{ candidate_first_name }},\n\nYour application for {{ job_title }} at "
        "{{ company_name }} has moved to: {{ stage_name }}.\n\nWe will be in touch."
    ),
    PipelineStage.Kind.HIRED: (
        "Hello {{ candidate_first_name }},\n\nCongratulations: {{ company_name }} would like "
        "you to join as {{ job_title }}."
    ),
    PipelineStage.Kind.REJECTED: (
        "Hello {{ candidate_first_name }},\n\nThank you for applying for {{ job_title }} at "
        "{{ company_name }}. We have decided not to continue with your application."
    ),
    PipelineStage.Kind.WITHDRAWN: (
        "Hello {{ candidate_first_name }},\n\nYour application for {{ job_title }} was withdrawn."
    ),
}


def validate_template(text: str) -> None:
    """Only the known variables: recruiters write text, never template code."""
    used = {inner.strip() for inner in ANY_PLACEHOLDER.findall(text)}
    unknown = sorted(name for name in used if name not in VARIABLES)
    if unknown:
        raise ValidationError(
            f"Unknown variable(s): {', '.join(unknown)}. Use: {', '.join(VARIABLES)}."
        )
    if "{%" in text:
        raise ValidationError("Template tags ({% … %}) are not allowed; use {{ variables }}.")


def render_text(text: str, variables: Mapping[str, str]) -> str:
    """Substitute `{{ name }}` placeholders; the result is plain text (emails are text/plain)."""
    return PLACEHOLDER.sub(lambda m: str(variables.get(m.group(1), "")), text)


def variables_for(application: Application, stage: PipelineStage) -> dict[str, str]:
    candidate = application.candidate
    name = candidate.get_full_name() or candidate.email
    return {
        "candidate_name": name,
        "candidate_first_name": candidate.first_name or name,
        "job_title": application.job.title,
        "company_name": application.job.company.name,
        "stage_name": stage.name,
    }


def email_for_stage(application: Application, stage: PipelineStage) -> tuple[str, str]:
    template = EmailTemplate.objects.filter(
        company_id=application.job.company_id, stage_slug=stage.slug
    ).first()
    subject = template.subject if template else DEFAULT_SUBJECT
    body = template.body if template else DEFAULT_BODIES[stage.kind]
    variables = variables_for(application, stage)
    return render_text(subject, variables).replace("\n", " "), render_text(body, variables)


def preview_template(*, subject: str, body: str) -> tuple[str, str]:
    validate_template(subject)
    validate_template(body)
    return render_text(subject, VARIABLES).replace("\n", " "), render_text(body, VARIABLES)


# --- From events to notifications and messages -------------------------------------------


def _team(application: Application) -> list[User]:
    team = list(application.job.hiring_team.all())
    if not team:
        team = list(User.objects.filter(memberships__company_id=application.job.company_id))
    return team


def _notify(
    *, recipient: User, kind: str, source: str, title: str, body: str, application: Application
) -> Notification | None:
    if not wants(recipient, kind=kind, channel=Channel.IN_APP):
        return None
    notification, _ = Notification.objects.get_or_create(
        recipient=recipient,
        source=source,
        defaults={"kind": kind, "title": title, "body": body, "application": application},
    )
    return notification


def _queue_message(
    *,
    key: str,
    channel: str,
    kind: str,
    recipient: User,
    to: str,
    subject: str,
    body: str,
    application: Application,
) -> Message:
    message, _ = Message.objects.get_or_create(
        key=key,
        defaults={
            "channel": channel,
            "kind": kind,
            "recipient": recipient,
            "to": to,
            "subject": subject,
            "body": body,
            "application": application,
            "company_id": application.job.company_id,
        },
    )
    return message


@transaction.atomic
def notify_stage_change(*, stage_change_id: int) -> list[Message]:
    """In-app notifications and queued messages for one transition (idempotent)."""
    messages = _notify_stage_change(stage_change_id)
    StageChange.objects.filter(pk=stage_change_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return messages


def _notify_stage_change(stage_change_id: int) -> list[Message]:
    change = (
        StageChange.objects.select_related(
            "application__job__company", "application__candidate", "to_stage", "by"
        )
        .filter(pk=stage_change_id)
        .first()
    )
    if change is None:
        return []
    application, stage = change.application, change.to_stage
    candidate, job = application.candidate, application.job
    source = f"stage_change:{change.pk}"
    messages: list[Message] = []

    if change.from_stage_id is None:  # a new application
        _notify(
            recipient=candidate,
            kind=Kind.APPLICATION_RECEIVED,
            source=source,
            title=f"Application sent: {job.title}",
            body=f"{job.company.name} received your application.",
            application=application,
        )
        for member in _team(application):
            _notify(
                recipient=member,
                kind=Kind.NEW_APPLICATION,
                source=source,
                title=f"New application for {job.title}",
                body=candidate.get_full_name() or candidate.email,
                application=application,
            )
        return messages

    if stage.kind == PipelineStage.Kind.WITHDRAWN:
        for member in _team(application):
            _notify(
                recipient=member,
                kind=Kind.STAGE_CHANGED,
                source=source,
                title=f"Withdrawn: {job.title}",
                body=f"{candidate.get_full_name() or candidate.email} withdrew.",
                application=application,
            )
        return messages

    if not change.notify_candidate:
        return messages
    kind = Kind.STAGE_CHANGED
    _notify(
        recipient=candidate,
        kind=kind,
        source=source,
        title=f"{job.title}: {stage.name}",
        body=f"Your application at {job.company.name} moved to {stage.name}.",
        application=application,
    )
    if wants(candidate, kind=kind, channel=Channel.EMAIL):
        subject, body = email_for_stage(application, stage)
        messages.append(
            _queue_message(
                key=f"{source}:email:{candidate.pk}",
                channel=Channel.EMAIL,
                kind=kind,
                recipient=candidate,
                to=candidate.email,
                subject=subject,
                body=body,
                application=application,
            )
        )
    consent = active_consent(candidate)
    if consent and wants(candidate, kind=kind, channel=Channel.SMS):
        messages.append(
            _queue_message(
                key=f"{source}:sms:{candidate.pk}",
                channel=Channel.SMS,
                kind=kind,
                recipient=candidate,
                to=consent.phone,
                subject="",
                body=f"{job.company.name}: your application for {job.title} is now at "
                f"{stage.name}. Reply STOP to opt out.",
                application=application,
            )
        )
    from applications import tasks

    for message in messages:
        if message.status == Message.Status.QUEUED:
            tasks.send_message.delay_on_commit(message.pk)
    return messages


@transaction.atomic
def send_bulk_email(
    *, applications: list[Application], subject: str, body: str, by: User
) -> list[Message]:
    """A recruiter's email to several candidates, with the same safe variables as templates.

    Candidates who switched recruiter emails off are skipped (logged as `skipped`)."""
    import uuid

    from applications import tasks

    validate_template(subject)
    validate_template(body)
    batch = uuid.uuid4().hex[:12]
    out = []
    for application in applications:
        candidate = application.candidate
        variables = variables_for(application, application.stage)
        message = _queue_message(
            key=f"bulk:{batch}:{application.pk}",
            channel=Channel.EMAIL,
            kind=Kind.RECRUITER_MESSAGE,
            recipient=candidate,
            to=candidate.email,
            subject=render_text(subject, variables).replace("\n", " "),
            body=render_text(body, variables),
            application=application,
        )
        if not wants(candidate, kind=Kind.RECRUITER_MESSAGE, channel=Channel.EMAIL):
            message.status = Message.Status.SKIPPED
            message.error = "The candidate switched these emails off."
            message.save(update_fields=["status", "error"])
        else:
            tasks.send_message.delay_on_commit(message.pk)
        out.append(message)
    return out


@transaction.atomic
def notify_mentions(*, note_id: int) -> list[Notification]:
    note = Note.objects.select_related("application__job", "author").filter(pk=note_id).first()
    if note is None:
        return []
    author = note.author.get_full_name() or note.author.email if note.author else "Someone"
    out = []
    for user in note.mentions.all():
        notification = _notify(
            recipient=user,
            kind=Kind.MENTION,
            source=f"note:{note.pk}",
            title=f"{author} mentioned you",
            body=note.body[:300],
            application=note.application,
        )
        if notification:
            out.append(notification)
    return out


def mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# --- Sending ---------------------------------------------------------------------------------


class TransientSendError(Exception):
    """The provider may accept the message later: the task retries with backoff."""


@dataclass(frozen=True)
class Outcome:
    status: str
    provider_id: str = ""


def _email(message: Message) -> str:
    from anymail.exceptions import AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused

    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    try:
        email.send()
    except (AnymailRecipientsRefused, AnymailInvalidAddress):
        raise
    except (AnymailError, OSError) as exc:
        raise TransientSendError(str(exc)) from exc
    status = getattr(email, "anymail_status", None)
    return (status.message_id or "") if status is not None else ""


def send_message(*, message_id: int, final_attempt: bool = False) -> Outcome:
    """Send one queued message once. Raises TransientSendError when worth another try."""
    from anymail.exceptions import AnymailInvalidAddress, AnymailRecipientsRefused

    claimed = Message.objects.filter(pk=message_id, status=Message.Status.QUEUED).update(
        status=Message.Status.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        message = Message.objects.filter(pk=message_id).first()
        if message is not None and message.status == Message.Status.SENDING:
            # A previous run died after claiming it: maybe sent, maybe not. Never send twice.
            Message.objects.filter(pk=message_id, status=Message.Status.SENDING).update(
                status=Message.Status.UNKNOWN,
                error="Interrupted while sending; check with the provider before resending.",
            )
            return Outcome(Message.Status.UNKNOWN)
        return Outcome(message.status if message else "missing")
    message = Message.objects.select_related("application__job__company").get(pk=message_id)
    try:
        if message.channel == Channel.EMAIL:
            provider_id = _email(message)
        else:
            provider_id = get_sms_sender().send(to=message.to, body=message.body).provider_id
    except (TransientSendError, SmsError) as exc:
        transient = isinstance(exc, TransientSendError) or exc.transient
        if transient and not final_attempt:
            Message.objects.filter(pk=message_id).update(
                status=Message.Status.QUEUED, error=str(exc)[:2000]
            )
            raise TransientSendError(str(exc)) from exc
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED, error=str(exc)[:2000]
        )
        return Outcome(Message.Status.FAILED)
    except (AnymailRecipientsRefused, AnymailInvalidAddress) as exc:
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.FAILED, error=str(exc)[:2000]
        )
        return Outcome(Message.Status.FAILED)
    with transaction.atomic():
        Message.objects.filter(pk=message_id).update(
            status=Message.Status.SENT, provider_id=provider_id, sent_at=timezone.now(), error=""
        )
        record_event(
            kind="message.sent",
            company=message.company,
            subject=message,
            payload={
                "channel": message.channel,
                "kind": message.kind,
                "application_id": str(message.application_id or ""),
                "provider_id": provider_id,
            },
        )
    return Outcome(Message.Status.SENT, provider_id)


def unread_count(user: User) -> int:
    return Notification.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()
