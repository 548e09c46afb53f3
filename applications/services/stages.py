"""Each company's pipeline stages (and optionally a job's own copy)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import Company
from applications.models import (
    DEFAULT_REJECTION_REASONS,
    DEFAULT_STAGES,
    Application,
    PipelineStage,
    RejectionReason,
    StageChange,
)
from applications.services.errors import PipelineError
from jobs.models import Job


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
