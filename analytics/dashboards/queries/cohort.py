"""The page's cohort figures in one statement: the summary, the funnel, time to hire, sources,
jobs and the score distribution all read the same cohort (the company's applications created
in the range), so the page asks for them together.

The statement is the six figures' own parts (pipeline.py, teams.py) under one `WITH`; each
figure's rows come back as one JSON array in its own order, and the same Python as the
single-figure functions turns them into figures. They are therefore the single statements'
figures, by construction and by test (analytics/tests/test_dashboards_cohort.py).

What it saves is five statements: their plans, transactions and round trips, which count
most with the database across a network (RDS). Each figure still reads the cohort from the
covering index itself (NOT MATERIALIZED), which measured cheapest at 1M applications (the
largest company's year, CPU of the database backend): a cohort materialised once and read
from memory by the six figures cost about 470 ms against 350 ms for the six statements
(each figure's plan loses its own projection and join order), and a one-pass GROUPING SETS
variant (every count from one hashed aggregation) about 330 ms against 280-350. Reading the
year's cohort costs about 10 ms; the page's time is in the aggregations after it
(`manage.py bench_analytics` prints each figure's CPU).
"""

from __future__ import annotations

from typing import Any

from analytics.dashboards.queries.base import COHORT, FIRST_OPEN, PIPELINES, Filters, rows
from analytics.dashboards.queries.pipeline import (
    FUNNEL_CTES,
    FUNNEL_HISTOGRAM,
    FUNNEL_ORDER,
    FUNNEL_SELECT,
    SUMMARY_SELECT,
    TIME_TO_HIRE_SELECT,
    funnel_stages,
    hire_days,
)
from analytics.dashboards.queries.teams import (
    BY_SOURCE_ORDER,
    BY_SOURCE_SELECT,
    JOBS_CTES,
    JOBS_ORDER,
    JOBS_SELECT,
    SCORES_CTES,
    SCORES_ORDER,
    SCORES_SELECT,
    job_rows,
    score_rows,
)


def _array(select: str, order: str) -> str:
    """The SELECT's rows as one JSON array, in `order` (its output columns)."""
    return f"(SELECT coalesce(json_agg(r ORDER BY {order}), '[]') FROM ({select}) r)"  # noqa: S608


def _row(select: str) -> str:
    return f"(SELECT row_to_json(r) FROM ({select}) r)"  # noqa: S608


INLINED_COHORT = COHORT.replace("cohort AS (", "cohort AS NOT MATERIALIZED (")
COHORT_FIGURES_SQL = f"""
WITH {INLINED_COHORT}, {PIPELINES}, {FIRST_OPEN}, {FUNNEL_HISTOGRAM}, {FUNNEL_CTES},
     {JOBS_CTES}, {SCORES_CTES}
SELECT {_row(SUMMARY_SELECT)} AS summary,
       {_array(FUNNEL_SELECT, FUNNEL_ORDER)} AS funnel,
       {_row(TIME_TO_HIRE_SELECT)} AS time_to_hire,
       {_array(BY_SOURCE_SELECT, BY_SOURCE_ORDER)} AS by_source,
       {_array(JOBS_SELECT, JOBS_ORDER)} AS jobs,
       {_array(SCORES_SELECT, SCORES_ORDER)} AS score_distribution
"""


def cohort_figures(filters: Filters) -> dict[str, Any]:
    """`summary`, `funnel`, `time_to_hire`, `by_source`, `jobs` and `score_distribution`, as
    the functions of those names return them, from one statement."""
    row = rows(COHORT_FIGURES_SQL, filters.params())[0]
    return {
        "summary": row["summary"],
        "funnel": funnel_stages(row["funnel"]),
        "time_to_hire": hire_days(row["time_to_hire"]),
        "by_source": row["by_source"],
        "jobs": job_rows(row["jobs"]),
        "score_distribution": score_rows(row["score_distribution"]),
    }
