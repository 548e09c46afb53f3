"""From a stage change to notifications and messages: the candidate's (stage emails from the
company's templates, SMS with consent) and the hiring team's (new application, withdrawal);
each row unique per cause and recipient. A recruiter's email to several candidates."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications.models import (
    Application,
    Channel,
    Kind,
    Message,
    PipelineStage,
    StageChange,
)
from applications.notifications.emails import (
    email_for_stage,
    render_text,
    validate_template,
    variables_for,
)
from applications.notifications.preferences import wants
from applications.notifications.queueing import notify_in_app, queue_email_and_sms, queue_message
from applications.notifications.recruiters import notify_team


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
    if change.from_stage_id is None:  # a new application
        notify_in_app(
            recipient=candidate,
            kind=Kind.APPLICATION_RECEIVED,
            source=source,
            title=f"Application sent: {job.title}",
            body=f"{job.company.name} received your application.",
            application=application,
        )
        name = candidate.get_full_name() or candidate.email
        score = f" Match {application.match_score:.2f}." if application.match_score else ""
        return notify_team(
            application=application,
            kind=Kind.NEW_APPLICATION,
            source=source,
            title=f"New application for {job.title}",
            body=f"{name} applied ({application.get_source_display().lower()}).{score}",
        )

    if stage.kind == PipelineStage.Kind.WITHDRAWN:
        reason = f"\n\nTheir reason: {change.reason}" if change.reason else ""
        return notify_team(
            application=application,
            kind=Kind.CANDIDATE_WITHDREW,
            source=source,
            title=f"Withdrawn: {job.title}",
            body=f"{candidate.get_full_name() or candidate.email} withdrew.{reason}",
        )

    if not change.notify_candidate:
        return []
    kind = Kind.STAGE_CHANGED
    notify_in_app(
        recipient=candidate,
        kind=kind,
        source=source,
        title=f"{job.title}: {stage.name}",
        body=f"Your application at {job.company.name} moved to {stage.name}.",
        application=application,
    )
    return queue_email_and_sms(
        recipient=candidate,
        kind=kind,
        source=source,
        application=application,
        email=lambda: email_for_stage(application, stage),
        sms=f"{job.company.name}: your application for {job.title} is now at {stage.name}. "
        "Reply STOP to opt out.",
    )


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
        message = queue_message(
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
