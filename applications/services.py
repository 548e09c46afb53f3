"""The pipeline's workflows: apply, move (the one transition service), withdraw, reopen,
notes with @mentions, scorecards, and each company's stages.

Every stage change goes through `_transition`, which validates it, writes the history row and
the event, and enqueues the notifications and webhooks after the commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Company, User
from analytics.services import record_event
from applications.models import (
    DEFAULT_REJECTION_REASONS,
    DEFAULT_STAGES,
    Application,
    Note,
    PipelineStage,
    RejectionReason,
    Scorecard,
    ScreeningQuestion,
    StageChange,
)
from jobs.models import Job
from resumes.models import Resume


class PipelineError(Exception):
    """A refused action, with a code the API returns and a message a person can read."""

    code = "invalid_transition"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class DuplicateApplication(PipelineError):
    code = "duplicate_application"


# --- Stages -------------------------------------------------------------------------------


@transaction.atomic
def ensure_company_pipeline(*, company: Company) -> list[PipelineStage]:
    """The company's stages, creating the defaults (and rejection reasons) the first time."""
    stages = list(PipelineStage.objects.filter(company=company, job__isnull=True))
    if stages:
        return stages
    for position, (slug, name, kind) in enumerate(DEFAULT_STAGES):
        PipelineStage.objects.get_or_create(
            company=company,
            job=None,
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "position": position * 10,
                "is_interview": slug == "interview",
            },
        )
    for label in DEFAULT_REJECTION_REASONS:
        RejectionReason.objects.get_or_create(company=company, label=label)
    return list(PipelineStage.objects.filter(company=company, job__isnull=True))


def stages_for_job(job: Job) -> QuerySet[PipelineStage]:
    """The job's own pipeline when it has one, the company's otherwise."""
    own = PipelineStage.objects.filter(company_id=job.company_id, job=job)
    if own.exists():
        return own
    ensure_company_pipeline(company=job.company)
    return PipelineStage.objects.filter(company_id=job.company_id, job__isnull=True)


def _stage_of_kind(job: Job, kind: str) -> PipelineStage:
    stage = stages_for_job(job).filter(kind=kind).first()
    if stage is None:
        raise PipelineError(f"This pipeline has no {kind} stage.", code="pipeline_incomplete")
    return stage


@transaction.atomic
def copy_pipeline_to_job(*, job: Job) -> list[PipelineStage]:
    """Give a job its own editable copy of the company's stages (existing applications keep
    their stage rows; they are moved to the copy with the same slug)."""
    if PipelineStage.objects.filter(job=job).exists():
        return list(PipelineStage.objects.filter(job=job))
    mapping: dict[int, PipelineStage] = {}
    for stage in stages_for_job(job):
        copy = PipelineStage.objects.create(
            company_id=job.company_id,
            job=job,
            slug=stage.slug,
            name=stage.name,
            kind=stage.kind,
            position=stage.position,
            is_interview=stage.is_interview,
        )
        mapping[stage.pk] = copy
    for old_id, copy in mapping.items():
        Application.objects.filter(job=job, stage_id=old_id).update(stage=copy)
    return list(mapping.values())


def add_stage(
    *, company: Company, name: str, job: Job | None = None, is_interview: bool = False
) -> PipelineStage:
    """A new open stage, placed before the terminal ones."""
    from django.utils.text import slugify

    stages = (
        stages_for_job(job)
        if job
        else PipelineStage.objects.filter(company=company, job__isnull=True)
    )
    base = slugify(name)[:36] or "stage"
    slug, n = base, 2
    while stages.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    last_open = stages.filter(kind=PipelineStage.Kind.OPEN).order_by("-position").first()
    return PipelineStage.objects.create(
        company=company,
        job=job,
        slug=slug,
        name=name.strip(),
        kind=PipelineStage.Kind.OPEN,
        position=(last_open.position + 1) if last_open else 0,
        is_interview=is_interview,
    )


