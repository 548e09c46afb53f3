"""The product's main flow through a real worker: a resume becomes matches, a job is ranked.

Upload → extraction → parsing → profile → (profile_updated) embedding → match recompute, and
publishing a job → (job_changed) embedding → its candidates ranked, with explanations.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs import services as job_services
from jobs.models import Job
from jobs.tests.factories import make_job
from matching.models import Match
from resumes.models import CandidateProfile
from resumes.tests import documents

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_uploaded_resume_is_matched_to_open_jobs_by_the_worker(
    celery_worker, api_as, candidate, acme
):
    backend = make_job(
        acme,
        title="Senior Python Engineer",
        description="Build data pipelines with Python, Django and PostgreSQL.",
        city="San Francisco",
        country="US",
        workplace=Job.Workplace.HYBRID,
        required_skills=["python", "django"],
        preferred_skills=["kubernetes"],
    )
    response = api_as(candidate).post(
        "/api/v1/resumes/",
        {"file": SimpleUploadedFile("carol.pdf", documents.sample_pdf())},
        format="multipart",
    )
    assert response.status_code == 202

    match = celery_worker.wait_for(
        lambda: Match.objects.filter(job=backend, candidate__user=candidate).first(), timeout=180
    )
    assert 0 < match.score <= 1
    matched = {skill["slug"] for skill in match.explanation["matched_required"]}
    assert matched == {"python", "django"}
    assert match.explanation["missing_required"] == []
    assert match.candidate.embedding is not None


def test_publishing_a_job_ranks_existing_candidates(
    celery_worker, api_as, candidate, recruiter, acme
):
    response = api_as(candidate).post(
        "/api/v1/resumes/",
        {"file": SimpleUploadedFile("carol.pdf", documents.sample_pdf())},
        format="multipart",
    )
    assert response.status_code == 202
    celery_worker.wait_for(
        lambda: CandidateProfile.objects.filter(user=candidate, embedding__isnull=False).exists(),
        timeout=180,
    )
    draft = make_job(
        acme,
        status=Job.Status.DRAFT,
        title="Platform Engineer",
        description="Run Kubernetes and Docker for our Python services.",
        required_skills=["kubernetes", "docker"],
    )
    job_services.publish_job(job=draft, actor=recruiter)

    # The job is embedded by its own chain; its match may also come from the candidate's
    # recompute if that ran after the publish, so wait for both.
    celery_worker.wait_for(
        lambda: Job.objects.filter(pk=draft.pk, embedding__isnull=False).exists(), timeout=180
    )
    match = celery_worker.wait_for(
        lambda: Match.objects.filter(job=draft, candidate__user=candidate).first(), timeout=180
    )
    assert {s["slug"] for s in match.explanation["matched_required"]} == {"kubernetes", "docker"}
