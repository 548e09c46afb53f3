"""The application facts the dashboards read stay exactly what the applications tables say.

After each workflow step (through the real applications services), the stored facts must
equal their definition computed afresh from the applications tables (the `*_source` views
of migration 0004), row for row, and hold the values the step implies.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from accounts.models import User
from applications import services
from applications.models import Application, PipelineStage, RejectionReason, StageChange
from applications.tests.factories import make_application, stage
from conftest import make_user
from jobs.tests.factories import make_job

TABLES = {
    "analytics_applicationfact": "analytics_applicationfact_source",
    "analytics_stagestay": "analytics_stagestay_source",
}


def differences() -> dict[str, int]:
    """Rows in a fact table and not in its definition, or the other way round."""
    found = {}
    with connection.cursor() as cursor:
        for table, view in TABLES.items():
            cursor.execute(
                f"SELECT count(*) FROM ((TABLE {table} EXCEPT ALL TABLE {view})"
                f" UNION ALL (TABLE {view} EXCEPT ALL TABLE {table})) d"
            )
            found[table] = cursor.fetchone()[0]
    return found


def assert_exact() -> None:
    assert differences() == dict.fromkeys(TABLES, 0)


def fact(application: Application) -> dict | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT company_id, job_id, stage_id, source, match_score, furthest_position,"
            " hired, hired_at FROM analytics_applicationfact WHERE application_id = %s",
            [application.pk],
        )
        row = cursor.fetchone()
    names = ("company_id", "job_id", "stage_id", "source", "match_score",
             "furthest_position", "hired", "hired_at")  # fmt: skip
    return None if row is None else dict(zip(names, row, strict=True))


def stays(application: Application) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stage_id, entered_at, left_at, by_id, by_team FROM analytics_stagestay"
            " WHERE application_id = %s ORDER BY entered_at, stage_change_id",
            [application.pk],
        )
        return cursor.fetchall()


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.fixture
def reason(acme):
    services.ensure_company_pipeline(company=acme)
    return RejectionReason.objects.filter(company=acme).first()


def test_the_facts_follow_apply_moves_withdraw_reopen_and_delete(
    acme, recruiter, candidate, other_candidate, reason
):
    job = make_job(acme)
    carol = make_application(company=acme, candidate=candidate, job=job)
    assert_exact()
    assert fact(carol) | {"hired_at": None} == {
        "company_id": acme.pk, "job_id": job.pk, "stage_id": stage(job, "applied").pk,
        "source": "direct", "match_score": carol.match_score,
        "furthest_position": stage(job, "applied").position, "hired": False, "hired_at": None,
    }  # fmt: skip
    assert [(s[0], s[2], s[4]) for s in stays(carol)] == [(stage(job, "applied").pk, None, False)]

    services.move_application(application=carol, to_stage=stage(job, "interview"), by=recruiter)
    services.move_application(application=carol, to_stage=stage(job, "hired"), by=recruiter)
    assert_exact()
    hired_change = StageChange.objects.filter(application=carol).latest("id")
    assert fact(carol)["hired"] is True and fact(carol)["hired_at"] == hired_change.created_at
    assert fact(carol)["furthest_position"] == stage(job, "hired").position
    first, interview, hired = stays(carol)
    assert first[2] == interview[1] and interview[2] == hired[1] and hired[2] is None
    assert (interview[3], interview[4]) == (recruiter.pk, True)

    services.reopen_application(application=carol, by=recruiter, to_stage=stage(job, "offer"))
    services.move_application(application=carol, to_stage=stage(job, "rejected"), by=recruiter,
                              rejection_reason=reason)  # fmt: skip
    assert_exact()
    assert fact(carol)["stage_id"] == stage(job, "rejected").pk
    assert fact(carol)["hired"] is True  # it was hired once: that stays in the history
    assert len(stays(carol)) == 5

    dave = make_application(company=acme, candidate=other_candidate, job=job)
    services.withdraw_application(application=dave, candidate=other_candidate)
    assert_exact()
    assert fact(dave)["stage_id"] == stage(job, "withdrawn").pk
    assert [s[4] for s in stays(dave)] == [False, False]  # both moves were the candidate's

    Application.objects.get(pk=dave.pk).delete()
    assert_exact()
    assert fact(dave) is None and stays(dave) == []
    assert fact(carol) is not None


def test_the_facts_follow_bulk_edits_of_times_stages_jobs_and_people(acme, globex, recruiter):
    job = make_job(acme)
    apps = [
        make_application(
            company=acme, job=job,
            candidate=make_user(f"c{i}@example.test", User.Role.CANDIDATE),
        )
        for i in range(3)
    ]  # fmt: skip
    services.move_many(applications=apps, to_stage=stage(job, "screening"), by=recruiter)
    assert_exact()

    # Statements that touch many rows at once (as the dashboard fixtures do).
    Application.objects.filter(job=job).update(created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    StageChange.objects.filter(application__job=job).update(
        created_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    )
    Application.objects.filter(job=job).update(match_score=0.5)
    Application.objects.filter(pk=apps[0].pk).update(source="referral")
    assert_exact()
    assert fact(apps[0])["source"] == "referral" and fact(apps[1])["source"] == "direct"

    # A stage moved after the terminal ones changes how far every application went.
    PipelineStage.objects.filter(pk=stage(job, "screening").pk).update(position=99)
    assert_exact()
    assert fact(apps[0])["furthest_position"] == 99

    # A job's own pipeline copy moves its applications to the copied stages.
    services.copy_pipeline_to_job(job=job)
    assert_exact()

    # The recruiter leaves: their moves are kept with nobody as the author.
    recruiter.delete()
    assert_exact()
    assert {s[3] for s in stays(apps[0])} == {None, apps[0].candidate_id}

    # A job given to another company takes its applications' facts along.
    type(job).objects.filter(pk=job.pk).update(company=globex)
    assert_exact()
    assert fact(apps[1])["company_id"] == globex.pk

    # Deleting a candidate, or many applications in one statement, deletes their facts.
    apps[2].candidate.delete()
    assert_exact()
    assert fact(apps[2]) is None
    Application.objects.filter(job=job).delete()
    assert_exact()
    assert count("analytics_applicationfact") == 0 and count("analytics_stagestay") == 0


def test_a_rolled_back_move_leaves_the_facts_as_they_were(acme, recruiter, candidate):
    application = make_application(company=acme, candidate=candidate)
    before = (fact(application), stays(application))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.move_application(
            application=application, to_stage=stage(application.job, "offer"), by=recruiter
        )
        assert fact(application)["stage_id"] == stage(application.job, "offer").pk
        raise RuntimeError("the request failed after the move")
    assert (fact(application), stays(application)) == before
    assert_exact()
