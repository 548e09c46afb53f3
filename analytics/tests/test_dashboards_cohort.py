"""The page reads the cohort's six figures in one statement (queries/cohort.py): they must be
the single statements' figures, whatever the filters, and the page must show them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from analytics.dashboards import panels, queries
from analytics.tests.dashboard_history import build_history

SIX = ("summary", "funnel", "time_to_hire", "by_source", "jobs", "score_distribution")


@pytest.fixture
def history(acme, globex, recruiter, teammate, other_recruiter):
    return build_history(
        acme=acme, globex=globex, alice=recruiter, bob=teammate, charlie=other_recruiter
    )


def filter_sets(history) -> dict[str, queries.Filters]:
    whole = history.filters()
    return {
        "company": whole,
        "one job": history.filters(history.designer),
        "one month": dataclasses.replace(
            whole, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31)
        ),
        "other company": dataclasses.replace(whole, company_id=history.globex.pk),
        "foreign job": dataclasses.replace(whole, job_id=history.apps["A1"].job_id + 10_000),
        "empty range": dataclasses.replace(
            whole, start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 2)
        ),
    }


def test_one_statement_gives_each_single_statements_figures(history):
    for label, filters in filter_sets(history).items():
        merged = queries.cohort_figures(filters)
        for name in SIX:
            assert merged[name] == getattr(queries, name)(filters), (label, name)


def test_the_figures_are_not_empty_where_the_history_has_data(history):
    merged = queries.cohort_figures(history.filters())
    assert merged["summary"]["applications"] == 6
    assert merged["time_to_hire"]["hires"] == 2
    assert [job["title"] for job in merged["jobs"]]  # views, applications and ranks per job
    assert sum(row["applicants"] for row in merged["score_distribution"]) > 0


def test_the_page_shows_the_one_statements_figures(history, django_assert_max_num_queries):
    filters = history.filters()
    with django_assert_max_num_queries(12):  # 3 figure statements, each in its own atomic
        page = panels.dashboard(filters)
    merged = queries.cohort_figures(filters)
    assert page["summary"] == merged["summary"]
    assert page["funnel"] == merged["funnel"]
    assert page["jobs"] == merged["jobs"]
    assert page["time_to_hire"] == merged["time_to_hire"]
    assert page["time_in_stage"] == queries.time_in_stage(filters)
