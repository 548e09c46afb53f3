"""Recruiters hear about the jobs they hire for: a new application, an @mention in a note, a
candidate who withdrew, a teammate's scorecard. In the portal's bell, and by email and SMS as
each recruiter chose on their settings page (SMS only with recorded consent), through the same
message log, never-twice keys and retried sending as candidates' messages."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications.models import Application, Kind, Message, Note, Scorecard
from applications.notifications.queueing import (
    hiring_team,
    notify_in_app,
    queue_email_and_sms,
)


def notify_team_member(
    *,
    recipient: User,
    kind: str,
    source: str,
    title: str,
    body: str,
    application: Application,
) -> list[Message]:
    """The in-app notification and the queued email/SMS for one recruiter and one cause.

    Safe to run again for the same `source`: the rows are unique per cause and recipient, and
    only messages still queued are enqueued (sending claims them first)."""
    notify_in_app(
        recipient=recipient,
        kind=kind,
        source=source,
        title=title,
        body=body,
        application=application,
    )
    link = settings.SITE_URL + reverse("applications:detail", args=[application.pk])
    preferences = settings.SITE_URL + reverse("applications:notification_settings")
    return queue_email_and_sms(
        recipient=recipient,
        kind=kind,
        source=source,
        application=application,
        email=lambda: (
            title,
            f"{body}\n\nOpen the application: {link}\n\n"
            f"Choose which notifications you receive: {preferences}",
        ),
        # A text carries no note or candidate details beyond the title: phones are shared.
        sms=f"Talentmatch: {title}. {link}",
    )


def notify_team(
    *,
    application: Application,
    kind: str,
    source: str,
    title: str,
    body: str,
    exclude: User | None = None,
) -> list[Message]:
    """`notify_team_member` for each of the job's hiring team (but `exclude`)."""
    out: list[Message] = []
    for member in hiring_team(application):
        if exclude is not None and member.pk == exclude.pk:
            continue
        out += notify_team_member(
            recipient=member,
            kind=kind,
            source=source,
            title=title,
            body=body,
            application=application,
        )
    return out


@transaction.atomic
def notify_mentions(*, note_id: int) -> list[Message]:
    """Each teammate @mentioned in the note: in-app, email and SMS as they chose."""
    note = (
        Note.objects.select_related("application__job__company", "author")
        .filter(pk=note_id)
        .first()
    )
    if note is None:
        return []
    Note.objects.filter(pk=note.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    author = (note.author.get_full_name() or note.author.email) if note.author else "Someone"
    job = note.application.job
    out: list[Message] = []
    for user in mention_recipients(note):
        out += notify_team_member(
            recipient=user,
            kind=Kind.MENTION,
            source=f"note:{note.pk}",
            title=f"{author} mentioned you ({job.title})",
            body=note.body[:300],
            application=note.application,
        )
    return out


@transaction.atomic
def notify_scorecard(*, scorecard_id: int) -> list[Message]:
    """The hiring team, but its author, hears of a new scorecard (not of later edits)."""
    card = (
        Scorecard.objects.select_related(
            "application__job__company", "application__candidate", "stage", "author"
        )
        .filter(pk=scorecard_id)
        .first()
    )
    if card is None:
        return []
    Scorecard.objects.filter(pk=card.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    application = card.application
    author = card.author.get_full_name() or card.author.email
    candidate = application.candidate.get_full_name() or application.candidate.email
    average = card.average
    out: list[Message] = []
    for member in scorecard_recipients(card):
        out += notify_team_member(
            recipient=member,
            kind=Kind.SCORECARD_SUBMITTED,
            source=f"scorecard:{card.pk}",
            title=f"{author} scored {candidate} ({card.stage.name}, {application.job.title})",
            body=f"Average {average:.1f} of 5." if average is not None else "No ratings.",
            application=application,
        )
    return out


# Who each cause addresses.


def mention_recipients(note: Note) -> list[User]:
    return list(note.mentions.order_by("pk"))


def scorecard_recipients(card: Scorecard) -> list[User]:
    return [m for m in hiring_team(card.application) if m.pk != card.author_id]
