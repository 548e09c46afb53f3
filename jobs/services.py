"""Job workflows: create, edit, publish, close, duplicate, delete, analyse, index, save.

Index updates and analysis are explicit: a service enqueues the task after the transaction
commits (`delay_on_commit`), never a `post_save` signal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Company, Membership, User
from analytics.services import record_event
from jobs.analysis import get_job_analyzer
from jobs.models import Job, SavedJob
from jobs.search import get_job_search
from jobs.signals import announce_job_change

# Fields copied by `duplicate_job` (everything a recruiter typed, nothing about state).
COPIED_FIELDS = (
    "title", "description", "city", "region", "country", "latitude", "longitude", "workplace",
    "remote_countries", "remote_timezones", "employment_type", "seniority", "salary_min",
    "salary_max", "salary_currency", "salary_period", "salary_visible", "years_min",
    "years_max", "required_skills", "preferred_skills", "education", "languages",
)  # fmt: skip


def _description_digest(job: Job) -> str:
    return hashlib.sha256(f"{job.title}\n{job.description}".encode()).hexdigest()


def enqueue_job_index(*, job_ids: Iterable[int]) -> None:
    from jobs.tasks import index_jobs_task

    ids = sorted(set(job_ids))
    if ids:
        index_jobs_task.delay_on_commit(ids)


def request_job_analysis(*, job: Job) -> None:
    """Mark the job's analysis pending and analyse it after commit (skipped when unchanged)."""
    from jobs.tasks import analyze_job_task

    if job.analysis.get("digest") == _description_digest(job) and job.analysis_status in (
        Job.AnalysisStatus.DONE,
        Job.AnalysisStatus.PENDING,
    ):
        return
    Job.objects.filter(pk=job.pk).update(analysis_status=Job.AnalysisStatus.PENDING)
    job.analysis_status = Job.AnalysisStatus.PENDING
    analyze_job_task.delay_on_commit(job.pk)


def _check_hiring_team(*, company: Company, hiring_team: Sequence[User]) -> None:
    members = set(company.memberships.values_list("user_id", flat=True))
    outsiders = [user.email for user in hiring_team if user.pk not in members]
    if outsiders:
        raise ValidationError(
            {"hiring_team": f"Not members of {company.name}: {', '.join(outsiders)}."}
        )


@transaction.atomic
def create_job(
    *, company: Company, created_by: User, fields: dict[str, Any], hiring_team: Sequence[User] = ()
) -> Job:
    _check_hiring_team(company=company, hiring_team=hiring_team)
    job = Job(company=company, created_by=created_by, status=Job.Status.DRAFT, **fields)
    job.full_clean()
    job.save()
    job.hiring_team.set(hiring_team)
    record_event(
        kind="job.created", actor=created_by, company=company, subject=job,
        payload={"title": job.title},
    )  # fmt: skip
    request_job_analysis(job=job)
    enqueue_job_index(job_ids=[job.pk])
    return job


@transaction.atomic
def update_job(
    *, job: Job, actor: User, fields: dict[str, Any], hiring_team: Sequence[User] | None = None
) -> Job:
    if hiring_team is not None:
        _check_hiring_team(company=job.company, hiring_team=hiring_team)
    changed = sorted(name for name, value in fields.items() if getattr(job, name) != value)
    for name, value in fields.items():
        setattr(job, name, value)
    job.full_clean()
    job.save()
    if hiring_team is not None:
        job.hiring_team.set(hiring_team)
    if changed:
        record_event(
            kind="job.updated", actor=actor, company=job.company, subject=job,
            payload={"fields": changed},
        )  # fmt: skip
        announce_job_change(job_id=job.pk, fields=changed)
    request_job_analysis(job=job)
    enqueue_job_index(job_ids=[job.pk])
    return job


@transaction.atomic
def publish_job(*, job: Job, actor: User) -> Job:
    if not job.can_publish():
        raise ValidationError(f"A {job.get_status_display().lower()} job cannot be published.")
    job.full_clean()
    job.status = Job.Status.OPEN
    job.published_at = timezone.now()
    job.closed_at = None
    job.save(update_fields=["status", "published_at", "closed_at", "updated_at"])
    record_event(
        kind="job.published", actor=actor, company=job.company, subject=job,
        payload={"title": job.title},
    )  # fmt: skip
    announce_job_change(job_id=job.pk, fields=["status"])
    enqueue_job_index(job_ids=[job.pk])
    return job


@transaction.atomic
def close_job(*, job: Job, actor: User | None, status: str = Job.Status.CLOSED) -> Job:
    if status not in (Job.Status.CLOSED, Job.Status.FILLED, Job.Status.ARCHIVED):
        raise ValidationError(f"Cannot close a job as {status!r}.")
    if job.status == status:
        return job
    if status != Job.Status.ARCHIVED and not job.can_close():
        raise ValidationError("Only open jobs can be closed.")
    was_open = job.is_open
    job.status = status
    if was_open:
        job.closed_at = timezone.now()
    job.save(update_fields=["status", "closed_at", "updated_at"])
    if was_open:
        record_event(
            kind="job.closed", actor=actor, company=job.company, subject=job,
            payload={"status": status},
        )  # fmt: skip
        announce_job_change(job_id=job.pk, fields=["status"])
    enqueue_job_index(job_ids=[job.pk])
    return job


