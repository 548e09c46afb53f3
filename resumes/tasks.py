"""Thin Celery tasks: take an id, call one service, decide retry or failure.

acks_late + reject_on_worker_lost: a worker killed mid-task loses nothing, the message comes
back and the service (which checks the row's status first) does the remaining work once.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from resumes import services
from resumes.extraction.base import TransientExtractionError
from resumes.models import Resume
from resumes.parsing.base import ResumeParseTransientError

TRANSIENT = (TransientExtractionError, ResumeParseTransientError, OperationalError, InterfaceError)
MAX_RETRIES = 5
COMMON = {"acks_late": True, "reject_on_worker_lost": True, "max_retries": MAX_RETRIES}


def _backoff(retries: int) -> int:
    return min(10 * 2**retries, 600)


@shared_task(bind=True, soft_time_limit=300, time_limit=330, **COMMON)
def extract_resume(self, resume_id: str) -> None:
    try:
        services.extract_resume_text(resume_id=resume_id)
    except SoftTimeLimitExceeded:
        services.fail_resume(
            resume_id=resume_id,
            code=Resume.Failure.EXTRACTION_TIMEOUT,
            reason="Reading the file took too long; it may be too complex.",
        )
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            services.fail_resume(
                resume_id=resume_id,
                code=Resume.Failure.EXTRACTION_RETRIES_EXHAUSTED,
                reason=f"Text extraction kept failing ({exc}); try again.",
            )
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(bind=True, soft_time_limit=60, time_limit=90, **COMMON)
def parse_resume(self, resume_id: str) -> None:
    try:
        services.parse_resume_text(resume_id=resume_id)
    except SoftTimeLimitExceeded:
        services.fail_resume(
            resume_id=resume_id, code=Resume.Failure.PARSE_TIMEOUT, reason="Parsing took too long."
        )
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            services.fail_resume(
                resume_id=resume_id,
                code=Resume.Failure.PARSE_RETRIES_EXHAUSTED,
                reason=f"Parsing kept failing ({exc}); try again.",
            )
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def requeue_stuck_resumes() -> int:
    return services.requeue_stuck_resumes()
