"""Recompute requests, debounced through the cache and enqueued after the commit."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction


def request_job_recompute(*, job_id: int, immediate: bool = False) -> bool:
    """Enqueue a recompute after the commit; a burst of edits within the window makes one.

    `immediate` (a recruiter's "recompute" click) skips the debounce window and enqueues now.
    """
    return _debounced("job", job_id, immediate=immediate)


def request_company_recompute(*, company_id: int) -> int:
    """A company's match weights changed: each of its open jobs re-ranked now (after the commit).
    Returns how many were requested."""
    from jobs.models import Job

    job_ids = list(Job.objects.open().filter(company_id=company_id).values_list("pk", flat=True))
    for job_id in job_ids:
        request_job_recompute(job_id=job_id, immediate=True)
    return len(job_ids)


def request_candidate_recompute(*, user_id: int) -> bool:
    return _debounced("candidate", user_id)


def _debounced(kind: str, pk: int, *, immediate: bool = False) -> bool:
    from django.core.cache import cache

    from matching import tasks

    task = tasks.recompute_job_matches if kind == "job" else tasks.recompute_candidate_matches
    if immediate:
        transaction.on_commit(lambda: task.apply_async(args=[pk]))
        return True
    delay = settings.MATCH_RECOMPUTE_DEBOUNCE_SECONDS
    if not cache.add(f"matching:pending:{kind}:{pk}", 1, timeout=delay + 60):
        return False  # one is already waiting; it will read the latest rows when it runs
    transaction.on_commit(lambda: task.apply_async(args=[pk], countdown=delay))
    return True


def request_rerank(job_id: int) -> None:
    """After a job's recompute: the LLM re-ranker judges its new top N, when one is configured."""
    from matching import tasks
    from matching.rerank import get_reranker

    if get_reranker() is not None:
        transaction.on_commit(lambda: tasks.rerank_job_matches.apply_async(args=[job_id]))


def clear_pending(kind: str, pk: int) -> None:
    from django.core.cache import cache

    cache.delete(f"matching:pending:{kind}:{pk}")
