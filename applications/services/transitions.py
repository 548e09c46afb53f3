"""Every stage change goes through `_transition`, which validates it, writes the history row
and the event, and enqueues the notifications and webhooks after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from analytics.services import record_event
from applications.models import Application, PipelineStage, RejectionReason, StageChange
from applications.services.errors import PipelineError
from applications.services.stages import _stage_of_kind, stages_for_job


def _after_commit(change: StageChange, *, event: str) -> None:
    from applications import tasks

    tasks.notify_stage_change.delay_on_commit(change.pk)
    tasks.dispatch_webhooks.delay_on_commit(event, "stage_change", change.pk)


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
