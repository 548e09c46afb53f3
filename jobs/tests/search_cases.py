"""A small catalogue of jobs that every search backend's behavioural tests share."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Company
from jobs.models import Job
from jobs.tests.factories import make_job


@dataclass
class Catalogue:
    django: Job
    java: Job
    designer: Job
    data: Job
    analyst: Job
    draft: Job
    closed: Job

    @property
    def open_jobs(self) -> list[Job]:
        return [self.django, self.java, self.designer, self.data, self.analyst]


def build_catalogue(acme: Company, globex: Company) -> Catalogue:
    return Catalogue(
        django=make_job(
            acme,
            title="Senior Django Developer",
            description="Build our APIs with **Python** and Django. 5+ years of experience.",
            workplace=Job.Workplace.REMOTE,
            city="",
            country="DE",
            seniority=Job.Seniority.SENIOR,
            required_skills=["python", "django"],
            preferred_skills=["postgresql"],
            salary_min=70000,
            salary_max=90000,
            salary_currency="EUR",
            age_days=2,
        ),
        java=make_job(
            acme,
            title="Java Backend Engineer",
            description="Spring services. Excellent communication skills. We also like Python.",
            city="Berlin",
            country="DE",
            required_skills=["java", "spring"],
            salary_min=60000,
            salary_max=80000,
            salary_currency="EUR",
            age_days=1,
        ),
        designer=make_job(
            globex,
            title="Product Designer",
            description="Design delightful interfaces in Figma.",
            workplace=Job.Workplace.HYBRID,
            city="Paris",
            country="FR",
            seniority=Job.Seniority.MID,
            required_skills=["figma", "ui-design"],
            salary_min=50000,
            salary_max=65000,
            salary_currency="EUR",
            age_days=10,
        ),
        data=make_job(
            globex,
            title="Data Engineer",
            description="Pipelines in Python, SQL and Spark.",
            workplace=Job.Workplace.REMOTE,
            city="",
            country="US",
            seniority=Job.Seniority.SENIOR,
            required_skills=["python", "sql", "spark"],
            salary_min=9000,
            salary_max=11000,
            salary_currency="EUR",
            salary_period=Job.SalaryPeriod.MONTH,
            salary_visible=False,
            age_days=40,
        ),
        analyst=make_job(
            acme,
            title="Financial Analyst",
            description="Budgets and forecasts in Excel.",
            city="London",
            country="GB",
            employment_type=Job.EmploymentType.CONTRACT,
            seniority=Job.Seniority.JUNIOR,
            required_skills=["excel"],
            age_days=5,
        ),
        draft=make_job(
            acme,
            title="Python Developer (draft)",
            description="Python",
            required_skills=["python"],
            status=Job.Status.DRAFT,
        ),
        closed=make_job(
            acme,
            title="Python Developer (closed)",
            description="Python",
            required_skills=["python"],
            status=Job.Status.CLOSED,
        ),
    )
