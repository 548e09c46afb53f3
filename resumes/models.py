"""Resumes and the candidate profile built from them.

A `Resume` carries its own state (`status`) that a dumb worker moves forward:
uploaded → extracting → parsing → parsed, or failed with a reason a person can read.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from pgvector.django import VectorField


def resume_file_key(instance: Resume, filename: str) -> str:
    """A private, unguessable storage key; the uploaded file's name never appears in it."""
    return f"resumes/{secrets.token_urlsafe(24)}"


class ResumeQuerySet(models.QuerySet["Resume"]):
    def visible_to(self, user: Any) -> ResumeQuerySet:
        """Resumes `user` may read: a candidate their own (not those a company sourced),
        a recruiter those sourced into their companies, staff everything."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_staff:
            return self
        if user.is_candidate:
            return self.filter(owner=user, company__isnull=True)
        company_ids = user.company_ids()
        if not company_ids:
            return self.none()
        return self.filter(company_id__in=company_ids)

    def for_company(self, company: Any) -> ResumeQuerySet:
        return self.filter(company=company)

    def unfinished(self) -> ResumeQuerySet:
        return self.filter(status__in=Resume.UNFINISHED)

    def stuck(self, *, older_than: timedelta) -> ResumeQuerySet:
        """Unfinished resumes whose status has not moved for `older_than` (a lost message)."""
        return self.unfinished().filter(status_changed_at__lt=timezone.now() - older_than)


class Resume(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        EXTRACTING = "extracting", "Extracting text"
        PARSING = "parsing", "Parsing"
        PARSED = "parsed", "Parsed"
        FAILED = "failed", "Failed"

    class Failure(models.TextChoices):
        """Why a resume failed, for machines (metrics, a mobile app's own wording); `error`
        says it to people."""

        INTERRUPTED = "interrupted", "Interrupted too many times"
        FILE_MISSING = "file_missing", "The stored file is missing"
        UNSUPPORTED_KIND = "unsupported_kind", "No text extractor for this kind"
        TOO_LARGE = "too_large", "Too large for the extractor"
        DAMAGED_FILE = "damaged_file", "Damaged file"
        OCR_FAILED = "ocr_failed", "OCR could not read it"
        NO_TEXT = "no_text", "No text could be read"
        EXTRACTION_FAILED = "extraction_failed", "Text extraction failed"
        EXTRACTION_TIMEOUT = "extraction_timeout", "Text extraction took too long"
        EXTRACTION_RETRIES_EXHAUSTED = "extraction_retries_exhausted", "Extraction kept failing"
        UNPARSEABLE = "unparseable", "Could not be parsed"
        PARSE_TIMEOUT = "parse_timeout", "Parsing took too long"
        PARSE_RETRIES_EXHAUSTED = "parse_retries_exhausted", "Parsing kept failing"

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        PNG = "png", "PNG image"
        JPEG = "jpeg", "JPEG image"
        TIFF = "tiff", "TIFF image"
        HEIC = "heic", "HEIC image"

    MIME_TYPES = {
        Kind.PDF: "application/pdf",
        Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Kind.PNG: "image/png",
        Kind.JPEG: "image/jpeg",
        Kind.TIFF: "image/tiff",
        Kind.HEIC: "image/heic",
    }
    UNFINISHED = (Status.UPLOADED, Status.EXTRACTING, Status.PARSING)

    # A UUID so URLs do not reveal how many resumes exist.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumes"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when a recruiter sourced this candidate: the resume belongs to that company's scope.
    company = models.ForeignKey(
        "accounts.Company",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sourced_resumes",
    )
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=resume_file_key, max_length=255)

    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.UPLOADED, db_index=True
    )
    error = models.TextField(blank=True)
    failure_code = models.CharField(max_length=32, choices=Failure.choices, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    is_primary = models.BooleanField(default=False)
    # Known at upload: an image, or a PDF without a text layer on its first pages.
    needs_ocr = models.BooleanField(default=False)

    text = models.TextField(blank=True)
    extraction_engine = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    ocr_used = models.BooleanField(default=False)
    ocr_confidence = models.FloatField(null=True, blank=True)

    parsed = models.JSONField(null=True, blank=True)
    parser_engine = models.CharField(max_length=64, blank=True)
    parser_version = models.CharField(max_length=32, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    parsed_at = models.DateTimeField(null=True, blank=True)

    objects = ResumeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(is_primary=True),
                name="resume_one_primary_per_owner",
            ),
            # The same bytes for the same candidate in the same scope are one resume.
            models.UniqueConstraint(
                fields=["owner", "company", "sha256"],
                name="resume_unique_owner_scope_sha256",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(is_primary=False) | Q(company__isnull=True),
                name="resume_primary_only_own",
            ),
        ]
        indexes = [models.Index(fields=["status", "status_changed_at"])]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.owner_id}, {self.status})"

    @property
    def content_type(self) -> str:
        return self.MIME_TYPES.get(self.kind, "application/octet-stream")

    @property
    def is_finished(self) -> bool:
        return self.status not in self.UNFINISHED

    @property
    def extraction_queue(self) -> str:
        """Scans and photos wait in their own queue so a burst of them never starves text."""
        return "ocr" if self.needs_ocr else "parsing"


class CandidateProfile(models.Model):
    """What matching reads about a candidate: parsed from the primary resume, then edited."""

    class RemotePreference(models.TextChoices):
        ONSITE = "onsite", "On site"
        HYBRID = "hybrid", "Hybrid"
        REMOTE = "remote", "Remote"
        ANY = "any", "Any"

    class SalaryPeriod(models.TextChoices):
        YEAR = "year", "per year"
        MONTH = "month", "per month"
        HOUR = "hour", "per hour"

    # Fields a parse may fill; the candidate's hand edits to any of them are kept.
    PARSED_FIELDS = (
        "full_name",
        "phone",
        "headline",
        "summary",
        "city",
        "country",
        "links",
        "years_of_experience",
        "skills",
        "skill_evidence",
        "experiences",
        "educations",
        "languages",
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate_profile"
    )
    source_resume = models.ForeignKey(
        Resume, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    headline = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    city = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=120, blank=True)
    links = ArrayField(models.URLField(max_length=500), default=list, blank=True)
    years_of_experience = models.FloatField(null=True, blank=True)

    desired_salary_min = models.PositiveIntegerField(null=True, blank=True)
    desired_salary_max = models.PositiveIntegerField(null=True, blank=True)
    desired_salary_currency = models.CharField(max_length=3, blank=True)
    desired_salary_period = models.CharField(
        max_length=8, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR
    )
    remote_preference = models.CharField(
        max_length=8, choices=RemotePreference.choices, default=RemotePreference.ANY
    )
    # Opt-in: recruiters find the candidate among a job's ranked matches only when on; jobs the
    # candidate applied to show them through the application whatever this says.
    is_discoverable = models.BooleanField(default=False)
    preferred_locations = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    work_authorization = ArrayField(
        models.CharField(max_length=2), default=list, blank=True, help_text="ISO country codes"
    )

    skills = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    skill_evidence = models.JSONField(default=dict, blank=True)
    experiences = models.JSONField(default=list, blank=True)
    educations = models.JSONField(default=list, blank=True)
    languages = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    edited_fields = ArrayField(models.CharField(max_length=40), default=list, blank=True)

    embedding = VectorField(dimensions=384, null=True, blank=True)
    embedding_model = models.CharField(max_length=100, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            GinIndex(fields=["skills"], name="profile_skills_gin"),
            GinIndex(fields=["work_authorization"], name="profile_work_auth_gin"),
            models.Index(fields=["country"], name="profile_country_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_salary_min__isnull=True)
                | Q(desired_salary_max__isnull=True)
                | Q(desired_salary_min__lte=models.F("desired_salary_max")),
                name="profile_salary_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"
