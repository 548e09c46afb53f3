"""From events to notifications and messages: one history row or note becomes in-app
notifications and queued `Message` rows, each unique per cause and recipient."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import (
    Application,
    Channel,
    Kind,
    Message,
    Note,
    Notification,
    PipelineStage,
    StageChange,
)
from applications.notifications.emails import (
    email_for_stage,
    render_text,
    validate_template,
    variables_for,
)
from applications.notifications.preferences import active_consent, wants


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
