"""The extract → parse → profile pipeline, its failures and retries.

Each step checks the row's status first, so a redelivered task is a no-op when its work is
done, and writes the next status before the next task is enqueued (after commit). Each step
logs where its time went (`resumes.services.timing`).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from analytics.services import record_event
from resumes.models import Resume
from resumes.services.profile import feeds_profile, update_profile_from_resume
from resumes.services.timing import step_log

logger = logging.getLogger("resumes.services")
Status = Resume.Status
# What the parse step reads under its lock: the status and what decides the profile's source.
PARSE_LOCK_FIELDS = ("id", "status", "owner_id", "company_id", "is_primary")


def enqueue_extraction(resume: Resume) -> None:
    from resumes.tasks import extract_resume

    extract_resume.apply_async_on_commit(args=[str(resume.pk)], queue=resume.extraction_queue)


def enqueue_parsing(resume: Resume) -> None:
    from resumes.tasks import parse_resume

    parse_resume.delay_on_commit(str(resume.pk))


def _move(resume: Resume, status: str, **fields: Any) -> None:
    if status != Status.FAILED and resume.failure_code:
        fields.setdefault("failure_code", "")  # out of failed: no reason any more
    resume.status = status
    resume.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(resume, name, value)
    resume.save(update_fields=["status", "status_changed_at", "updated_at", *fields])


def extract_resume_text(*, resume_id: str) -> Resume | None:
    """Step 1: text from the stored file. Transient backend errors propagate (retry)."""
    with step_log("extract", resume_id) as log:
        return _extract(resume_id=resume_id, log=log)


def _extract(*, resume_id: str, log: Any) -> Resume | None:
    from resumes.extraction import get_text_extractor
    from resumes.extraction.base import ExtractionError, TransientExtractionError

    with transaction.atomic():
        resume = Resume.objects.select_for_update().filter(pk=resume_id).first()
        if resume is None or resume.status not in (Status.UPLOADED, Status.EXTRACTING):
            log.outcome = "skipped"
            return resume  # deleted, or this step is done: a redelivered message
        if resume.status == Status.UPLOADED:
            log.waited_since(resume.status_changed_at)
        if resume.attempts >= settings.RESUME_MAX_ATTEMPTS:
            last = f" (last problem: {resume.error})" if resume.error else ""
            _move(
                resume,
                Status.FAILED,
                error=f"Processing failed or was interrupted too many times{last}; retry later.",
                failure_code=Resume.Failure.INTERRUPTED,
            )
            log.outcome = "failed"
            return resume
        _move(resume, Status.EXTRACTING, attempts=resume.attempts + 1, error="")
    log.lap("claim")
    try:
        with resume.file.open("rb") as handle:
            data = handle.read()
        log.lap("read")
        result = get_text_extractor().extract(data=data, kind=resume.kind)
        log.lap("extract")
    except TransientExtractionError as exc:
        # Kept on the row so a person polling sees why it takes long; the task retries.
        Resume.objects.filter(pk=resume.pk).update(error=f"Temporary problem, retrying: {exc}")
        raise
    except ExtractionError as exc:
        log.outcome = "failed"
        return fail_resume(resume_id=resume.pk, code=exc.code, reason=str(exc))
    except FileNotFoundError:
        log.outcome = "failed"
        return fail_resume(
            resume_id=resume.pk,
            code=Resume.Failure.FILE_MISSING,
            reason="The stored file is missing; upload it again.",
        )
    if not result.text.strip():
        log.outcome = "failed"
        return fail_resume(
            resume_id=resume.pk,
            code=Resume.Failure.NO_TEXT,
            reason="No text could be read from this file. If it is a photo or a scan, "
            "upload a sharper, well-lit copy.",
        )
    # One conditional statement instead of lock, re-read and save: it moves the row only if
    # it is still extracting (a retry or the admin may have moved it meanwhile).
    now = timezone.now()
    fields = {
        "text": result.text,
        "extraction_engine": result.engine,
        "page_count": result.pages,
        "ocr_used": result.ocr_used,
        "ocr_confidence": result.ocr_confidence,
    }
    moved = Resume.objects.filter(pk=resume.pk, status=Status.EXTRACTING).update(
        status=Status.PARSING, status_changed_at=now, updated_at=now, **fields
    )
    log.lap("save")
    if not moved:
        log.outcome = "skipped"
        return Resume.objects.filter(pk=resume.pk).first()
    for name, value in {**fields, "status": Status.PARSING, "status_changed_at": now}.items():
        setattr(resume, name, value)
    resume.updated_at = now
    enqueue_parsing(resume)  # the update has committed (autocommit): publish now
    log.lap("enqueue")
    return resume


def parse_resume_text(*, resume_id: str) -> Resume | None:
    """Step 2: the parse, then the candidate's profile. Transient errors propagate."""
    with step_log("parse", resume_id) as log:
        return _parse(resume_id=resume_id, log=log)


