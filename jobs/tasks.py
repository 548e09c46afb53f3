"""Celery tasks: thin, by id, idempotent."""

from __future__ import annotations

from celery import shared_task

from jobs import services
from jobs.analysis.base import JobAnalysisTransientError
from jobs.search.base import SearchUnavailable

MAX_RETRIES = 5


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(JobAnalysisTransientError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=MAX_RETRIES,
)
def analyze_job_task(self, job_id: int) -> None:
    try:
        services.analyze_job(job_id=job_id)
    except JobAnalysisTransientError as exc:
        if self.request.retries >= MAX_RETRIES:
            services.mark_analysis_failed(job_id=job_id, reason=f"Gave up after retries: {exc}")
            return
        raise


@shared_task(
    acks_late=True,
    autoretry_for=(SearchUnavailable,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=MAX_RETRIES,
)
def index_jobs_task(job_ids: list[int]) -> int:
    return services.index_jobs(job_ids=job_ids)


@shared_task(acks_late=True)
def close_expired_jobs_task() -> int:
    return services.close_expired_jobs()


@shared_task(acks_late=True)
def refresh_search_words_task() -> list[int]:
    return list(services.refresh_search_words())
