"""Upload: store the bytes, record the row, enqueue the extraction after commit."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from accounts.models import Company, User
from analytics.services import record_event
from resumes.models import Resume
from resumes.services.pipeline import enqueue_extraction
from resumes.uploads import check_size, inspect_upload


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
            enqueue_extraction(resume)
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
