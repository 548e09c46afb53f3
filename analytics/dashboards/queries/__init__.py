"""Dashboard figures, each one SQL statement over the application facts.

Every query takes a `Filters` (company, date range, optional job) and runs in PostgreSQL:
counts, window functions (`percent_rank`) and `percentile_cont` do the work, Python only
names the columns. The cohort of a dashboard is the company's applications created in the
date range; recruiter activity counts the stage changes made in the range.
"""

from __future__ import annotations

from typing import Any

from analytics.dashboards.queries import base, cohort, pipeline, teams
from analytics.dashboards.queries.base import SCORE_BUCKETS, VIEW_EVENT, Filters
from analytics.dashboards.queries.cohort import cohort_figures
from analytics.dashboards.queries.pipeline import (
    FunnelStage,
    funnel,
    summary,
    time_in_stage,
    time_to_hire,
)
from analytics.dashboards.queries.teams import (
    by_source,
    jobs,
    recruiter_activity,
    score_distribution,
    sources_recorded,
)

QUERIES = {
    "summary": summary,
    "funnel": funnel,
    "time_to_hire": time_to_hire,
    "time_in_stage": time_in_stage,
    "by_source": by_source,
    "jobs": jobs,
    "score_distribution": score_distribution,
    "recruiter_activity": recruiter_activity,
}


def statements(filters: Filters) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, SQL, parameters) of each dashboard statement, for EXPLAIN."""
    found = [
        (name.removesuffix("_SQL"), sql)
        for module in (pipeline, teams, cohort)
        for name, sql in vars(module).items()
        if name.endswith("_SQL")
    ]
    return [(name, sql, filters.params()) for name, sql in found]


__all__ = [
    "QUERIES",
    "SCORE_BUCKETS",
    "VIEW_EVENT",
    "Filters",
    "FunnelStage",
    "base",
    "by_source",
    "cohort_figures",
    "funnel",
    "jobs",
    "recruiter_activity",
    "score_distribution",
    "sources_recorded",
    "statements",
    "summary",
    "time_in_stage",
    "time_to_hire",
]
