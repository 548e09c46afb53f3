"""The pipeline's workflows, split by sub-domain: stages, apply, transitions (the one
transition service, withdraw, reopen, bulk moves), reviews (notes with @mentions, scorecards),
the sweep (lost notification and webhook tasks enqueued again) and reusable queries.
Callers import them from here: `from applications import services`."""

from applications.services.apply import apply_to_job
from applications.services.errors import DuplicateApplication, PipelineError
from applications.services.queries import visible_applications, with_score
from applications.services.reviews import (
    MENTION,
    add_note,
    scorecard_criteria,
    scorecard_summary,
    submit_scorecard,
)
from applications.services.stages import (
    add_stage,
    copy_pipeline_to_job,
    delete_stage,
    ensure_company_pipeline,
    stages_for_job,
)
from applications.services.sweep import Requeued, requeue_stuck
from applications.services.transitions import (
    BulkResult,
    move_application,
    move_many,
    reopen_application,
    withdraw_application,
)

__all__ = [
    "MENTION",
    "BulkResult",
    "DuplicateApplication",
    "PipelineError",
    "Requeued",
    "add_note",
    "add_stage",
    "apply_to_job",
    "copy_pipeline_to_job",
    "delete_stage",
    "ensure_company_pipeline",
    "move_application",
    "move_many",
    "reopen_application",
    "requeue_stuck",
    "scorecard_criteria",
    "scorecard_summary",
    "stages_for_job",
    "submit_scorecard",
    "visible_applications",
    "with_score",
    "withdraw_application",
]
