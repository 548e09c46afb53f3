"""The team's reviews of an application: notes with @mentions and scorecards."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from accounts.models import Company, User
from applications.models import Application, Note, PipelineStage, Scorecard
from applications.services.errors import PipelineError
from applications.services.stages import stages_for_job
from jobs.models import Job

MENTION = re.compile(r"(?<![\w.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w.-]+)")


def _mentioned(company: Company, body: str) -> list[User]:
    """Teammates named as @email or @first-name (case-insensitive) in `body`."""
    handles = {h.lower().rstrip(".") for h in MENTION.findall(body)}
    if not handles:
        return []
    team = User.objects.filter(memberships__company=company).distinct()
    return [
        user
        for user in team
        if user.email.lower() in handles
        or user.email.split("@")[0].lower() in handles
        or (user.first_name and user.first_name.lower() in handles)
    ]


@transaction.atomic
def add_note(*, application: Application, author: User, body: str) -> Note:
    body = body.strip()
    if not body:
        raise PipelineError("Write something first.", code="empty_note")
    note = Note.objects.create(application=application, author=author, body=body)
    mentioned = [u for u in _mentioned(application.job.company, body) if u.pk != author.pk]
    note.mentions.set(mentioned)
    if mentioned:
        from applications import tasks

        tasks.notify_mentions.delay_on_commit(note.pk)
    return note


def scorecard_criteria(job: Job) -> list[str]:
    """What interviewers rate: the job's required skills, then two general criteria."""
    return [*job.required_skill_names[:6], "Communication", "Overall fit"]


@transaction.atomic
def submit_scorecard(
    *,
    application: Application,
    author: User,
    stage: PipelineStage,
    ratings: dict[str, int],
    comment: str = "",
) -> Scorecard:
    if not stage.is_interview:
        raise PipelineError("Scorecards belong to interview stages.", code="not_interview")
    criteria = scorecard_criteria(application.job)
    clean = {}
    for criterion in criteria:
        value = ratings.get(criterion)
        if value is None:
            continue
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise PipelineError(f"{criterion}: rate from 1 to 5.", code="invalid_rating")
        clean[criterion] = value
    if not clean:
        raise PipelineError("Rate at least one criterion.", code="invalid_rating")
    scorecard, created = Scorecard.objects.update_or_create(
        application=application,
        stage=stage,
        author=author,
        defaults={"ratings": clean, "comment": comment.strip()},
    )
    if created:  # the team hears of a new scorecard, not of each later edit
        from applications import tasks

        tasks.notify_scorecard.delay_on_commit(scorecard.pk)
    return scorecard


def scorecard_summary(application: Application) -> list[dict[str, Any]]:
    """Per interview stage: each criterion's team average, the overall average, the cards."""
    out = []
    cards = list(application.scorecards.select_related("stage", "author"))
    for stage in stages_for_job(application.job).filter(is_interview=True):
        mine = [c for c in cards if c.stage_id == stage.pk]
        criteria: dict[str, list[int]] = {}
        for card in mine:
            for key, value in card.ratings.items():
                criteria.setdefault(key, []).append(value)
        averages = {k: round(sum(v) / len(v), 2) for k, v in criteria.items()}
        overall = [v for values in criteria.values() for v in values]
        out.append(
            {
                "stage": stage,
                "cards": mine,
                "averages": averages,
                "overall": round(sum(overall) / len(overall), 2) if overall else None,
            }
        )
    return out
