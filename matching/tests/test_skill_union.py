"""The required-skill union: `matching_candidateskill` kept by triggers (migration 0012), walked
in its primary key's order; the GIN index where a statement forbids index scans."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import User
from conftest import make_user
from jobs.models import Job
from matching.services import retrieval
from matching.services.retrieval import candidate_pool, skill_union_sql
from resumes.models import CandidateProfile

pytestmark = pytest.mark.django_db

# 48 profiles: every 2nd lists django, every 3rd postgresql, all python; countries alternate.
COUNTRIES = ["PT", "DE", "FR"]


@pytest.fixture
def holders() -> list[CandidateProfile]:
    profiles = []
    for i in range(48):
        skills = ["python"] + (["django"] if i % 2 == 0 else []) + (
            ["postgresql"] if i % 3 == 0 else []
        )  # fmt: skip
        country = COUNTRIES[i % len(COUNTRIES)]
        profiles.append(
            CandidateProfile.objects.create(
                user=make_user(f"s{i}@example.test", User.Role.CANDIDATE),
                skills=skills,
                country=country,
                work_authorization=[country],
                remote_preference="remote" if i % 4 == 1 else "any",
            )
        )
    return profiles


def table_rows() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT skill, profile_id, remote_only, work_authorization FROM matching_candidateskill"
        )
        return {(*row[:3], tuple(row[3])) for row in cursor.fetchall()}


def profile_rows() -> set[tuple]:
    return {
        (s, p.pk, p.remote_preference == "remote", tuple(p.work_authorization))
        for p in CandidateProfile.objects.all()
        for s in p.skills
    }


def test_the_triggers_keep_one_row_per_skill_and_profile(holders) -> None:
    assert table_rows() == profile_rows() and len(table_rows()) == 48 + 24 + 16
    first, second, third = holders[:3]
    first.skills = ["python", "rust", "rust"]  # a duplicate is one row
    first.save()
    CandidateProfile.objects.filter(pk=second.pk).update(skills=[])
    third.delete()
    CandidateProfile.objects.filter(pk=holders[3].pk).update(work_authorization=["IE", "PT"])
    CandidateProfile.objects.filter(pk=holders[4].pk).update(remote_preference="remote")
    assert table_rows() == profile_rows()
    pairs = {(skill, pk) for skill, pk, *_ in table_rows()}
    assert ("rust", first.pk) in pairs and ("django", first.pk) not in pairs
    assert not any(pk == second.pk for _, pk in pairs)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
        cursor.execute("TRUNCATE resumes_candidateprofile CASCADE")
    assert table_rows() == set()


def union(job: Job, k: int, **kwargs) -> list[int]:
    sql, params = skill_union_sql(job, k, **kwargs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def holding_all(job: Job) -> set[int]:
    return set(
        candidate_pool(job)
        .filter(skills__contains=list(job.required_skills))
        .values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("workplace", "country"),
    [(Job.Workplace.REMOTE, ""), (Job.Workplace.ONSITE, ""), (Job.Workplace.HYBRID, "PT")],
)
def test_the_union_keeps_k_candidates_holding_every_required_skill_under_the_filters(
    holders, acme, workplace, country
) -> None:
    retrieval._skill_shares.clear()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE matching_candidateskill")  # postgresql is the rarest
    job = Job.objects.create(
        company=acme, title="Django developer", workplace=workplace, country=country,
        required_skills=["python", "django", "postgresql"],
    )  # fmt: skip
    expected = holding_all(job)
    assert 2 <= len(expected) <= 8  # i % 6 == 0: 8 of 48, fewer under the filters
    assert set(union(job, 50)) == expected == set(union(job, 50, index_scans=False))
    some = union(job, 2)
    assert len(some) == 2 and set(some) <= expected
    # The walk from the rarest skill, newest first; the GIN index when index scans are off.
    sql, params = skill_union_sql(job, 2)
    assert "matching_candidateskill" in sql and params[0] == "postgresql"
    assert some == sorted(expected, reverse=True)[:2] == union(job, 2, index_scans=False)
    assert "matching_candidateskill" not in skill_union_sql(job, 2, index_scans=False)[0]
