"""Jobs for tests, built through the model with sensible defaults."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Company
from jobs.models import Job


def make_job(company: Company, **fields: Any) -> Job:
    status = fields.pop("status", Job.Status.OPEN)
    defaults: dict[str, Any] = {
        "title": "Backend Engineer",
        "description": "We build APIs.",
        "city": "Berlin",
        "country": "DE",
        "workplace": Job.Workplace.ONSITE,
        "employment_type": Job.EmploymentType.FULL_TIME,
        "seniority": Job.Seniority.MID,
        "status": status,
    }
    if status == Job.Status.OPEN:
        defaults["published_at"] = timezone.now() - timedelta(days=fields.pop("age_days", 1))
    defaults.update(fields)
    job = Job(company=company, **defaults)
    job.full_clean()
    job.save()
    return job
