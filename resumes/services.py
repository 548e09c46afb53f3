"""Resume workflows: upload, the extract → parse → profile pipeline, retries, edits.

Each pipeline step checks the row's status first, so a redelivered task is a no-op when its
work is done, and writes the next status before the next task is enqueued (on commit).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Company, User
from analytics.services import record_event
from resumes.models import CandidateProfile, Resume
from resumes.signals import announce_profile_update
from resumes.uploads import check_size, inspect_upload

logger = logging.getLogger(__name__)
Status = Resume.Status


# --- Upload --------------------------------------------------------------------------------
def upload_resume(
    *,
    owner: User,
    file: UploadedFile,
    uploaded_by: User,
    company: Company | None = None,
) -> tuple[Resume, bool]:
    """Store `file` as a resume of `owner` and enqueue its processing.

    Returns ``(resume, created)``; the same bytes for the same owner and scope return the
    existing resume and start no new work. Raises `UploadRejected` for unacceptable files.
    """
    check_size(file.size or 0)  # before reading a byte of it
    data = file.read(settings.RESUME_MAX_UPLOAD_BYTES + 1)
    info = inspect_upload(data)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = Resume.objects.filter(owner=owner, company=company, sha256=sha256).first()
    if existing is not None:
        return existing, False
    resume = Resume(
        owner=owner,
        uploaded_by=uploaded_by,
        company=company,
        original_name=_display_name(file.name),
        kind=info.kind,
        size=len(data),
        sha256=sha256,
        page_count=info.pages,
        needs_ocr=info.needs_ocr,
    )
    # The bytes are stored before the row exists; a failed insert removes them again.
    resume.file.save("upload", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            resume.is_primary = (
                company is None and not owner.resumes.filter(is_primary=True).exists()
            )
            resume.save()
            record_event(
                kind="resume.uploaded",
                actor=uploaded_by,
                company=company,
                subject=resume,
                payload={"kind": resume.kind, "size": resume.size},
            )
            _enqueue_extraction(resume)
    except IntegrityError:
        resume.file.delete(save=False)
        existing = Resume.objects.filter(owner=owner, company=company, sha256=sha256).first()
        if existing is None:
            raise
        return existing, False
    return resume, True


def _display_name(name: str | None) -> str:
    """The client's file name, for display only (never a storage key)."""
    base = (name or "resume").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:255] or "resume"


