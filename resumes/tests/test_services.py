"""The pipeline, step by step, in process: upload → extract → parse → profile."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from analytics.models import Event
from resumes import services
from resumes.models import CandidateProfile, Resume
from resumes.tests import documents
from resumes.tests.factories import make_resume
from resumes.uploads import UploadRejected

pytestmark = pytest.mark.django_db


def upload(owner, data: bytes, name: str = "cv.pdf", **kwargs):
    return services.upload_resume(
        owner=owner, file=SimpleUploadedFile(name, data), uploaded_by=owner, **kwargs
    )


def run_pipeline(resume: Resume) -> Resume:
    services.extract_resume_text(resume_id=resume.pk)
    services.parse_resume_text(resume_id=resume.pk)
    resume.refresh_from_db()
    return resume


def test_upload_stores_the_file_and_row_and_enqueues_on_commit(
    candidate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        resume, created = upload(candidate, documents.sample_pdf(), name="../../etc/Carol CV.pdf")
    assert created
    assert resume.status == Resume.Status.UPLOADED
    assert resume.original_name == "Carol CV.pdf"
    assert resume.kind == "pdf" and resume.page_count == 1 and not resume.needs_ocr
    assert resume.is_primary
    # The key is random and never contains the uploaded name.
    assert resume.file.name.startswith("resumes/") and "Carol" not in resume.file.name
    assert len(resume.file.name) > 30
    assert resume.file.storage.exists(resume.file.name)
    assert len(callbacks) == 1
    assert callbacks[0].keywords == {"args": [str(resume.pk)], "queue": "parsing"}


def test_images_and_scans_go_to_the_ocr_queue(candidate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        resume, _ = upload(candidate, documents.text_image(["Carol"]), name="photo.png")
    assert resume.needs_ocr
    assert callbacks[0].keywords["queue"] == "ocr"


def test_the_same_bytes_for_the_same_candidate_return_the_existing_resume(
    candidate, other_candidate, django_capture_on_commit_callbacks
):
    first, _ = upload(candidate, documents.sample_pdf())
    with django_capture_on_commit_callbacks() as callbacks:
        again, created = upload(candidate, documents.sample_pdf(), name="renamed.pdf")
    assert (again.pk, created, callbacks) == (first.pk, False, [])
    theirs, created = upload(other_candidate, documents.sample_pdf())
    assert created and theirs.pk != first.pk
    assert Resume.objects.count() == 2


def test_a_refused_file_stores_nothing(candidate):
    with pytest.raises(UploadRejected):
        upload(candidate, documents.macro_docx(), name="cv.docx")
    assert Resume.objects.count() == 0


def test_the_pipeline_reaches_parsed_and_fills_the_profile(candidate):
    resume, _ = upload(candidate, documents.sample_pdf())
    resume = run_pipeline(resume)
    assert resume.status == Resume.Status.PARSED, resume.error
    assert resume.extraction_engine == "pdfium" and resume.attempts == 1
    assert "Carol Candidate" in resume.text
    assert resume.parsed["email"] == "carol@example.test"
    assert resume.parser_engine
    profile = CandidateProfile.objects.get(user=candidate)
    assert profile.full_name == "Carol Candidate"
    assert {"python", "django", "postgresql"} <= set(profile.skills)
    assert "Python" in profile.skill_evidence["python"]
    assert profile.source_resume_id == resume.pk
    event = Event.objects.get(kind="profile.updated")
    assert event.subject_id == str(profile.pk)
    assert "skills" in event.payload["fields"]


def test_a_redelivered_task_does_nothing_once_done(candidate):
    resume, _ = upload(candidate, documents.sample_pdf())
    resume = run_pipeline(resume)
    updated = resume.updated_at
    services.extract_resume_text(resume_id=resume.pk)
    services.parse_resume_text(resume_id=resume.pk)
    resume.refresh_from_db()
    assert (resume.status, resume.attempts, resume.updated_at) == ("parsed", 1, updated)
    assert Event.objects.filter(kind="profile.updated").count() == 1


def test_an_interrupted_extraction_runs_again(candidate):
    resume, _ = upload(candidate, documents.sample_pdf())
    Resume.objects.filter(pk=resume.pk).update(status=Resume.Status.EXTRACTING, attempts=1)
    resume = run_pipeline(resume)
    assert (resume.status, resume.attempts) == ("parsed", 2)


def test_too_many_interruptions_fail_the_resume(candidate, settings):
    resume, _ = upload(candidate, documents.sample_pdf())
    Resume.objects.filter(pk=resume.pk).update(
        status=Resume.Status.EXTRACTING, attempts=settings.RESUME_MAX_ATTEMPTS
    )
    resume = run_pipeline(resume)
    assert resume.status == "failed"
    assert "interrupted too many times" in resume.error
    assert resume.failure_code == Resume.Failure.INTERRUPTED


def test_profile_changes_are_announced_after_commit(candidate, django_capture_on_commit_callbacks):
    from resumes.signals import profile_updated

    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    profile_updated.connect(receiver)
    try:
        resume, _ = upload(candidate, documents.sample_pdf())
        services.extract_resume_text(resume_id=resume.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.parse_resume_text(resume_id=resume.pk)
    finally:
        profile_updated.disconnect(receiver)
    assert len(received) == 1
    assert received[0]["user_id"] == candidate.pk
    assert "skills" in received[0]["fields"]


def test_hand_edited_fields_survive_a_reparse(candidate):
    resume, _ = upload(candidate, documents.sample_pdf())
    run_pipeline(resume)
    profile = CandidateProfile.objects.get(user=candidate)
    services.edit_profile(
        profile=profile, actor=candidate, data={"headline": "Staff engineer", "skills": ["rust"]}
    )
    assert profile.edited_fields == ["headline", "skills"]
    services.reparse_resume(resume=resume, actor=candidate)
    services.parse_resume_text(resume_id=resume.pk)
    profile.refresh_from_db()
    assert profile.headline == "Staff engineer"
    assert profile.skills == ["rust"]
    assert profile.full_name == "Carol Candidate"  # not edited: still from the parse


def test_a_file_without_text_fails_with_a_readable_reason(candidate):
    blank = documents.make_pdf([[]])  # a page with nothing on it
    resume, _ = upload(candidate, blank)
    resume = run_pipeline(resume)
    assert resume.status == "failed"
    assert "No text could be read" in resume.error
    assert resume.failure_code == Resume.Failure.NO_TEXT
    assert Event.objects.get(kind="resume.failed").payload["code"] == "no_text"


def test_a_damaged_stored_file_fails_and_can_be_retried(candidate):
    resume, _ = upload(candidate, documents.sample_pdf())
    with resume.file.storage.open(resume.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 broken")
    resume = run_pipeline(resume)
    assert resume.status == "failed" and "damaged" in resume.error
    assert resume.failure_code == Resume.Failure.DAMAGED_FILE
    with resume.file.storage.open(resume.file.name, "wb") as handle:
        handle.write(documents.sample_pdf())
    services.retry_resume(resume=resume, actor=candidate)
    resume.refresh_from_db()
    assert (resume.status, resume.error, resume.failure_code, resume.attempts) == (
        "uploaded",
        "",
        "",
        0,
    )
    assert run_pipeline(resume).status == "parsed"


def test_only_a_failed_resume_can_be_retried(candidate):
    resume = make_resume(owner=candidate)
    with pytest.raises(ValidationError):
        services.retry_resume(resume=resume, actor=candidate)


def test_stuck_resumes_are_enqueued_again(candidate, django_capture_on_commit_callbacks):
    stuck = make_resume(owner=candidate, status=Resume.Status.PARSING)
    fresh = make_resume(owner=candidate, status=Resume.Status.UPLOADED)
    done = make_resume(owner=candidate, status=Resume.Status.PARSED)
    long_ago = timezone.now() - timedelta(hours=1)
    Resume.objects.filter(pk__in=[stuck.pk, done.pk]).update(status_changed_at=long_ago)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.requeue_stuck_resumes(older_than=timedelta(minutes=15)) == 1
    assert [c.args for c in callbacks] == [(str(stuck.pk),)]
    stuck.refresh_from_db()
    assert stuck.status_changed_at > long_ago  # the next sweep waits again
    assert fresh.status == "uploaded"


def test_set_primary_moves_the_flag_and_refreshes_the_profile(candidate):
    first, _ = upload(candidate, documents.sample_pdf())
    run_pipeline(first)
    lines = [*documents.SAMPLE_LINES]
    lines[0] = "Caroline Candidate"
    second, _ = upload(candidate, documents.one_column_pdf(lines))
    run_pipeline(second)
    assert not Resume.objects.get(pk=second.pk).is_primary
    assert CandidateProfile.objects.get(user=candidate).full_name == "Carol Candidate"
    services.set_primary_resume(resume=Resume.objects.get(pk=second.pk), actor=candidate)
    assert list(Resume.objects.filter(is_primary=True).values_list("pk", flat=True)) == [second.pk]
    assert CandidateProfile.objects.get(user=candidate).full_name == "Caroline Candidate"


def test_delete_removes_the_file_and_promotes_another_primary(
    candidate, django_capture_on_commit_callbacks
):
    first, _ = upload(candidate, documents.sample_pdf())
    second, _ = upload(candidate, documents.two_column_pdf())
    name = first.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_resume(resume=first, actor=candidate)
    assert not first.file.storage.exists(name)
    assert Resume.objects.get().pk == second.pk
    assert Resume.objects.get().is_primary


def test_a_sourced_resume_is_scoped_to_the_company(recruiter, acme):
    carol = services.source_candidate(email="Carol.New@Example.test", first_name="Carol")
    assert carol.is_candidate and not carol.has_usable_password()
    resume, _ = services.upload_resume(
        owner=carol,
        file=SimpleUploadedFile("cv.pdf", documents.sample_pdf()),
        uploaded_by=recruiter,
        company=acme,
    )
    assert resume.company == acme and not resume.is_primary
    run_pipeline(resume)
    # No resume of her own yet: the sourced one feeds her profile.
    assert CandidateProfile.objects.get(user=carol).full_name == "Carol Candidate"
    assert services.source_candidate(email="carol.new@example.test") == carol


def test_sourcing_refuses_a_recruiter_address(recruiter):
    with pytest.raises(ValidationError):
        services.source_candidate(email=recruiter.email)
