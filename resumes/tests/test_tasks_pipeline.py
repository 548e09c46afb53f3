"""What each pipeline step costs: its log line, its SQL statements, its worker's connections."""

from __future__ import annotations

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resumes import services
from resumes.models import CandidateProfile, Resume
from resumes.tests import documents


def upload(owner, name: str = "cv.pdf", data: bytes | None = None) -> Resume:
    file = SimpleUploadedFile(name, data or documents.sample_pdf())
    resume, _ = services.upload_resume(owner=owner, uploaded_by=owner, file=file)
    return resume


def step_lines(caplog) -> dict[str, logging.LogRecord]:
    return {r.step: r for r in caplog.records if r.name == "resumes.pipeline"}


@pytest.mark.django_db(transaction=True)  # as in the worker: no test transaction's savepoints
def test_each_step_logs_its_stages_cpu_and_statements(candidate, caplog):
    resume = upload(candidate)
    with caplog.at_level(logging.INFO, logger="resumes.pipeline"):
        services.extract_resume_text(resume_id=str(resume.pk))
        services.parse_resume_text(resume_id=str(resume.pk))
    lines = step_lines(caplog)
    extract, parse = lines["extract"], lines["parse"]
    assert (extract.resume_id, extract.outcome, parse.outcome) == (str(resume.pk), "done", "done")
    for stage in ("queue_wait_ms", "claim_ms", "read_ms", "extract_ms", "save_ms", "enqueue_ms"):
        assert getattr(extract, stage) >= 0
    for stage in ("queue_wait_ms", "load_ms", "parse_ms", "save_ms", "announce_ms"):
        assert getattr(parse, stage) >= 0
    assert extract.total_ms >= extract.extract_ms > 0 and parse.cpu_ms > 0
    # Locked read and move to extracting; the move to parsing in one conditional UPDATE.
    assert extract.queries == 3
    # Read, locked read of five columns, update; locked profile read, insert in a savepoint,
    # the event; the profile's debounced refresh marked waiting in the cache (its size, a read,
    # an insert). A statement per skill or per entry would show here.
    assert parse.queries == 11


@pytest.mark.django_db
def test_a_redelivered_step_is_logged_as_skipped_and_sends_one_statement(candidate, caplog):
    resume = upload(candidate)
    services.extract_resume_text(resume_id=str(resume.pk))
    services.parse_resume_text(resume_id=str(resume.pk))
    with caplog.at_level(logging.INFO, logger="resumes.pipeline"):
        services.parse_resume_text(resume_id=str(resume.pk))
    [line] = [r for r in caplog.records if r.name == "resumes.pipeline"]
    assert (line.step, line.outcome, line.queries) == ("parse", "skipped", 1)


@pytest.mark.django_db
def test_a_reparse_updates_only_the_profile_columns_that_changed(candidate):
    resume = upload(candidate)
    services.extract_resume_text(resume_id=str(resume.pk))
    services.parse_resume_text(resume_id=str(resume.pk))
    # Matching embedded the profile meanwhile; the candidate then edited their headline.
    CandidateProfile.objects.filter(user=candidate).update(embedding=[0.5] * 384)
    profile = CandidateProfile.objects.get(user=candidate)
    services.edit_profile(profile=profile, actor=candidate, data={"headline": "Mine"})
    services.reparse_resume(resume=resume, actor=candidate)
    with CaptureQueriesContext(connection) as queries:
        services.parse_resume_text(resume_id=str(resume.pk))
    [update] = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "resumes_candidateprofile"')
    ]
    assert '"embedding"' not in update and '"headline"' not in update
    assert '"source_resume_id"' in update
    profile.refresh_from_db()
    assert profile.headline == "Mine" and profile.embedding is not None
    assert profile.full_name == "Carol Candidate"


@pytest.mark.django_db
def test_a_first_profile_is_inserted_with_its_values_and_announces_them(candidate):
    from analytics.models import Event

    resume = upload(candidate)
    services.extract_resume_text(resume_id=str(resume.pk))
    with CaptureQueriesContext(connection) as queries:
        services.parse_resume_text(resume_id=str(resume.pk))
    assert not any(q["sql"].startswith('UPDATE "resumes_candidateprofile"') for q in queries)
    profile = CandidateProfile.objects.get(user=candidate)
    assert profile.full_name == "Carol Candidate" and profile.source_resume_id == resume.pk
    event = Event.objects.get(kind="profile.updated")
    assert "full_name" in event.payload["fields"] and "phone" in event.payload["fields"]
    assert "desired_salary_min" not in event.payload["fields"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_keeps_its_database_connection_between_tasks(celery_worker_factory, candidate):
    """With CONN_MAX_AGE > 0 (as deployed) a pool process reuses one connection for its tasks;
    Celery's Django fixup alone would close it around every task."""
    worker = celery_worker_factory(
        queues="parsing", env={"DJANGO_SETTINGS_MODULE": "resumes.tests.settings_bench_worker"}
    )
    first = upload(candidate)
    worker.wait_for(lambda: Resume.objects.get(pk=first.pk).status == "parsed", timeout=90)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends_after_first = dict(cursor.fetchall())
    second = upload(candidate, "other.pdf", documents.two_column_pdf())
    worker.wait_for(lambda: Resume.objects.get(pk=second.pk).status == "parsed", timeout=90)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends_after_second = dict(cursor.fetchall())
    # One pool process, one connection: open after its tasks, and the same one for the next.
    assert len(backends_after_first) == 1
    assert backends_after_second == backends_after_first