def source_candidate(*, email: str, first_name: str = "", last_name: str = "") -> User:
    """The candidate account a recruiter uploads a resume for (created without a password)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return User.objects.create_user(
            email=email,
            password=None,
            role=User.Role.CANDIDATE,
            first_name=first_name,
            last_name=last_name,
        )
    if not user.is_candidate:
        raise ValidationError("This address belongs to a recruiter or staff account.")
    return user


def _enqueue_extraction(resume: Resume) -> None:
    from resumes.tasks import extract_resume

    extract_resume.apply_async_on_commit(args=[str(resume.pk)], queue=resume.extraction_queue)


def _enqueue_parsing(resume: Resume) -> None:
    from resumes.tasks import parse_resume

    parse_resume.delay_on_commit(str(resume.pk))


def _move(resume: Resume, status: str, **fields: Any) -> None:
    resume.status = status
    resume.status_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(resume, name, value)
    resume.save(update_fields=["status", "status_changed_at", "updated_at", *fields])


# --- Pipeline ------------------------------------------------------------------------------
def extract_resume_text(*, resume_id: str) -> Resume | None:
    """Step 1: text from the stored file. Transient backend errors propagate (retry)."""
    from resumes.extraction import get_text_extractor
    from resumes.extraction.base import ExtractionError, TransientExtractionError

    with transaction.atomic():
        resume = Resume.objects.select_for_update().filter(pk=resume_id).first()
        if resume is None or resume.status not in (Status.UPLOADED, Status.EXTRACTING):
            return resume  # deleted, or this step is done: a redelivered message
        if resume.attempts >= settings.RESUME_MAX_ATTEMPTS:
            last = f" (last problem: {resume.error})" if resume.error else ""
            _move(
                resume,
                Status.FAILED,
                error=f"Processing failed or was interrupted too many times{last}; retry later.",
            )
            return resume
        _move(resume, Status.EXTRACTING, attempts=resume.attempts + 1, error="")
    try:
        with resume.file.open("rb") as handle:
            data = handle.read()
        result = get_text_extractor().extract(data=data, kind=resume.kind)
    except TransientExtractionError as exc:
        # Kept on the row so a person polling sees why it takes long; the task retries.
        Resume.objects.filter(pk=resume.pk).update(error=f"Temporary problem, retrying: {exc}")
        raise
    except ExtractionError as exc:
        return fail_resume(resume_id=resume.pk, reason=str(exc))
    except FileNotFoundError:
        return fail_resume(
            resume_id=resume.pk, reason="The stored file is missing; upload it again."
        )
    if not result.text.strip():
        return fail_resume(
            resume_id=resume.pk,
            reason="No text could be read from this file. If it is a photo or a scan, "
            "upload a sharper, well-lit copy.",
        )
    with transaction.atomic():
        resume = Resume.objects.select_for_update().get(pk=resume.pk)
        if resume.status != Status.EXTRACTING:
            return resume
        _move(
            resume,
            Status.PARSING,
            text=result.text,
            extraction_engine=result.engine,
            page_count=result.pages,
            ocr_used=result.ocr_used,
            ocr_confidence=result.ocr_confidence,
        )
        _enqueue_parsing(resume)
    return resume


def parse_resume_text(*, resume_id: str) -> Resume | None:
    """Step 2: the parse, then the candidate's profile. Transient errors propagate."""
    from resumes.parsing import get_resume_parser
    from resumes.parsing.base import ResumeParseError

    resume = Resume.objects.filter(pk=resume_id).first()
    if resume is None or resume.status != Status.PARSING:
        return resume
    parser = get_resume_parser()
    try:
        parsed = parser.parse(resume.text)
    except ResumeParseError as exc:
        return fail_resume(resume_id=resume.pk, reason=f"The resume could not be parsed: {exc}")
    with transaction.atomic():
        resume = Resume.objects.select_for_update().get(pk=resume.pk)
        if resume.status != Status.PARSING:
            return resume
        _move(
            resume,
            Status.PARSED,
            parsed=parsed.to_dict(),
            parser_engine=parsed.engine,
            parser_version=str(getattr(parser, "version", ""))[:32],
            parsed_at=timezone.now(),
        )
        if feeds_profile(resume):
            update_profile_from_resume(resume=resume)
    return resume