def delete_stage(*, stage: PipelineStage) -> None:
    """Remove an empty open stage; a pipeline keeps at least one open stage and its ends."""
    if stage.is_terminal:
        raise PipelineError("Hired, rejected and withdrawn stages are needed.", code="needed")
    siblings = PipelineStage.objects.filter(
        company_id=stage.company_id, job_id=stage.job_id, kind=PipelineStage.Kind.OPEN
    )
    if siblings.count() <= 1:
        raise PipelineError("A pipeline needs at least one open stage.", code="needed")
    in_use = (
        Application.objects.filter(stage=stage).exists()
        or StageChange.objects.filter(Q(from_stage=stage) | Q(to_stage=stage)).exists()
    )
    if in_use:
        raise PipelineError(
            f"{stage.name} has applications or history; rename it instead.", code="in_use"
        )
    stage.delete()


# --- Apply --------------------------------------------------------------------------------


def _match_snapshot(job: Job, candidate: User) -> dict[str, Any]:
    """The match for the pair, computed now when matching has none stored yet.

    A candidate without a profile (no parsed resume yet) has nothing to match; a pair that a
    hard filter excludes (matching's `PairFiltered`) is stored without a score, with the reason.
    """
    from matching.models import Match
    from matching.services import PairFiltered, match_pair
    from resumes.models import CandidateProfile

    match = Match.objects.filter(job=job, candidate__user=candidate).first()
    if match is None:
        profile = CandidateProfile.objects.filter(user=candidate).first()
        if profile is None:
            return {"match": None, "match_score": None, "match_explanation": {}}
        try:
            with transaction.atomic():
                match = match_pair(job=job, candidate=profile)
        except PairFiltered as exc:
            return {
                "match": None,
                "match_score": None,
                "match_explanation": {"filtered": str(exc)},
            }
    return {"match": match, "match_score": match.score, "match_explanation": match.explanation}


@transaction.atomic
def apply_to_job(
    *,
    candidate: User,
    job: Job,
    resume: Resume | None = None,
    cover_letter: str = "",
    answers: dict[int, str] | None = None,
) -> Application:
    if not candidate.is_candidate:
        raise PipelineError("Only candidates apply to jobs.", code="not_a_candidate")
    if not job.is_open:
        raise PipelineError("This job is not open for applications.", code="job_not_open")
    if resume is None:
        resume = Resume.objects.filter(owner=candidate, is_primary=True).first()
    elif resume.owner_id != candidate.pk or resume.company_id is not None:
        raise PipelineError("Use one of your own resumes.", code="invalid_resume")
    if Application.objects.filter(job=job, candidate=candidate).exists():
        raise DuplicateApplication("You have already applied to this job.")
    answered = _screening_answers(job, answers or {})
    stage = _stage_of_kind(job, PipelineStage.Kind.OPEN)  # the first open stage
    try:
        with transaction.atomic():
            application = Application.objects.create(
                job=job,
                candidate=candidate,
                resume=resume,
                stage=stage,
                cover_letter=cover_letter,
                answers=answered,
                **_match_snapshot(job, candidate),
            )
    except IntegrityError as exc:  # a concurrent request won the race
        raise DuplicateApplication("You have already applied to this job.") from exc
    change = StageChange.objects.create(
        application=application, from_stage=None, to_stage=stage, by=candidate
    )
    record_event(
        kind="application.created",
        actor=candidate,
        company=job.company,
        subject=application,
        payload={"job_id": job.pk, "stage": stage.slug, "match_score": application.match_score},
    )
    _after_commit(change, event="application.created")
    return application


def _screening_answers(job: Job, answers: dict[int, str]) -> list[dict[str, Any]]:
    """The answers to the job's questions, in order; a required one left blank is refused."""
    questions = list(ScreeningQuestion.objects.filter(job=job))
    known = {q.pk for q in questions}
    unknown = sorted(str(k) for k in answers if not str(k).isdigit() or int(k) not in known)
    if unknown:
        raise PipelineError(f"Unknown question(s): {unknown}.", code="unknown_question")
    out = []
    for question in questions:
        answer = str(answers.get(question.pk, answers.get(str(question.pk), "")) or "").strip()
        if question.required and not answer:
            raise PipelineError(f"Answer: {question.prompt}", code="answer_required")
        if answer:
            out.append({"question_id": question.pk, "prompt": question.prompt, "answer": answer})
    return out


