"""Keep matches fresh: jobs and resumes announce changes, matching re-embeds and re-ranks.

The announcing apps send their signals after commit, so the rows the tasks read are there.
Embedding runs before the recompute (a Celery chain) because the recompute ranks by vector.
"""

from __future__ import annotations

from typing import Any

from celery import chain

from matching import tasks

# Job fields whose change cannot move any match (the rest re-embed and re-rank the job).
JOB_FIELDS_WITHOUT_EFFECT = frozenset({"hiring_team", "external_reference", "closes_at"})


def on_job_changed(sender: Any, *, job_id: int, fields: list[str], **kwargs: Any) -> None:
    if fields and set(fields) <= JOB_FIELDS_WITHOUT_EFFECT:
        return
    # A closed job's recompute deletes its matches; an open one is embedded and re-ranked.
    chain(tasks.embed_job.si(job_id), tasks.recompute_job_matches.si(job_id)).apply_async()


def on_profile_updated(
    sender: Any, *, profile_id: int, user_id: int, fields: list[str], **kwargs: Any
) -> None:
    chain(
        tasks.embed_profile.si(profile_id), tasks.recompute_candidate_matches.si(user_id)
    ).apply_async()
