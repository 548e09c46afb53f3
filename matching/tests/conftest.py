from __future__ import annotations

import pytest

from accounts.models import User
from conftest import make_user
from jobs.models import Job
from matching import services
from matching.embeddings.local import LocalEmbedder, load_model
from resumes.models import CandidateProfile


@pytest.fixture(scope="session")
def local_embedder() -> LocalEmbedder:
    """The real all-MiniLM-L6-v2, loaded once for the whole session."""
    load_model()
    return LocalEmbedder()


PEOPLE = {
    "pia": dict(
        headline="Senior Python Developer",
        summary="Backend developer building Django REST APIs on PostgreSQL.",
        skills=["python", "django", "postgresql", "docker"],
        skill_evidence={
            "python": "- Built Python services for payments",
            "django": "- Led the Django REST API rewrite",
            "postgresql": "- Tuned PostgreSQL indexes",
            "docker": "Tools: Docker",
        },
        experiences=[
            {"title": "Senior Backend Developer", "company": "Pay", "start": "2018-01",
             "end": None, "is_current": True,
             "description": "Django REST APIs on PostgreSQL for payments, deployed with Docker."},
        ],
        years_of_experience=8, city="Berlin", country="DE",
    ),
    "remo": dict(
        headline="Python Developer (remote only)",
        summary="Django developer.",
        skills=["python", "django"],
        remote_preference="remote",
        years_of_experience=6, city="Lisbon", country="PT",
    ),
    "chef": dict(
        headline="Pastry Chef",
        summary="Ten years in French bakeries, croissants and wedding cakes.",
        skills=[],
        experiences=[
            {"title": "Head Pastry Chef", "company": "Boulangerie", "start": "2015-01",
             "end": None, "is_current": True, "description": "Ran the pastry kitchen."},
        ],
        years_of_experience=10, city="Berlin", country="DE",
    ),
}  # fmt: skip


def make_profile(name: str) -> CandidateProfile:
    user = make_user(f"{name}@example.test", User.Role.CANDIDATE, first_name=name.title())
    return CandidateProfile.objects.create(user=user, is_discoverable=True, **PEOPLE[name])


@pytest.fixture
def people(local_embedder) -> dict[str, CandidateProfile]:
    profiles = {name: make_profile(name) for name in PEOPLE}
    for profile in profiles.values():
        services.embed_profile(profile_id=profile.pk)
    return {name: CandidateProfile.objects.get(pk=p.pk) for name, p in profiles.items()}


@pytest.fixture
def job(acme, local_embedder) -> Job:
    job = Job.objects.create(
        company=acme,
        title="Senior Django Developer",
        description="Build Django REST APIs on PostgreSQL; Docker is a plus.",
        city="Berlin",
        country="DE",
        workplace=Job.Workplace.HYBRID,
        seniority=Job.Seniority.SENIOR,
        years_min=5,
        required_skills=["python", "django", "postgresql"],
        preferred_skills=["docker", "kubernetes"],
        status=Job.Status.OPEN,
    )
    services.embed_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def drop_ivf_parts() -> None:
    """After a test that committed the IVF index's parts (a transactional test: its flush
    empties the tables, not their indexes): the parts dropped, the second connection closed
    (a test database cannot be dropped while one is open) and the lookups that saw them
    forgotten."""
    from django.db import connection

    from matching.services import indexes, retrieval, sidecar

    sidecar.close()
    with connection.cursor() as cursor:
        for part in range(indexes.IVF_PARTS):
            cursor.execute(f"DROP INDEX IF EXISTS {indexes.ivf_index(part)}")
    indexes._ivf.clear()
    indexes._indexed.clear()
    retrieval._estimates.clear()
