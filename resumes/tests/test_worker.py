"""Through a real Celery worker: upload → parsed, failure → retry, a killed worker."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from analytics.models import Event
from resumes import services
from resumes.models import CandidateProfile, Resume
from resumes.tests import documents

pytestmark = pytest.mark.django_db(transaction=True)


def status_of(resume_id: str) -> str:
    return Resume.objects.values_list("status", flat=True).get(pk=resume_id)


def reaches(worker, resume_id: str, status: str, timeout: float = 90) -> None:
    worker.wait_for(lambda: status_of(resume_id) == status, timeout=timeout)


def test_an_uploaded_pdf_reaches_parsed_through_the_worker(celery_worker, api_as, candidate):
    response = api_as(candidate).post(
        "/api/v1/resumes/",
        {"file": SimpleUploadedFile("carol.pdf", documents.sample_pdf())},
        format="multipart",
    )
    assert response.status_code == 202
    resume_id = response.json()["id"]
    reaches(celery_worker, resume_id, "parsed")
    body = api_as(candidate).get(f"/api/v1/resumes/{resume_id}/").json()
    assert body["status"] == "parsed"
    assert body["parsed"]["email"] == "carol@example.test"
    profile = CandidateProfile.objects.get(user=candidate)
    assert profile.full_name == "Carol Candidate"
    assert Event.objects.filter(kind="profile.updated").count() == 1
    assert "resumes.tasks.parse_resume" in celery_worker.log()


def test_a_portal_upload_reaches_parsed_through_the_worker(celery_worker, recruiter, acme):
    client = Client()
    client.force_login(recruiter)
    response = client.post(
        "/portal/resumes/upload/",
        {
            "email": "sourced@example.test",
            "file": SimpleUploadedFile("cv.docx", documents.make_docx()),
        },
    )
    assert response.status_code == 302
    resume = Resume.objects.get()
    reaches(celery_worker, resume.pk, "parsed")
    page = client.get(f"/portal/resumes/{resume.pk}/")
    assert b"Parsed" in page.content
    assert resume.company == acme


def test_a_document_that_passes_upload_checks_but_cannot_be_read_fails(
    celery_worker, api_as, candidate
):
    broken = documents.rewrite_zip(
        documents.make_docx(), replace={"word/document.xml": lambda body: body[: len(body) // 2]}
    )
    response = api_as(candidate).post(
        "/api/v1/resumes/", {"file": SimpleUploadedFile("cv.docx", broken)}, format="multipart"
    )
    assert response.status_code == 202
    reaches(celery_worker, response.json()["id"], "failed")
    failed = Resume.objects.get()
    assert "Word document" in failed.error and failed.failure_code == "damaged_file"


def test_a_failed_resume_is_retried_to_parsed(celery_worker, api_as, candidate):
    blank = documents.make_pdf([[(72, 700, " ", 10)]])  # no text at all: fails after OCR
    response = api_as(candidate).post(
        "/api/v1/resumes/", {"file": SimpleUploadedFile("blank.pdf", blank)}, format="multipart"
    )
    resume_id = response.json()["id"]
    reaches(celery_worker, resume_id, "failed")
    resume = Resume.objects.get(pk=resume_id)
    assert resume.needs_ocr and "No text could be read" in resume.error
    # The stored copy is replaced (as if a storage hiccup were fixed), then retried.
    with resume.file.storage.open(resume.file.name, "wb") as handle:
        handle.write(documents.sample_pdf())
    retry = api_as(candidate).post(f"/api/v1/resumes/{resume_id}/retry/")
    assert retry.status_code == 202
    reaches(celery_worker, resume_id, "parsed")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def test_a_worker_killed_mid_task_loses_nothing_and_parses_once(celery_worker_factory, candidate):
    worker = celery_worker_factory()
    lines = [f"Line {i} of a long scanned resume with many words" for i in range(40)]
    scan = documents.concatenate_pdfs(*[documents.scanned_pdf(lines)] * 3)
    resume, _ = services.upload_resume(
        owner=candidate, file=SimpleUploadedFile("scan.pdf", scan), uploaded_by=candidate
    )
    worker.wait_for(lambda: status_of(resume.pk) == "extracting", timeout=60)
    # SIGKILL the pool process doing the OCR: acks_late + reject_on_worker_lost requeue it.
    for child in _children(worker.process.pid):
        os.kill(child, signal.SIGKILL)
    worker.wait_for(lambda: status_of(resume.pk) == "parsed", timeout=240)
    resume.refresh_from_db()
    assert resume.attempts == 2
    assert Event.objects.filter(kind="profile.updated").count() == 1


def test_a_whole_worker_killed_mid_task_is_recovered_and_parses_once(
    celery_worker_factory, candidate
):
    """After the whole worker dies, redelivery or the stuck sweep finishes the work, once."""
    first = celery_worker_factory()
    scan = documents.concatenate_pdfs(*[documents.scanned_pdf(["Carol Candidate"] * 30)] * 3)
    resume, _ = services.upload_resume(
        owner=candidate, file=SimpleUploadedFile("scan.pdf", scan), uploaded_by=candidate
    )
    first.wait_for(lambda: status_of(resume.pk) == "extracting", timeout=60)
    children = _children(first.process.pid)
    first.process.kill()
    for child in children:
        os.kill(child, signal.SIGKILL)
    first.process.wait()
    second = celery_worker_factory()
    # The sweep (run here at once instead of by beat) enqueues the unfinished resume again.
    assert services.requeue_stuck_resumes(older_than=timedelta(0)) == 1
    second.wait_for(lambda: status_of(resume.pk) == "parsed", timeout=240)
    assert Event.objects.filter(kind="profile.updated").count() == 1
