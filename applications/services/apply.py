"""Applying to a job: the first stage, screening answers, the match stored at once."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import User
from analytics.services import record_event
from applications.models import (
    CLAIMABLE_SOURCES,
    Application,
    PipelineStage,
    ScreeningQuestion,
    Source,
    StageChange,
)
from applications.services.errors import DuplicateApplication, PipelineError
from applications.services.stages import _stage_of_kind
from applications.services.transitions import _after_commit
from jobs.models import Job
from resumes.models import Resume


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
    source: str = "",
    source_detail: str = "",
) -> Application:
    """`source` is what the candidate says brought them (one of `CLAIMABLE_SOURCES`); left
    empty it is `sourced` when the job's company had uploaded the candidate's resume, else
    `direct`."""
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
    source = _source_of(candidate, job, source)
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
                source=source,
                source_detail=" ".join(source_detail.split())[:100],
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
        payload={
            "job_id": job.pk,
            "stage": stage.slug,
            "match_score": application.match_score,
            "source": source,
        },
    )
    _after_commit(change, event="application.created")
    return application


def _source_of(candidate: User, job: Job, claimed: str) -> str:
    if claimed:
        if claimed not in CLAIMABLE_SOURCES:
            raise PipelineError(
                f"Unknown source {claimed!r}; use one of: {', '.join(CLAIMABLE_SOURCES)}.",
                code="invalid_source",
            )
        return claimed
    sourced = Resume.objects.filter(owner=candidate, company_id=job.company_id).exists()
    return Source.SOURCED if sourced else Source.DIRECT


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
