"""Applications and the hiring pipeline: stages, history, rejection reasons, notes, scorecards."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

DEFAULT_STAGES: tuple[tuple[str, str, str], ...] = (
    # (slug, name, kind)
    ("applied", "Applied", "open"),
    ("screening", "Screening", "open"),
    ("interview", "Interview", "open"),
    ("offer", "Offer", "open"),
    ("hired", "Hired", "hired"),
    ("rejected", "Rejected", "rejected"),
    ("withdrawn", "Withdrawn", "withdrawn"),
)
DEFAULT_REJECTION_REASONS = (
    "Not enough experience",
    "Missing required skills",
    "Position filled",
    "Salary expectations",
    "Not a culture add",
)


class PipelineStage(models.Model):
    """One column of a company's pipeline; rows with a `job` replace the company's for that job.

    `kind` gives a stage its meaning whatever its name: candidates move freely between `open`
    stages; `hired`, `rejected` and `withdrawn` end an application (only a reopen leaves them).
    """

    class Kind(models.TextChoices):
        OPEN = "open", "In progress"
        HIRED = "hired", "Hired"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="pipeline_stages"
    )
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pipeline_stages",
        help_text="Empty: the company's default pipeline.",
    )
    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OPEN)
    position = models.PositiveSmallIntegerField(default=0)
    is_interview = models.BooleanField(
        default=False, help_text="Interviewers fill a scorecard in this stage."
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "job", "slug"],
                name="stage_unique_slug_per_pipeline",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        scope = f"job {self.job_id}" if self.job_id else "company"
        return f"{self.name} ({scope})"

    @property
    def is_terminal(self) -> bool:
        return self.kind != self.Kind.OPEN


class ScreeningQuestion(models.Model):
    """A question candidates answer when applying to one job."""

    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(max_length=300)
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt


class RejectionReason(models.Model):
    company = models.ForeignKey(
        "accounts.Company", on_delete=models.CASCADE, related_name="rejection_reasons"
    )
    label = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["company", "label"], name="rejection_reason_unique")
        ]

    def __str__(self) -> str:
        return self.label


class ApplicationQuerySet(models.QuerySet["Application"]):
    def for_company(self, company: Any) -> ApplicationQuerySet:
        return self.filter(job__company=company)

    def of_candidate(self, user: Any) -> ApplicationQuerySet:
        return self.filter(candidate=user)

    def active(self) -> ApplicationQuerySet:
        return self.filter(stage__kind=PipelineStage.Kind.OPEN)


class Source(models.TextChoices):
    """How the candidate came to the application (analytics counts applications by it)."""

    DIRECT = "direct", "Direct (applied in the app)"
    CAREER_SITE = "career_site", "Career site"
    JOB_BOARD = "job_board", "Job board"
    REFERRAL = "referral", "Referral"
    SOURCED = "sourced", "Sourced by a recruiter"
    AGENCY = "agency", "Agency"
    OTHER = "other", "Other"


# What a candidate may claim when applying: "sourced" is known only from the company's own
# records (it had uploaded the candidate's resume), never taken from the candidate's word.
CLAIMABLE_SOURCES = [s for s in Source.values if s != Source.SOURCED]


class Application(models.Model):
    """A candidate's application to a job; `stage` moves only through services.move_application."""

    # A UUID in URLs so nobody can count or guess applications.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    resume = models.ForeignKey(
        "resumes.Resume", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.ForeignKey(PipelineStage, on_delete=models.PROTECT, related_name="+")
    cover_letter = models.TextField(blank=True, max_length=10_000)
    # Screening answers as given: [{"question_id", "prompt", "answer"}] (the prompt is kept
    # because recruiters may edit or delete questions later).
    answers = models.JSONField(default=list, blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The match at the time of applying (the Match row itself is recomputed and may go away).
    match = models.ForeignKey(
        "matching.Match", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    match_score = models.FloatField(null=True, blank=True)
    match_explanation = models.JSONField(default=dict, blank=True)
    # A database default too, so rows inserted in bulk by SQL (analytics' synthetic history)
    # are counted as direct.
    source = models.CharField(
        max_length=16, choices=Source.choices, default=Source.DIRECT, db_default=Source.DIRECT
    )
    # Free text in the spirit of utm_source: which board, who referred, which campaign.
    source_detail = models.CharField(max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    stage_changed_at = models.DateTimeField(auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "candidate"], name="application_unique_job")
        ]
        indexes = [
            models.Index(fields=["job", "stage"], name="application_job_stage"),
            # Dashboards: a job's applications in a date range (analytics.dashboards.queries).
            models.Index(
                fields=["job", "created_at"],
                include=["stage", "match_score"],
                name="application_job_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.job_id} ({self.stage.name})"

    @property
    def is_withdrawn(self) -> bool:
        return self.stage.kind == PipelineStage.Kind.WITHDRAWN


class StageChange(models.Model):
    """History: one row per transition, written by the transition service only."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        PipelineStage, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_stage = models.ForeignKey(PipelineStage, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notify_candidate = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by the tasks once done; the periodic sweep re-enqueues rows whose message was lost.
    notified_at = models.DateTimeField(null=True, blank=True)
    webhooks_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # Dashboards read an application's history in order from the index alone, and
            # recruiter activity reads the changes of a date range.
            models.Index(
                fields=["application", "created_at", "id"],
                include=["to_stage", "by"],
                name="stagechange_app_created",
            ),
            models.Index(
                fields=["created_at"],
                include=["application", "to_stage", "by"],
                name="stagechange_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_stage_id} → {self.to_stage_id}"

    @property
    def event(self) -> str:
        if self.from_stage_id is None:
            return "application.created"
        if self.to_stage.kind == PipelineStage.Kind.WITHDRAWN:
            return "application.withdrawn"
        return "application.stage_changed"


class Note(models.Model):
    """A team-visible note on an application; @mentions notify teammates."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=5000)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # set by notify_mentions

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note by {self.author_id} on {self.application_id}"


class Scorecard(models.Model):
    """One interviewer's ratings for one interview stage: criterion → 1..5, plus a comment."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scorecards"
    )
    stage = models.ForeignKey(PipelineStage, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ratings = models.JSONField(default=dict)
    comment = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # set by notify_scorecard

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage", "author"], name="scorecard_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"Scorecard by {self.author_id} ({self.stage_id})"

    @property
    def average(self) -> float | None:
        values = [v for v in self.ratings.values() if isinstance(v, int)]
        return round(sum(values) / len(values), 2) if values else None


__all__ = [
    "DEFAULT_REJECTION_REASONS",
    "DEFAULT_STAGES",
    "Application",
    "Note",
    "PipelineStage",
    "RejectionReason",
    "Scorecard",
    "StageChange",
]
