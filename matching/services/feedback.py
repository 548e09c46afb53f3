"""Recruiter feedback on a ranked candidate (shortlist / hide / clear)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from matching.models import Match

FEEDBACK_ACTIONS = {
    "shortlist": Match.Feedback.SHORTLISTED,
    "hide": Match.Feedback.HIDDEN,
    "clear": Match.Feedback.NONE,
}


@transaction.atomic
def record_match_feedback(*, match: Match, action: str, actor: Any) -> Match:
    """A recruiter shortlists, hides or clears a ranked candidate; recorded as an event with
    the score and components it was given (training data for learnt weights)."""
    from analytics.services import record_event

    if action not in FEEDBACK_ACTIONS:
        raise ValueError(f"Unknown feedback {action!r}.")
    match.feedback = FEEDBACK_ACTIONS[action]
    match.feedback_at = timezone.now()
    match.save(update_fields=["feedback", "feedback_at"])
    record_event(
        kind={"shortlist": "match.shortlisted", "hide": "match.hidden"}.get(
            action, "match.feedback_cleared"
        ),
        actor=actor,
        company=match.job.company,
        subject=match,
        payload={
            "job_id": match.job_id,
            "candidate_id": match.candidate_id,
            "score": match.score,
            "components": match.components,
            "inputs_hash": match.inputs_hash,
        },
    )
    return match
