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


def request_job_refresh(*, job_id: int) -> bool:
    """The job changed: embedded again, then re-ranked (a chain), once per burst of edits."""
    return _debounced("job-changed", job_id)


def request_profile_refresh(*, profile_id: int, user_id: int) -> bool:
    """The profile changed: embedded again when its texts did, then its candidate re-ranked,
    once per burst of edits."""
    return _debounced("profile-changed", profile_id, user_id=user_id)


def _signature(kind: str, pk: int, user_id: int | None):
    from celery import chain

    from matching import tasks

    if kind == "job-changed":
        return chain(tasks.embed_job.si(pk), tasks.recompute_job_matches.si(pk))
    if kind == "profile-changed":
        return chain(tasks.embed_profile.si(pk), tasks.recompute_candidate_matches.si(user_id))
    task = tasks.recompute_job_matches if kind == "job" else tasks.recompute_candidate_matches
    return task.si(pk)


def _debounced(kind: str, pk: int, *, immediate: bool = False, user_id: int | None = None) -> bool:
    """Enqueue `kind`'s work for `pk` after the commit, unless the same is already waiting.
    The waiting mark is cleared by the work's first task before it reads anything, so an edit
    made while it runs schedules the next run."""
    from django.core.cache import cache

    delay = 0 if immediate else settings.MATCH_RECOMPUTE_DEBOUNCE_SECONDS
    if not immediate and not cache.add(f"matching:pending:{kind}:{pk}", 1, timeout=delay + 60):
        return False  # one is already waiting; it will read the latest rows when it runs
    signature = _signature(kind, pk, user_id)
    transaction.on_commit(lambda: signature.apply_async(countdown=delay or None))
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
