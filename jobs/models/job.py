"""The job posting: what a company is hiring for, its rules about one row and its queries."""

from __future__ import annotations

from typing import Any

import markdown
import nh3
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from pgvector.django import VectorField

EMBEDDING_DIMENSIONS = 384

# Tags a job description may keep after Markdown rendering; everything else is stripped.
DESCRIPTION_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
DESCRIPTION_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text: str) -> str:
    """Markdown → HTML that is safe to show: raw HTML and scripts are removed, links nofollow."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=DESCRIPTION_TAGS,
        attributes=DESCRIPTION_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# Multipliers to compare salaries quoted per hour, day, month or year (2080 working hours).
ANNUAL_FACTOR = {"year": 1, "month": 12, "week": 52, "day": 260, "hour": 2080}


def _skill_names(slugs: list[str]) -> list[str]:
    from resumes.skills import get_skill

    return [skill.name if (skill := get_skill(slug)) else slug for slug in slugs]


class JobQuerySet(models.QuerySet["Job"]):
    def open(self) -> JobQuerySet:
        return self.filter(status=Job.Status.OPEN)

    def for_company(self, company: Any) -> JobQuerySet:
        return self.filter(company=company)

    def visible_to(self, user: Any) -> JobQuerySet:
        """Open jobs for everyone; recruiters also see every job of their own companies."""
        if user is None or not user.is_authenticated:
            return self.open()
        if user.is_staff:
            return self.all()
        company_ids = user.company_ids()
        if company_ids:
            return self.filter(Q(status=Job.Status.OPEN) | Q(company_id__in=company_ids))
        return self.open()


class Job(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        FILLED = "filled", "Filled"
        ARCHIVED = "archived", "Archived"

    class Workplace(models.TextChoices):
        ONSITE = "onsite", "On-site"
        HYBRID = "hybrid", "Hybrid"
        REMOTE = "remote", "Remote"

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACT = "contract", "Contract"
        TEMPORARY = "temporary", "Temporary"
        INTERNSHIP = "internship", "Internship"

    class Seniority(models.TextChoices):
        INTERN = "intern", "Intern"
        JUNIOR = "junior", "Junior"
        MID = "mid", "Mid-level"
        SENIOR = "senior", "Senior"
        LEAD = "lead", "Lead"
        PRINCIPAL = "principal", "Principal"
        EXECUTIVE = "executive", "Executive"

    class SalaryPeriod(models.TextChoices):
        YEAR = "year", "per year"
        MONTH = "month", "per month"
        WEEK = "week", "per week"
        DAY = "day", "per day"
        HOUR = "hour", "per hour"

    class Education(models.TextChoices):
        NONE = "none", "None required"
        HIGH_SCHOOL = "high_school", "High school"
        ASSOCIATE = "associate", "Associate degree"
        BACHELOR = "bachelor", "Bachelor's degree"
        MASTER = "master", "Master's degree"
        DOCTORATE = "doctorate", "Doctorate"

    class AnalysisStatus(models.TextChoices):
        NONE = "", "Not analysed"
        PENDING = "pending", "Pending"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    company = models.ForeignKey("accounts.Company", on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="Markdown; rendered without raw HTML or scripts.")

    # Where: a city/region/country, optional coordinates; remote jobs may limit where people live.
    city = models.CharField(max_length=120, blank=True)
    region = models.CharField(max_length=120, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    workplace = models.CharField(max_length=8, choices=Workplace.choices, default=Workplace.ONSITE)
    remote_countries = ArrayField(models.CharField(max_length=2), default=list, blank=True)
    remote_timezones = ArrayField(models.CharField(max_length=64), default=list, blank=True)

    employment_type = models.CharField(
        max_length=16, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    seniority = models.CharField(max_length=16, choices=Seniority.choices, blank=True)

    # Salary: may be hidden from candidates and still be used for matching.
    salary_min = models.PositiveIntegerField(null=True, blank=True)
    salary_max = models.PositiveIntegerField(null=True, blank=True)
    salary_currency = models.CharField(max_length=3, blank=True)
    salary_period = models.CharField(
        max_length=8, choices=SalaryPeriod.choices, default=SalaryPeriod.YEAR
    )
    salary_visible = models.BooleanField(default=True)
    # Top of the range per year, for "salary at least X" filters and salary sorting.
    salary_max_annual = models.GeneratedField(
        expression=models.Case(
            *[
                models.When(salary_period=period, then=models.F("salary_max") * factor)
                for period, factor in ANNUAL_FACTOR.items()
            ],
            output_field=models.BigIntegerField(),
        ),
        output_field=models.BigIntegerField(),
        db_persist=True,
    )

    years_min = models.PositiveSmallIntegerField(null=True, blank=True)
    years_max = models.PositiveSmallIntegerField(null=True, blank=True)
    required_skills = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    preferred_skills = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    education = models.CharField(max_length=16, choices=Education.choices, default=Education.NONE)
    languages = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, help_text="ISO 639-1 codes."
    )

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Planned closing date.")
    closed_at = models.DateTimeField(null=True, blank=True)
    external_ref = models.CharField(max_length=100, blank=True)
    hiring_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hiring_for"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Job analysis: suggestions the recruiter accepts or rejects in the form.
    analysis_status = models.CharField(
        max_length=8, choices=AnalysisStatus.choices, default=AnalysisStatus.NONE, blank=True
    )
    analysis = models.JSONField(default=dict, blank=True)
    analysis_error = models.TextField(blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)

    # For the matching engine.
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    embedding_model = models.CharField(max_length=100, blank=True)

    # Last explicit pass of the configured search backend's `index_jobs`.
    indexed_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            GinIndex(fields=["required_skills"], name="job_required_skills_gin"),
            GinIndex(fields=["preferred_skills"], name="job_preferred_skills_gin"),
            models.Index(fields=["company", "status"], name="job_company_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=models.F("salary_max")),
                name="job_salary_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(years_min__isnull=True)
                | Q(years_max__isnull=True)
                | Q(years_min__lte=models.F("years_max")),
                name="job_years_min_lte_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.company_id})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (
            self.salary_min is not None
            and self.salary_max is not None
            and self.salary_min > self.salary_max
        ):
            errors["salary_max"] = "The maximum salary must be at least the minimum."
        if (self.salary_min is not None or self.salary_max is not None) and not (
            self.salary_currency
        ):
            errors["salary_currency"] = "Give the currency of the salary range."
        if self.salary_currency and not (
            len(self.salary_currency) == 3 and self.salary_currency.isalpha()
        ):
            errors["salary_currency"] = "Use a three-letter ISO 4217 code, such as EUR."
        if (
            self.years_min is not None
            and self.years_max is not None
            and self.years_min > self.years_max
        ):
            errors["years_max"] = "The maximum years of experience must be at least the minimum."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Give both latitude and longitude, or neither."
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            errors["latitude"] = "Latitude lies between -90 and 90."
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            errors["longitude"] = "Longitude lies between -180 and 180."
        if self.workplace != self.Workplace.REMOTE and not (self.city or self.country):
            errors["city"] = "On-site and hybrid jobs need a city or a country."
        overlap = set(self.required_skills) & set(self.preferred_skills)
        if overlap:
            errors["preferred_skills"] = (
                f"Already required: {', '.join(sorted(overlap))}. List a skill once."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def description_html(self) -> str:
        return render_markdown(self.description)

    @property
    def required_skill_names(self) -> list[str]:
        return _skill_names(self.required_skills)

    @property
    def preferred_skill_names(self) -> list[str]:
        return _skill_names(self.preferred_skills)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def location_label(self) -> str:
        place = ", ".join(part for part in (self.city, self.region, self.country) if part)
        if self.workplace == self.Workplace.REMOTE:
            return f"Remote ({place})" if place else "Remote"
        if self.workplace == self.Workplace.HYBRID:
            return f"Hybrid · {place}"
        return place

    @property
    def salary_label(self) -> str:
        if self.salary_min is None and self.salary_max is None:
            return ""
        low = f"{self.salary_min:,}" if self.salary_min is not None else ""
        high = f"{self.salary_max:,}" if self.salary_max is not None else ""
        amount = f"{low}-{high}" if low and high else (low or high)
        return f"{amount} {self.salary_currency} {self.get_salary_period_display()}"

    def can_publish(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CLOSED)

    def can_close(self) -> bool:
        return self.status == self.Status.OPEN

    def is_past_closing_date(self) -> bool:
        return self.closes_at is not None and self.closes_at <= timezone.now()
