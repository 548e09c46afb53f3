"""Every dashboard figure against the hand-built history (analytics/tests/dashboard_history.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from analytics.dashboards import queries
from analytics.tests.dashboard_history import build_history


@pytest.fixture
def history(acme, globex, recruiter, teammate, other_recruiter):
    return build_history(
        acme=acme, globex=globex, alice=recruiter, bob=teammate, charlie=other_recruiter
    )


def test_summary_counts_the_cohort_by_where_it_ended(history):
    assert queries.summary(history.filters()) == {
        "applications": 6, "open": 1, "hired": 2, "rejected": 2, "withdrawn": 1,
    }  # fmt: skip


def test_funnel_counts_applications_that_reached_each_stage(history):
    stages = {s.slug: s for s in queries.funnel(history.filters())}
    assert [s.slug for s in queries.funnel(history.filters())] == [
        "applied", "screening", "interview", "offer", "hired", "rejected", "withdrawn",
    ]  # fmt: skip
    assert {slug: s.reached for slug, s in stages.items() if s.kind != "rejected"} == {
        "applied": 6, "screening": 4, "interview": 3, "offer": 2, "hired": 2, "withdrawn": 0,
    }  # fmt: skip
    assert {slug: s.current for slug, s in stages.items()} == {
        "applied": 1, "screening": 0, "interview": 0, "offer": 0, "hired": 2, "rejected": 2,
        "withdrawn": 1,
    }  # fmt: skip
    assert stages["applied"].from_previous is None  # nothing before the first stage
    assert stages["screening"].from_previous == pytest.approx(4 / 6, abs=1e-4)
    assert stages["interview"].from_previous == 0.75
    assert stages["offer"].from_previous == pytest.approx(2 / 3, abs=1e-4)
    assert stages["hired"].from_previous == 1.0
    assert stages["hired"].from_first == pytest.approx(1 / 3, abs=1e-4)
    assert stages["rejected"].from_previous is None


def test_funnel_of_one_job(history):
    stages = {s.slug: s for s in queries.funnel(history.filters(history.designer))}
    assert stages["applied"].reached == 1
    assert stages["screening"].reached == 0
    assert stages["withdrawn"].current == 1


def test_time_to_hire_median_and_p90(history):
    assert queries.time_to_hire(history.filters()) == {
        "hires": 2, "median_days": 16.0, "p90_days": 17.6,
    }  # fmt: skip


def test_time_in_stage_counts_finished_stays_only(history):
    rows = {r["slug"]: r for r in queries.time_in_stage(history.filters())}
    assert list(rows) == ["applied", "screening", "interview", "offer"]
    expected = {  # stays in days, see the history's table
        "applied": (5, 2.0, 2.6),  # 1 1 2 2 3 (A4 is still waiting)
        "screening": (4, 2.5, 3.0),  # 1 2 3 3
        "interview": (3, 4.0, 4.8),  # 2 4 5
        "offer": (2, 7.0, 9.4),  # 4 10
    }
    for slug, (stays, median, p90) in expected.items():
        assert (rows[slug]["stays"], rows[slug]["median_days"], rows[slug]["p90_days"]) == (
            stays, median, p90,
        ), slug  # fmt: skip


def test_sources_count_every_application_as_direct_until_applications_record_one(history):
    assert queries.by_source(history.filters()) == [
        {"source": "direct", "applications": 6, "hired": 2}
    ]


def test_jobs_show_views_applications_and_how_hires_ranked(history):
    rows = queries.jobs(history.filters())
    assert [r["title"] for r in rows] == ["Backend", "Designer"]
    backend, designer = rows
    assert backend | {} == backend and {
        k: backend[k] for k in ("views", "applications", "advanced", "hired")
    } == {"views": 3, "applications": 5, "advanced": 4, "hired": 2}
    assert backend["mean_score"] == pytest.approx(0.57)
    assert backend["mean_score_hired"] == pytest.approx(0.9)
    # Percent ranks 0, .25, .5, .75, 1: the hires stood at 1 (0.95) and .75 (0.85).
    assert backend["hired_rank"] == pytest.approx(0.875)
    assert (designer["views"], designer["applications"], designer["advanced"]) == (0, 1, 0)
    assert designer["hired_rank"] is None


def test_score_distribution_of_applicants_advanced_and_hired(history):
    rows = queries.score_distribution(history.filters())
    assert [r["label"] for r in rows][:2] == ["0.0\u20130.1", "0.1\u20130.2"]
    table = {r["bucket"]: (r["applicants"], r["advanced"], r["hired"]) for r in rows}
    assert table == {
        1: (0, 0, 0), 2: (1, 0, 0), 3: (0, 0, 0), 4: (1, 1, 0), 5: (1, 0, 0),
        6: (1, 1, 0), 7: (0, 0, 0), 8: (0, 0, 0), 9: (1, 1, 1), 10: (1, 1, 1),
    }  # fmt: skip


def test_recruiter_activity_leaves_out_the_candidates_own_moves(history):
    rows = queries.recruiter_activity(history.filters())
    assert [(r["email"], r["moves"], r["rejections"], r["hires"], r["applications"])
            for r in rows] == [
        ("alice@acme.test", 7, 1, 1, 2),
        ("bob@acme.test", 6, 1, 1, 2),
    ]  # fmt: skip


def test_date_range_leaves_out_other_months(history):
    may = dataclasses.replace(
        history.filters(), start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)
    )
    assert queries.summary(may)["applications"] == 1
    assert queries.time_to_hire(may)["hires"] == 0
    assert [r["moves"] for r in queries.recruiter_activity(may)] == [1]


def test_no_figure_of_another_company_leaks_in(history):
    globex = dataclasses.replace(history.filters(), company_id=history.globex.pk)
    assert queries.summary(globex)["applications"] == 1
    assert queries.time_to_hire(globex)["hires"] == 1
    assert [r["email"] for r in queries.recruiter_activity(globex)] == ["charlie@globex.test"]
    assert all(r["title"] not in ("Backend", "Designer") for r in queries.jobs(globex))
    # and Acme's figures above did not count Globex's hire or its 0.05 score
    assert queries.score_distribution(history.filters())[0]["applicants"] == 0


def test_a_job_of_another_company_gives_nothing(history):
    wrong = dataclasses.replace(history.filters(), job_id=history.apps["A1"].job_id + 10_000)
    assert queries.summary(wrong)["applications"] == 0
    assert queries.funnel(wrong) == []
