"""Keep matches fresh: jobs and resumes announce changes, matching re-embeds and re-ranks.

The announcing apps send their signals after commit, so the rows the tasks read are there.
Each change requests a debounced refresh (`services.debounce`): a burst of edits within
`MATCH_RECOMPUTE_DEBOUNCE_SECONDS` makes one chain, which embeds the changed side first (a
profile whose texts did not change keeps its vectors) and then re-ranks it.
"""

from __future__ import annotations

from typing import Any

from matching.services.debounce import request_job_refresh, request_profile_refresh

# Job fields whose change cannot move any match (the rest re-embed and re-rank the job).
JOB_FIELDS_WITHOUT_EFFECT = frozenset({"hiring_team", "external_reference", "closes_at"})


def on_job_changed(sender: Any, *, job_id: int, fields: list[str], **kwargs: Any) -> None:
    if fields and set(fields) <= JOB_FIELDS_WITHOUT_EFFECT:
        return
    # A closed job's refresh deletes its matches; an open one is embedded and re-ranked.
    request_job_refresh(job_id=job_id)


def on_profile_updated(
    sender: Any, *, profile_id: int, user_id: int, fields: list[str], **kwargs: Any
) -> None:
    request_profile_refresh(profile_id=profile_id, user_id=user_id)