def fail_resume(*, resume_id: Any, reason: str) -> Resume | None:
    with transaction.atomic():
        resume = Resume.objects.select_for_update().filter(pk=resume_id).first()
        if resume is None or resume.status == Status.PARSED:
            return resume
        _move(resume, Status.FAILED, error=reason[:2000])
        record_event(
            kind="resume.failed",
            company=resume.company,
            subject=resume,
            payload={"reason": reason[:500]},
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
        _enqueue_extraction(resume)
    return resume


def reparse_resume(*, resume: Resume, actor: User | None = None) -> Resume:
    """Parse the already extracted text again (a new parser version)."""
    with transaction.atomic():
        resume = Resume.objects.select_for_update().get(pk=resume.pk)
        if not resume.text:
            raise ValidationError("This resume has no extracted text yet.")
        _move(resume, Status.PARSING, error="")
        _enqueue_parsing(resume)
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
                _enqueue_parsing(resume)
            else:
                _enqueue_extraction(resume)
            count += 1
    if count:
        logger.info("Re-enqueued %d stuck resumes", count)
    return count


# --- Primary, deletion --------------------------------------------------------------------
def feeds_profile(resume: Resume) -> bool:
    """The primary resume feeds the profile; a sourced one only while there is no primary."""
    if resume.is_primary:
        return True
    return (
        resume.company_id is not None
        and not Resume.objects.filter(owner_id=resume.owner_id, is_primary=True).exists()
    )


@transaction.atomic
def set_primary_resume(*, resume: Resume, actor: User) -> Resume:
    if resume.company_id is not None:
        raise ValidationError("A resume sourced by a company cannot be the primary resume.")
    Resume.objects.filter(owner_id=resume.owner_id, is_primary=True).exclude(pk=resume.pk).update(
        is_primary=False
    )
    resume.is_primary = True
    resume.save(update_fields=["is_primary", "updated_at"])
    if resume.status == Status.PARSED:
        update_profile_from_resume(resume=resume, actor=actor)
    return resume


@transaction.atomic
def delete_resume(*, resume: Resume, actor: User) -> None:
    was_primary = resume.is_primary
    owner_id = resume.owner_id
    storage, name = resume.file.storage, resume.file.name
    record_event(kind="resume.deleted", actor=actor, company=resume.company, subject=resume)
    resume.delete()
    # The bytes go only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))
    if was_primary:
        successor = (
            Resume.objects.filter(owner_id=owner_id, company__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if successor is not None:
            set_primary_resume(resume=successor, actor=actor)


# --- Profile -------------------------------------------------------------------------------
def _profile_values(parsed: dict[str, Any]) -> dict[str, Any]:
    mentions = parsed.get("skill_slugs") or []
    evidence: dict[str, str] = {}
    for mention in mentions:
        evidence.setdefault(mention["slug"], mention.get("line") or mention.get("text") or "")
    years = parsed.get("years_of_experience")
    return {
        "full_name": (parsed.get("name") or "")[:200],
        "phone": (parsed.get("phone_e164") or parsed.get("phone") or "")[:40],
        "headline": (parsed.get("headline") or "")[:300],
        "summary": parsed.get("summary") or "",
        "city": (parsed.get("city") or "")[:120],
        "country": (parsed.get("country") or "")[:120],
        "links": [url[:500] for url in parsed.get("urls") or []],
        "years_of_experience": float(years) if years is not None else None,
        "skills": list(evidence),
        "skill_evidence": evidence,
        "experiences": parsed.get("experiences") or [],
        "educations": parsed.get("educations") or [],
        "languages": [lang[:60] for lang in parsed.get("languages") or []],
    }


@transaction.atomic
def update_profile_from_resume(*, resume: Resume, actor: User | None = None) -> CandidateProfile:
    """Fill the owner's profile from the resume's parse; hand-edited fields are kept."""
    profile, _ = CandidateProfile.objects.select_for_update().get_or_create(user_id=resume.owner_id)
    values = _profile_values(resume.parsed or {})
    changed = [
        name
        for name, value in values.items()
        if name not in profile.edited_fields and getattr(profile, name) != value
    ]
    for name in changed:
        setattr(profile, name, values[name])
    profile.source_resume = resume
    profile.save()
    record_event(
        kind="profile.updated",
        actor=actor,
        company=resume.company,
        subject=profile,
        payload={"source": "resume", "resume": str(resume.pk), "fields": changed},
    )
    if changed:
        announce_profile_update(profile_id=profile.pk, user_id=profile.user_id, fields=changed)
    return profile


@transaction.atomic
def edit_profile(
    *, profile: CandidateProfile, actor: User, data: dict[str, Any]
) -> CandidateProfile:
    """The candidate's own edits; parsed fields they touch are never overwritten again."""
    changed = [name for name, value in data.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, data[name])
    hand_edited = [name for name in changed if name in CandidateProfile.PARSED_FIELDS]
    profile.edited_fields = sorted(set(profile.edited_fields) | set(hand_edited))
    profile.full_clean(exclude=["user", "source_resume", "embedding"])
    profile.save()
    if changed:
        record_event(
            kind="profile.updated",
            actor=actor,
            subject=profile,
            payload={"source": "edit", "fields": changed},
        )
        announce_profile_update(profile_id=profile.pk, user_id=profile.user_id, fields=changed)
    return profile
