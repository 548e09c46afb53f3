"""Thin Celery tasks: take ids, call one service.

Routed to the `matching` queue by CELERY_TASK_ROUTES. Idempotent: a recompute rewrites the
same rows, an unchanged profile is not re-embedded.
"""

from __future__ import annotations

from celery import shared_task

from matching import services, verdicts
from matching.embeddings import TransientEmbeddingError
from matching.rerank import TransientRerankError

RETRY = {
    "autoretry_for": (TransientEmbeddingError,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 6,
    "acks_late": True,
}


@shared_task(**RETRY)
def embed_job(job_id: int) -> None:
    """The first step of a changed job's refresh (then `recompute_job_matches`)."""
    services.clear_pending("job-changed", job_id)  # edits from now on schedule another
    services.embed_job(job_id=job_id)


@shared_task(**RETRY)
def embed_profile(profile_id: int) -> None:
    """The first step of a changed profile's refresh (then `recompute_candidate_matches`)."""
    services.clear_pending("profile-changed", profile_id)
    services.embed_profile(profile_id=profile_id)


@shared_task(**RETRY)
def recompute_job_matches(job_id: int) -> int:
    services.clear_pending("job", job_id)  # edits from now on schedule another run
    return services.recompute_matches_for_job(job_id=job_id)


@shared_task(**RETRY)
def recompute_candidate_matches(user_id: int) -> int:
    services.clear_pending("candidate", user_id)
    return services.recompute_matches_for_candidate(user_id=user_id)


@shared_task(**RETRY)
def reembed_stale() -> dict[str, int]:
    """Beat, hourly: vectors of another model than the configured one embedded again, a batch
    at a time, and their matches re-ranked."""
    return services.reembed_stale()


@shared_task(acks_late=True)
def ensure_country_indexes(min_rows: int | None = None, max_share: float | None = None) -> list:
    """Beat, daily: a partial HNSW index for each country whose on-site candidates grew into
    one (built concurrently: the table stays writable)."""
    limits = {"min_rows": min_rows, "max_share": max_share}
    return services.ensure_country_indexes(**{k: v for k, v in limits.items() if v is not None})


@shared_task(acks_late=True)
def ensure_partition_index(min_rows: int | None = None) -> int:
    """Beat, daily: the candidate table's IVF index once the table is large, rebuilt when it
    has doubled or halved since (concurrently). Returns its lists (0: none yet)."""
    limits = {} if min_rows is None else {"min_rows": min_rows}
    return services.ensure_partition_index(**limits)


@shared_task(
    autoretry_for=(TransientRerankError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
    acks_late=True,
)
def rerank_job_matches(job_id: int) -> int:
    return verdicts.rerank_job_matches(job_id=job_id)
