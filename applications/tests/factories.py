"""Applications for tests, made through the real services."""

from __future__ import annotations

from accounts.models import Company, User
from applications import services
from applications.models import Application
from jobs.tests.factories import make_job
from resumes.tests.factories import make_resume


def make_application(
    *, company: Company, candidate: User, job=None, primary_resume: bool = True
) -> Application:
    job = job or make_job(company)
    if primary_resume and not candidate.resumes.filter(is_primary=True).exists():
        make_resume(owner=candidate, is_primary=True)
    return services.apply_to_job(candidate=candidate, job=job)


def stage(job, slug: str):
    return services.stages_for_job(job).get(slug=slug)
