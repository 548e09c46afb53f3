"""What every dashboard query shares: the filters, the cohort and how a statement is run.

The queries read the application facts (analytics/migrations/0004_application_facts.py):
`analytics_applicationfact`, one row per application, and `analytics_stagestay`, one row
per stage change, both kept exact by triggers on the applications tables. A company's rows
in a date range come from one covering index each, without touching the applications tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

SCORE_BUCKETS = 10  # score histogram: ten buckets of 0.1
VIEW_EVENT = "job.viewed"  # the partial index analytics_event_job_views is on it


@dataclass(frozen=True)
class Filters:
    company_id: int
    start: dt.date
    end: dt.date  # inclusive
    job_id: int | None = None

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:  # exclusive
        next_day = self.end + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(next_day, dt.time.min))

    def params(self) -> dict[str, Any]:
        return {
            "company": self.company_id,
            "since": self.since,
            "until": self.until,
            "job": self.job_id,
            "view_event": VIEW_EVENT,
        }


# The company's applications created in the range (and of one job when asked).
COHORT = """
cohort AS (
    SELECT f.job_id, f.stage_id, f.source, f.match_score, f.created_at,
           f.furthest_position, f.hired, f.hired_at  -- all in the index: no heap visit
    FROM analytics_applicationfact f
    WHERE f.company_id = %(company)s
      AND f.created_at >= %(since)s AND f.created_at < %(until)s
      AND (%(job)s::bigint IS NULL OR f.job_id = %(job)s::bigint)
)"""

# Each job's pipeline: its own stages when it has some, the company's otherwise.
PIPELINES = """
pipelines AS (
    SELECT st.job_id, st.slug, st.name, st.kind, st.position
    FROM applications_pipelinestage st
    WHERE st.company_id = %(company)s AND st.job_id IS NOT NULL
      AND (%(job)s::bigint IS NULL OR st.job_id = %(job)s::bigint)
    UNION ALL
    SELECT j.id, st.slug, st.name, st.kind, st.position
    FROM jobs_job j
    JOIN applications_pipelinestage st ON st.company_id = j.company_id AND st.job_id IS NULL
    WHERE j.company_id = %(company)s AND (%(job)s::bigint IS NULL OR j.id = %(job)s::bigint)
      AND NOT EXISTS (SELECT 1 FROM applications_pipelinestage own WHERE own.job_id = j.id)
)"""

# The first open stage's position of each job's pipeline ("advanced" = went past it).
FIRST_OPEN = """
first_open AS (
    SELECT p.job_id, min(p.position) AS position FROM pipelines p
    WHERE p.kind = 'open' GROUP BY p.job_id
)"""


STATEMENT_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"


def rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The statement's rows as dicts. For this statement only: no JIT compilation (it would
    take longer than the statement), and memory enough to sort a large company's year of
    stays for the percentiles in memory rather than on disk."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(STATEMENT_SETTINGS)
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def ratio(part: int, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None


def days(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)