@transaction.atomic
def close_jobs(*, jobs: Iterable[Job], actor: User | None) -> int:
    """Close the open ones among `jobs` (admin action); returns how many were closed."""
    closed = 0
    for job in jobs:
        if job.can_close():
            close_job(job=job, actor=actor)
            closed += 1
    return closed


@transaction.atomic
def duplicate_job(*, job: Job, actor: User) -> Job:
    copy = Job(
        company=job.company,
        created_by=actor,
        status=Job.Status.DRAFT,
        **{name: getattr(job, name) for name in COPIED_FIELDS},
    )
    copy.title = f"{job.title} (copy)"[: Job._meta.get_field("title").max_length]
    copy.full_clean()
    copy.save()
    copy.hiring_team.set(job.hiring_team.all())
    record_event(
        kind="job.created", actor=actor, company=job.company, subject=copy,
        payload={"title": copy.title, "duplicated_from": job.pk},
    )  # fmt: skip
    request_job_analysis(job=copy)
    enqueue_job_index(job_ids=[copy.pk])
    return copy


@transaction.atomic
def delete_job(*, job: Job, membership: Membership) -> None:
    if membership.company_id != job.company_id or not membership.can_manage_team:
        raise PermissionDenied("Only owners and admins of the company delete jobs.")
    job_id = job.pk
    record_event(
        kind="job.deleted", actor=membership.user, company=job.company,
        payload={"job_id": job_id, "title": job.title},
    )  # fmt: skip
    job.delete()
    enqueue_job_index(job_ids=[job_id])


def resolve_suggestions(
    *, job: Job, decided: Sequence[str], rejected: Sequence[str], years_decided: bool
) -> Job:
    """Forget the suggestions the recruiter decided on (the form already added the accepted
    ones to the job); dismissed skills are remembered so a re-analysis does not suggest them."""
    suggested = {s["slug"] for s in job.analysis.get("skills", [])}
    done = set(decided) & suggested
    job.analysis = {
        **job.analysis,
        "skills": [s for s in job.analysis.get("skills", []) if s["slug"] not in done],
        "rejected": sorted(set(job.analysis.get("rejected", [])) | (set(rejected) & suggested)),
        **({"years_min": None, "years_max": None} if years_decided else {}),
    }
    Job.objects.filter(pk=job.pk).update(analysis=job.analysis)
    return job


def analyze_job(*, job_id: int) -> Job | None:
    """Run the analyzer on a job's description and store suggestions not already listed.

    Idempotent: a job whose current description was already analysed is left alone. Transient
    analyzer errors propagate (the task retries); permanent ones mark the analysis failed.
    """
    from jobs.analysis.base import JobAnalysisError

    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    digest = _description_digest(job)
    if job.analysis_status == Job.AnalysisStatus.DONE and job.analysis.get("digest") == digest:
        return job
    try:
        result = get_job_analyzer().analyze(title=job.title, description=job.description)
    except JobAnalysisError as exc:
        Job.objects.filter(pk=job.pk).update(
            analysis_status=Job.AnalysisStatus.FAILED, analysis_error=str(exc)
        )
        job.refresh_from_db()
        return job
    rejected = set(job.analysis.get("rejected", []))
    listed = set(job.required_skills) | set(job.preferred_skills) | rejected
    analysis = {
        "digest": digest,
        "backend": result.backend,
        "skills": [
            {"slug": s.slug, "name": s.name, "evidence": s.evidence}
            for s in result.skills
            if s.slug not in listed
        ],
        "years_min": result.years_min,
        "years_max": result.years_max,
        "rejected": sorted(rejected),
    }
    if (job.years_min, job.years_max) == (result.years_min, result.years_max):
        analysis["years_min"] = analysis["years_max"] = None
    Job.objects.filter(pk=job.pk).update(
        analysis=analysis,
        analysis_status=Job.AnalysisStatus.DONE,
        analysis_error="",
        analyzed_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def mark_analysis_failed(*, job_id: int, reason: str) -> None:
    Job.objects.filter(pk=job_id).update(
        analysis_status=Job.AnalysisStatus.FAILED, analysis_error=reason
    )


def index_jobs(*, job_ids: Sequence[int]) -> int:
    """Bring these jobs up to date in the configured search backend."""
    return get_job_search().index_jobs(list(job_ids))


def refresh_search_words() -> tuple[int, int]:
    """Keep the search backend's frequent-word counts in step with the jobs (Celery beat):
    (words promoted, words dropped); (0, 0) for a backend that keeps no such counts."""
    update = getattr(get_job_search(), "update_word_bits", None)
    return update() if update is not None else (0, 0)


def close_expired_jobs() -> int:
    """Close open jobs whose planned closing date has passed (run by Celery beat)."""
    expired = Job.objects.open().filter(closes_at__lte=timezone.now())
    return close_jobs(jobs=expired, actor=None)


def save_job(*, user: User, job: Job) -> tuple[SavedJob, bool]:
    if not job.is_open:
        raise ValidationError("Only open jobs can be saved.")
    return SavedJob.objects.get_or_create(user=user, job=job)


def unsave_job(*, user: User, job: Job) -> bool:
    deleted, _ = SavedJob.objects.filter(user=user, job=job).delete()
    return bool(deleted)
