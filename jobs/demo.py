"""Realistic synthetic jobs from the skills taxonomy and a few templates.

Used by the demo seed (`create_demo_jobs`, for the lead's `seed_demo`) and by
`manage.py bench_job_search` (`generate_jobs`, unsaved rows for bulk inserts).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Company, User
from jobs import services
from jobs.models import Job
from resumes.skills import get_skill


@dataclass(frozen=True)
class Role:
    title: str
    skills: tuple[str, ...]
    duties: tuple[str, ...]


ROLES: tuple[Role, ...] = (
    Role("Backend Engineer", ("python", "django", "postgresql", "docker", "aws", "go", "java",
         "spring", "kubernetes", "redis", "sql", "graphql"),
         ("design and run the APIs behind our apps", "own services from design to on-call")),
    Role("Frontend Developer", ("javascript", "typescript", "react", "vue", "css", "html",
         "graphql", "nodejs"),
         ("build accessible, fast interfaces", "work with designers on our design system")),
    Role("Full Stack Developer", ("python", "django", "javascript", "react", "typescript",
         "postgresql", "nodejs", "docker"),
         ("ship features end to end", "care about the database and the pixels alike")),
    Role("Data Engineer", ("python", "sql", "spark", "airflow", "kafka", "aws", "postgresql"),
         ("build reliable data pipelines", "model data for analysts and machine learning")),
    Role("Data Scientist", ("python", "machine-learning", "pandas", "scikit-learn", "statistics",
         "sql", "pytorch", "deep-learning"),
         ("turn data into product decisions", "train, evaluate and ship models")),
    Role("DevOps Engineer", ("kubernetes", "docker", "terraform", "aws", "linux", "ci-cd", "azure",
         "gcp"),
         ("automate our infrastructure", "keep deployments boring and observable")),
    Role("Product Designer", ("figma", "ui-design", "ux-design", "communication"),
         ("design delightful product experiences", "run usability tests with customers")),
    Role("Mobile Developer", ("swift", "kotlin", "react-native", "ios", "android"),
         ("build our iOS and Android apps", "care about performance on low-end phones")),
    Role("Financial Analyst", ("excel", "accounting", "finance", "power-bi", "sql"),
         ("prepare budgets and forecasts", "explain the numbers to the leadership team")),
    Role("Product Manager", ("product-management", "agile", "jira", "sql", "communication"),
         ("decide what we build next", "talk to customers every week")),
    Role("QA Engineer", ("selenium", "unit-testing", "python", "java", "ci-cd"),
         ("own test automation", "make releases safe")),
    Role("Sales Manager", ("sales", "negotiation", "crm", "salesforce", "leadership"),
         ("grow a team of account executives", "close strategic deals")),
)  # fmt: skip
SENIORITY_PREFIX = {
    Job.Seniority.JUNIOR: "Junior ",
    Job.Seniority.MID: "",
    Job.Seniority.SENIOR: "Senior ",
    Job.Seniority.LEAD: "Lead ",
    Job.Seniority.PRINCIPAL: "Principal ",
}
YEARS = {
    Job.Seniority.JUNIOR: (0, 2),
    Job.Seniority.MID: (2, 5),
    Job.Seniority.SENIOR: (5, None),
    Job.Seniority.LEAD: (7, None),
    Job.Seniority.PRINCIPAL: (10, None),
}
PLACES = (
    ("Berlin", "Berlin", "DE", "EUR"), ("Munich", "Bavaria", "DE", "EUR"),
    ("Paris", "Île-de-France", "FR", "EUR"), ("Amsterdam", "North Holland", "NL", "EUR"),
    ("London", "England", "GB", "GBP"), ("Madrid", "Madrid", "ES", "EUR"),
    ("New York", "NY", "US", "USD"), ("San Francisco", "CA", "US", "USD"),
    ("Austin", "TX", "US", "USD"), ("Toronto", "ON", "CA", "CAD"),
    ("Warsaw", "Masovia", "PL", "PLN"), ("Lisbon", "Lisbon", "PT", "EUR"),
)  # fmt: skip
PERKS = (
    "Flexible hours and a learning budget.",
    "Excellent communication skills and a friendly, international team.",
    "Four weeks of paid leave, plus your birthday.",
    "Equity for everyone and a yearly team retreat.",
    "Home-office budget and a modern laptop of your choice.",
)
BASE_SALARY = {Job.Seniority.JUNIOR: 40000, Job.Seniority.MID: 60000, Job.Seniority.SENIOR: 80000,
               Job.Seniority.LEAD: 95000, Job.Seniority.PRINCIPAL: 115000}  # fmt: skip


def _name(slug: str) -> str:
    skill = get_skill(slug)
    return skill.name if skill else slug


def build_job(rng: random.Random, *, company: Company, days_back: int = 60) -> Job:
    """One unsaved open job; the caller saves it (alone or in bulk)."""
    role = rng.choice(ROLES)
    skills = [s for s in role.skills if get_skill(s)]
    seniority = rng.choice(list(SENIORITY_PREFIX))
    required = rng.sample(skills, k=min(len(skills), rng.randint(2, 4)))
    preferred = rng.sample(
        [s for s in skills if s not in required], k=min(2, len(skills) - len(required))
    )
    city, region, country, currency = rng.choice(PLACES)
    workplace = rng.choices(list(Job.Workplace), weights=[5, 3, 2])[0]
    low, high = YEARS[seniority]
    base = BASE_SALARY[seniority] * rng.uniform(0.85, 1.25)
    salary_min = int(round(base, -3))
    years = f"{low}-{high}" if high else f"{low}+"
    description = "\n\n".join(
        [
            f"{company.name} is hiring a {SENIORITY_PREFIX[seniority].lower()}"
            f"{role.title.lower()} to {rng.choice(role.duties)}.",
            "## What you bring\n"
            + "\n".join(f"- {_name(s)}" for s in required)
            + f"\n- {years} years of professional experience",
            "## Nice to have\n" + "\n".join(f"- {_name(s)}" for s in preferred),
            "## Why us\n" + " ".join(rng.sample(PERKS, k=2)),
        ]
    )
    return Job(
        company=company,
        title=f"{SENIORITY_PREFIX[seniority]}{role.title}",
        description=description,
        city="" if workplace == Job.Workplace.REMOTE and rng.random() < 0.5 else city,
        region=region,
        country=country,
        workplace=workplace,
        employment_type=rng.choices(list(Job.EmploymentType), weights=[80, 5, 10, 3, 2])[0],
        seniority=seniority,
        salary_min=salary_min,
        salary_max=int(round(salary_min * rng.uniform(1.1, 1.35), -3)),
        salary_currency=currency,
        salary_visible=rng.random() < 0.8,
        years_min=low,
        years_max=high,
        required_skills=required,
        preferred_skills=preferred,
        languages=["en"],
        status=Job.Status.OPEN,
        published_at=timezone.now() - timedelta(minutes=rng.randint(0, days_back * 24 * 60)),
    )


def generate_jobs(*, companies: list[Company], count: int, seed: int = 7) -> Iterator[Job]:
    rng = random.Random(seed)
    for _ in range(count):
        yield build_job(rng, company=rng.choice(companies))


@transaction.atomic
def create_demo_jobs(
    *, company: Company, created_by: User, count: int = 8, seed: int = 7
) -> list[Job]:
    """Open jobs for the demo, created and published through the services (events, analysis
    and indexing included). Idempotent per company: does nothing when it already has jobs."""
    if Job.objects.for_company(company).exists():
        return []
    rng = random.Random(seed)
    jobs = []
    for _ in range(count):
        draft = build_job(rng, company=company)
        fields = {name: getattr(draft, name) for name in services.COPIED_FIELDS}
        job = services.create_job(company=company, created_by=created_by, fields=fields)
        jobs.append(services.publish_job(job=job, actor=created_by))
    return jobs