# --- Transitions --------------------------------------------------------------------------


def _after_commit(change: StageChange, *, event: str) -> None:
    from applications import tasks

    tasks.notify_stage_change.delay_on_commit(change.pk)
    tasks.dispatch_webhooks.delay_on_commit(event, "stage_change", change.pk)


@dataclass(frozen=True)
class Requeued:
    notifications: int
    webhooks: int
    messages: int
    deliveries: int


def requeue_stuck(*, older_than_minutes: int = 15, within_days: int = 2) -> Requeued:
    """Enqueue again the work whose broker message was lost: transitions never notified or
    never dispatched to webhooks, messages and deliveries never attempted. Every task is
    idempotent, so a slow task that was only late does no harm."""
    from datetime import timedelta

    from applications import tasks
    from applications.models import Message, WebhookDelivery

    now = timezone.now()
    window = {
        "created_at__lt": now - timedelta(minutes=older_than_minutes),
        "created_at__gt": now - timedelta(days=within_days),
    }
    changes = StageChange.objects.filter(**window).select_related("to_stage")
    unnotified = list(changes.filter(notified_at__isnull=True))
    undispatched = list(changes.filter(webhooks_at__isnull=True))
    for change in unnotified:
        tasks.notify_stage_change.delay(change.pk)
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
    return Requeued(len(unnotified), len(undispatched), len(messages), len(deliveries))


def _transition(
    *,
    application: Application,
    to_stage: PipelineStage,
    by: User | None,
    reason: str = "",
    rejection_reason: RejectionReason | None = None,
    notify_candidate: bool = True,
    event: str = "application.stage_changed",
) -> StageChange:
    """The one place a stage changes: history, event, notifications, webhooks."""
    from_stage = application.stage
    application.stage = to_stage
    application.stage_changed_at = timezone.now()
    application.rejection_reason = (
        rejection_reason if to_stage.kind == PipelineStage.Kind.REJECTED else None
    )
    application.save(update_fields=["stage", "stage_changed_at", "rejection_reason", "updated_at"])
    change = StageChange.objects.create(
        application=application,
        from_stage=from_stage,
        to_stage=to_stage,
        by=by,
        reason=reason,
        rejection_reason=rejection_reason,
        notify_candidate=notify_candidate,
    )
    record_event(
        kind=event,
        actor=by,
        company=application.job.company,
        subject=application,
        payload={
            "job_id": application.job_id,
            "from": from_stage.slug,
            "to": to_stage.slug,
            "rejection_reason": rejection_reason.label if rejection_reason else "",
        },
    )
    _after_commit(change, event=event)
    return change


def _locked(application: Application) -> Application:
    """The row locked for this transaction, so two concurrent moves serialise.

    Locked without joins, then read: PostgreSQL re-checks a locked row that a concurrent
    transaction updated against the *old* versions of joined rows, so a `FOR UPDATE OF` over
    a join to the stage would lose the row when the other transaction changed its stage.
    """
    Application.objects.select_for_update().filter(pk=application.pk).values_list("pk").get()
    return Application.objects.select_related("stage", "job__company").get(pk=application.pk)