def _parse(*, resume_id: str, log: Any) -> Resume | None:
    from resumes.parsing import get_resume_parser
    from resumes.parsing.base import ResumeParseError

    resume = Resume.objects.filter(pk=resume_id).first()
    if resume is None or resume.status != Status.PARSING:
        log.outcome = "skipped"
        return resume
    log.waited_since(resume.status_changed_at)
    log.lap("load")
    parser = get_resume_parser()
    try:
        parsed = parser.parse(resume.text)
    except ResumeParseError as exc:
        log.outcome = "failed"
        return fail_resume(
            resume_id=resume.pk,
            code=Resume.Failure.UNPARSEABLE,
            reason=f"The resume could not be parsed: {exc}",
        )
    log.lap("parse")
    with transaction.atomic():
        # Only the few columns the step decides on, locked; never the text again.
        locked = Resume.objects.select_for_update().only(*PARSE_LOCK_FIELDS).get(pk=resume.pk)
        if locked.status != Status.PARSING:
            log.outcome = "skipped"
            return locked
        resume.is_primary, resume.company_id = locked.is_primary, locked.company_id
        _move(
            resume,
            Status.PARSED,
            parsed=parsed.to_dict(),
            parser_engine=parsed.engine,
            parser_version=str(getattr(parser, "version", ""))[:32],
            parsed_at=timezone.now(),
        )
        # After commit, before the profile's announcement: "save" ends with the commit.
        transaction.on_commit(lambda: log.lap("save"))
        if feeds_profile(resume):
            update_profile_from_resume(resume=resume)
    log.lap("announce")
    return resume


def fail_resume(*, resume_id: Any, code: str, reason: str) -> Resume | None:
    """Move a resume to failed with a `Resume.Failure` code and a sentence for people; the
    file stays, and a retry starts it again."""
    with transaction.atomic():
        resume = Resume.objects.select_for_update().filter(pk=resume_id).first()
        if resume is None or resume.status == Status.PARSED:
            return resume
        _move(resume, Status.FAILED, error=reason[:2000], failure_code=code)
        record_event(
            kind="resume.failed",
            company=resume.company,
            subject=resume,
            payload={"reason": reason[:500], "code": code},
        )
    return resume


def retry_resume(*, resume: Resume, actor: User | None = None) -> Resume:
    """Start a failed resume again from the top (also the admin's "re-extract")."""
    return reprocess_resume(resume=resume, actor=actor, only_failed=True)


def reprocess_resume(
    *, resume: Resume, actor: User | None = None, only_failed: bool = False
) -> Resume:
    with transaction.atomic():
        resume = Resume.objects.select_for_update().get(pk=resume.pk)
        if only_failed and resume.status != Status.FAILED:
            raise ValidationError("Only a failed resume can be retried.")
        _move(resume, Status.UPLOADED, error="", attempts=0)
        record_event(kind="resume.retried", actor=actor, company=resume.company, subject=resume)
        enqueue_extraction(resume)
    return resume


def reparse_resume(*, resume: Resume, actor: User | None = None) -> Resume:
    """Parse the already extracted text again (a new parser version)."""
    with transaction.atomic():
        resume = Resume.objects.select_for_update().get(pk=resume.pk)
        if not resume.text:
            raise ValidationError("This resume has no extracted text yet.")
        _move(resume, Status.PARSING, error="")
        enqueue_parsing(resume)
    return resume


def requeue_stuck_resumes(*, older_than: timedelta | None = None) -> int:
    """Re-enqueue resumes whose status has not moved (a lost or dropped broker message)."""
    if older_than is None:
        older_than = timedelta(minutes=settings.RESUME_STUCK_AFTER_MINUTES)
    count = 0
    for resume_id in Resume.objects.stuck(older_than=older_than).values_list("pk", flat=True):
        with transaction.atomic():
            resume = Resume.objects.select_for_update(skip_locked=True).filter(pk=resume_id).first()
            if resume is None or resume.is_finished:
                continue
            status = resume.status
            _move(resume, status)  # touch, so the next sweep waits again
            if status == Status.PARSING:
                enqueue_parsing(resume)
            else:
                enqueue_extraction(resume)
            count += 1
    if count:
        logger.info("Re-enqueued %d stuck resumes", count)
    return count
