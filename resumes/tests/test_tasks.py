"""The tasks' retry, failure and time-limit rules, run in process (Task.apply)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery import app
from resumes import services, tasks
from resumes.tests import documents
from resumes.tests.backends import UnavailableExtractor

pytestmark = pytest.mark.django_db


@pytest.fixture
def resume(candidate):
    resume, _ = services.upload_resume(
        owner=candidate, file=SimpleUploadedFile("cv.pdf", documents.sample_pdf()),
        uploaded_by=candidate,
    )  # fmt: skip
    return resume


def test_tasks_are_late_acked_rejected_on_worker_loss_and_time_limited():
    for task in (tasks.extract_resume, tasks.parse_resume):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.soft_time_limit < task.time_limit
    assert tasks.extract_resume.soft_time_limit >= 120  # OCR of a long scan


def test_queues_and_the_stuck_sweep_are_configured():
    routes = django_settings.CELERY_TASK_ROUTES
    assert routes["resumes.tasks.parse_resume"] == {"queue": "parsing"}
    beat = django_settings.CELERY_BEAT_SCHEDULE["resumes-requeue-stuck"]
    assert beat["task"] == "resumes.tasks.requeue_stuck_resumes"
    assert "resumes.tasks.requeue_stuck_resumes" in app.tasks


def test_transient_errors_retry_then_fail_with_a_reason(resume, settings):
    settings.RESUME_TEXT_EXTRACTOR = {"BACKEND": "resumes.tests.backends.UnavailableExtractor"}
    UnavailableExtractor.calls = 0
    tasks.extract_resume.apply(args=[str(resume.pk)])
    resume.refresh_from_db()
    assert UnavailableExtractor.calls == tasks.MAX_RETRIES + 1
    assert resume.status == "failed"
    assert "throttling" in resume.error
    assert resume.failure_code == "extraction_retries_exhausted"


def test_the_task_runs_the_whole_pipeline_in_process(resume):
    tasks.extract_resume.apply(args=[str(resume.pk)])
    tasks.parse_resume.apply(args=[str(resume.pk)])
    resume.refresh_from_db()
    assert resume.status == "parsed"


def test_a_task_for_a_deleted_resume_is_a_no_op(resume, candidate):
    resume_id = str(resume.pk)
    services.delete_resume(resume=resume, actor=candidate)
    assert tasks.extract_resume.apply(args=[resume_id]).successful()
    assert tasks.parse_resume.apply(args=[resume_id]).successful()