@transaction.atomic
def move_application(
    *,
    application: Application,
    to_stage: PipelineStage,
    by: User,
    reason: str = "",
    rejection_reason: RejectionReason | None = None,
    notify_candidate: bool = True,
) -> StageChange:
    """A recruiter moves an application to another stage of its job's pipeline."""
    application = _locked(application)
    current = application.stage
    if not stages_for_job(application.job).filter(pk=to_stage.pk).exists():
        raise PipelineError("That stage is not in this job's pipeline.", code="unknown_stage")
    if current.kind == PipelineStage.Kind.WITHDRAWN:
        raise PipelineError("The candidate withdrew this application.", code="withdrawn")
    if current.is_terminal:
        raise PipelineError(
            f"The application is {current.name.lower()}; reopen it first.", code="terminal_stage"
        )
    if to_stage.pk == current.pk:
        raise PipelineError(f"The application is already in {current.name}.", code="same_stage")
    if to_stage.kind == PipelineStage.Kind.WITHDRAWN:
        raise PipelineError("Only the candidate can withdraw.", code="withdraw_is_candidates")
    if to_stage.kind == PipelineStage.Kind.REJECTED:
        if rejection_reason is None:
            raise PipelineError("Choose a rejection reason.", code="rejection_reason_required")
        if rejection_reason.company_id != application.job.company_id:
            raise PipelineError("Unknown rejection reason.", code="rejection_reason_required")
    return _transition(
        application=application,
        to_stage=to_stage,
        by=by,
        reason=reason,
        rejection_reason=rejection_reason,
        notify_candidate=notify_candidate,
    )


@transaction.atomic
def reopen_application(
    *, application: Application, by: User, to_stage: PipelineStage | None = None, reason: str = ""
) -> StageChange:
    """Bring a hired or rejected application back into an open stage."""
    application = _locked(application)
    if application.stage.kind == PipelineStage.Kind.WITHDRAWN:
        raise PipelineError("The candidate withdrew this application.", code="withdrawn")
    if not application.stage.is_terminal:
        raise PipelineError("The application is still open.", code="not_terminal")
    stages = stages_for_job(application.job)
    to_stage = to_stage or stages.filter(kind=PipelineStage.Kind.OPEN).first()
    if to_stage is None or to_stage.is_terminal or not stages.filter(pk=to_stage.pk).exists():
        raise PipelineError("Reopen into an open stage of this pipeline.", code="unknown_stage")
    return _transition(
        application=application, to_stage=to_stage, by=by, reason=reason or "Reopened"
    )


@transaction.atomic
def withdraw_application(
    *, application: Application, candidate: User, reason: str = ""
) -> StageChange:
    application = _locked(application)
    if application.candidate_id != candidate.pk:
        raise PipelineError("Not your application.", code="not_found")
    if application.stage.is_terminal:
        raise PipelineError(
            f"The application is already {application.stage.name.lower()}.", code="terminal_stage"
        )
    return _transition(
        application=application,
        to_stage=_stage_of_kind(application.job, PipelineStage.Kind.WITHDRAWN),
        by=candidate,
        reason=reason,
        event="application.withdrawn",
    )


@dataclass(frozen=True)
class BulkResult:
    moved: int
    refused: list[tuple[Application, str]]


def move_many(
    *,
    applications: Iterable[Application],
    to_stage: PipelineStage,
    by: User,
    rejection_reason: RejectionReason | None = None,
    reason: str = "",
) -> BulkResult:
    """Bulk move: each application in its own transaction; refusals are reported, not fatal."""
    moved, refused = 0, []
    for application in applications:
        try:
            move_application(
                application=application,
                to_stage=to_stage,
                by=by,
                rejection_reason=rejection_reason,
                reason=reason,
            )
            moved += 1
        except PipelineError as exc:
            refused.append((application, exc.message))
    return BulkResult(moved=moved, refused=refused)


# --- Notes and scorecards -----------------------------------------------------------------

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
    scorecard, _ = Scorecard.objects.update_or_create(
        application=application,
        stage=stage,
        author=author,
        defaults={"ratings": clean, "comment": comment.strip()},
    )
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


def with_score(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Annotate `score`: the live match score when matching has one, else the stored one."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from matching.models import Match

    live = Match.objects.filter(job=OuterRef("job"), candidate__user=OuterRef("candidate"))
    return queryset.annotate(score=Coalesce(Subquery(live.values("score")[:1]), "match_score"))


def visible_applications(user: User) -> QuerySet[Application]:
    """Applications `user` may read: a candidate their own, a recruiter their companies'."""
    base = Application.objects.select_related("job__company", "stage", "candidate")
    if user.is_candidate:
        return base.filter(candidate=user)
    company_ids = user.company_ids()
    if not company_ids:
        return base.none()
    return base.filter(Q(job__company_id__in=company_ids))
