"""Dashboard figures, each one SQL statement over the applications tables.

Every query takes a `Filters` (company, date range, optional job) and runs in PostgreSQL:
counts, window functions (`lead`, `percent_rank`) and `percentile_cont` do the work, Python
only names the columns. The cohort of a dashboard is the company's applications created in the
date range; recruiter activity counts the stage changes made in the range.

Indexes these queries need on the applications tables (owned by the applications app, so they
are listed here and created by `bench_analytics`, not by an analytics migration):
`RECOMMENDED_INDEXES`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

RECOMMENDED_INDEXES: dict[str, str] = {
    # The cohort: a job's applications in a date range.
    "application_job_created": (
        "CREATE INDEX IF NOT EXISTS application_job_created "
        "ON applications_application (job_id, created_at) INCLUDE (stage_id, match_score)"
    ),
    # A history read in order, without visiting the heap (index-only scans).
    "stagechange_app_created": (
        "CREATE INDEX IF NOT EXISTS stagechange_app_created "
        "ON applications_stagechange (application_id, created_at, id) INCLUDE (to_stage_id, by_id)"
    ),
    # Recruiter activity: changes in a date range.
    "stagechange_created": (
        "CREATE INDEX IF NOT EXISTS stagechange_created "
        "ON applications_stagechange (created_at) INCLUDE (application_id, to_stage_id, by_id)"
    ),
}

SCORE_BUCKETS = 10  # score histogram: ten buckets of 0.1
VIEW_EVENT = "job.viewed"


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
        }


# The company's applications created in the range (and of one job when asked). Not
# materialized: inlined where it is used, the planner sees how few rows it holds and reads each
# one's history by index (stagechange_app_created) instead of scanning every company's history.
COHORT = """
cohort AS NOT MATERIALIZED (
    SELECT a.id, a.job_id, a.candidate_id, a.stage_id, a.match_score, a.created_at
    FROM applications_application a
    JOIN jobs_job j ON j.id = a.job_id
    WHERE j.company_id = %(company)s
      AND a.created_at >= %(since)s AND a.created_at < %(until)s
      AND (%(job)s::bigint IS NULL OR a.job_id = %(job)s::bigint)
)"""

# Per application, the furthest position it reached among open and hired stages (a rejected
# application reached the stage it was rejected from).
FURTHEST = """
furthest AS (
    SELECT c.id, c.job_id, max(st.position) AS position,
           bool_or(st.kind = 'hired') AS hired
    FROM cohort c
    JOIN applications_stagechange sc ON sc.application_id = c.id
    JOIN applications_pipelinestage st ON st.id = sc.to_stage_id
    WHERE st.kind IN ('open', 'hired')
    GROUP BY c.id, c.job_id
)"""

# Each job's pipeline: its own stages when it has some, the company's otherwise.
PIPELINES = """
pipelines AS (
    SELECT j.id AS job_id, st.slug, st.name, st.kind, st.position
    FROM jobs_job j
    JOIN applications_pipelinestage st ON st.company_id = j.company_id
     AND (st.job_id = j.id OR (st.job_id IS NULL AND NOT EXISTS (
          SELECT 1 FROM applications_pipelinestage own WHERE own.job_id = j.id)))
    WHERE j.company_id = %(company)s AND (%(job)s::bigint IS NULL OR j.id = %(job)s::bigint)
)"""


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# --- Summary and funnel -------------------------------------------------------------------
SUMMARY_SQL = f"""
WITH {COHORT}
SELECT count(*) AS applications,
       count(*) FILTER (WHERE st.kind = 'open') AS open,
       count(*) FILTER (WHERE st.kind = 'hired') AS hired,
       count(*) FILTER (WHERE st.kind = 'rejected') AS rejected,
       count(*) FILTER (WHERE st.kind = 'withdrawn') AS withdrawn
FROM cohort c JOIN applications_pipelinestage st ON st.id = c.stage_id
"""  # noqa: S608


def summary(filters: Filters) -> dict[str, int]:
    return _rows(SUMMARY_SQL, filters.params())[0]


# Histogram of furthest positions per job (small), joined to each job's pipeline: an
# application reached a stage when its furthest position is at or after the stage's.
FUNNEL_SQL = f"""
WITH {COHORT}, {FURTHEST}, {PIPELINES},
reached AS (
    SELECT job_id, position, count(*) AS n FROM furthest GROUP BY job_id, position
),
current AS (
    SELECT st.slug, count(*) AS n
    FROM cohort c JOIN applications_pipelinestage st ON st.id = c.stage_id
    GROUP BY st.slug
),
stages AS (
    SELECT p.slug, min(p.name) AS name, min(p.kind) AS kind, min(p.position) AS position,
           coalesce(sum(r.n) FILTER (WHERE p.kind IN ('open', 'hired')), 0)::int AS reached
    FROM pipelines p
    LEFT JOIN reached r ON r.job_id = p.job_id AND r.position >= p.position
    GROUP BY p.slug
)
SELECT s.slug, s.name, s.kind, s.position, s.reached, coalesce(cu.n, 0)::int AS current
FROM stages s LEFT JOIN current cu ON cu.slug = s.slug
ORDER BY s.position, s.slug
"""  # noqa: S608


@dataclass(frozen=True)
class FunnelStage:
    slug: str
    name: str
    kind: str
    reached: int  # applications that got to this stage or further (open and hired stages)
    current: int  # applications in this stage now
    from_previous: float | None  # reached / reached of the previous stage
    from_first: float | None  # reached / reached of the first stage


def funnel(filters: Filters) -> list[FunnelStage]:
    rows = _rows(FUNNEL_SQL, filters.params())
    stages: list[FunnelStage] = []
    first = previous = None
    for row in rows:
        progress = row["kind"] in ("open", "hired")
        if progress and first is None:
            first = row["reached"]
        stages.append(
            FunnelStage(
                slug=row["slug"],
                name=row["name"],
                kind=row["kind"],
                reached=row["reached"],
                current=row["current"],
                from_previous=_ratio(row["reached"], previous) if progress else None,
                from_first=_ratio(row["reached"], first) if progress else None,
            )
        )
        if progress:
            previous = row["reached"]
    return stages


def _ratio(part: int, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None


# --- Times --------------------------------------------------------------------------------
# Days from applying to the first move into a hired stage.
TIME_TO_HIRE_SQL = f"""
WITH {COHORT},
hires AS (
    SELECT c.id, min(sc.created_at) - c.created_at AS took
    FROM cohort c
    JOIN applications_stagechange sc ON sc.application_id = c.id
    JOIN applications_pipelinestage st ON st.id = sc.to_stage_id AND st.kind = 'hired'
    GROUP BY c.id, c.created_at
)
SELECT count(*) AS hires,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM took)) / 86400 AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM took)) / 86400 AS p90_days
FROM hires
"""  # noqa: S608


def time_to_hire(filters: Filters) -> dict[str, Any]:
    row = _rows(TIME_TO_HIRE_SQL, filters.params())[0]
    return {
        "hires": row["hires"],
        "median_days": _days(row["median_days"]),
        "p90_days": _days(row["p90_days"]),
    }


# Each stay in a stage lasts from the change into it to the next change (`lead`); stays not
# finished yet are left out (they would drag the median down while they last).
TIME_IN_STAGE_SQL = f"""
WITH {COHORT},
stays AS (
    SELECT sc.to_stage_id,
           lead(sc.created_at) OVER (PARTITION BY sc.application_id
                                     ORDER BY sc.created_at, sc.id) - sc.created_at AS stay
    FROM cohort c JOIN applications_stagechange sc ON sc.application_id = c.id
)
SELECT st.slug, min(st.name) AS name, min(st.position) AS position, count(*) AS stays,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM s.stay)) / 86400
           AS median_days,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM s.stay)) / 86400
           AS p90_days
FROM stays s JOIN applications_pipelinestage st ON st.id = s.to_stage_id
WHERE s.stay IS NOT NULL AND st.kind = 'open'
GROUP BY st.slug
ORDER BY min(st.position), st.slug
"""  # noqa: S608


def time_in_stage(filters: Filters) -> list[dict[str, Any]]:
    return [
        {
            "slug": r["slug"],
            "name": r["name"],
            "stays": r["stays"],
            "median_days": _days(r["median_days"]),
            "p90_days": _days(r["p90_days"]),
        }
        for r in _rows(TIME_IN_STAGE_SQL, filters.params())
    ]


def _days(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


# --- Sources ------------------------------------------------------------------------------
def _source_column() -> str:
    """`Application.source` when the applications app records one; "direct" until then."""
    from applications.models import Application

    names = {f.name for f in Application._meta.concrete_fields}
    return "coalesce(nullif(a.source, ''), 'direct')" if "source" in names else "'direct'"


def by_source(filters: Filters) -> list[dict[str, Any]]:
    sql = f"""
    SELECT {_source_column()} AS source, count(*) AS applications,
           count(*) FILTER (WHERE st.kind = 'hired') AS hired
    FROM applications_application a
    JOIN jobs_job j ON j.id = a.job_id
    JOIN applications_pipelinestage st ON st.id = a.stage_id
    WHERE j.company_id = %(company)s
      AND a.created_at >= %(since)s AND a.created_at < %(until)s
      AND (%(job)s::bigint IS NULL OR a.job_id = %(job)s::bigint)
    GROUP BY 1 ORDER BY 2 DESC, 1
    """  # noqa: S608
    return _rows(sql, filters.params())


def sources_recorded() -> bool:
    return _source_column() != "'direct'"


# --- Jobs and scores ----------------------------------------------------------------------
JOBS_SQL = f"""
WITH {COHORT}, {FURTHEST}, {PIPELINES},
first_open AS (  -- the first open stage's position of each job's pipeline
    SELECT p.job_id, min(p.position) AS position FROM pipelines p
    WHERE p.kind = 'open' GROUP BY p.job_id
),
ranked AS (  -- where each applicant's score stands among the job's applicants (0..1)
    SELECT c.id, c.job_id, c.match_score,
           percent_rank() OVER (PARTITION BY c.job_id ORDER BY c.match_score) AS score_rank
    FROM cohort c WHERE c.match_score IS NOT NULL
),
views AS (
    SELECT e.subject_id::bigint AS job_id, count(*) AS n
    FROM analytics_event e
    WHERE e.company_id = %(company)s AND e.kind = %(view_event)s
      AND e.created_at >= %(since)s AND e.created_at < %(until)s
      AND e.subject_type = 'jobs.job'
    GROUP BY 1
),
per_job AS (
    SELECT c.job_id, count(*) AS applications,
           count(*) FILTER (WHERE f.position > fo.position) AS advanced,
           count(*) FILTER (WHERE f.hired) AS hired,
           avg(c.match_score) AS mean_score,
           avg(c.match_score) FILTER (WHERE f.hired) AS mean_score_hired,
           avg(r.score_rank) FILTER (WHERE f.hired) AS hired_rank
    FROM cohort c
    LEFT JOIN furthest f ON f.id = c.id
    LEFT JOIN first_open fo ON fo.job_id = c.job_id
    LEFT JOIN ranked r ON r.id = c.id
    GROUP BY c.job_id
)
SELECT j.id AS job_id, j.title, j.status, coalesce(v.n, 0) AS views,
       coalesce(pj.applications, 0) AS applications, coalesce(pj.advanced, 0) AS advanced,
       coalesce(pj.hired, 0) AS hired, pj.mean_score, pj.mean_score_hired, pj.hired_rank
FROM jobs_job j
LEFT JOIN per_job pj ON pj.job_id = j.id
LEFT JOIN views v ON v.job_id = j.id
WHERE j.company_id = %(company)s AND (%(job)s::bigint IS NULL OR j.id = %(job)s::bigint)
  AND (pj.job_id IS NOT NULL OR v.job_id IS NOT NULL)
ORDER BY coalesce(pj.applications, 0) DESC, j.title, j.id
"""  # noqa: S608


def jobs(filters: Filters) -> list[dict[str, Any]]:
    """Per job: views (`job.viewed` events), applications, advanced past the first stage,
    hired, mean match score of applicants and of hires, and `hired_rank`: the mean percentile
    of the hires' scores among the job's applicants (0.5 = the score did not tell, 1 = the
    team hired the top-scored applicants)."""
    rows = _rows(JOBS_SQL, filters.params() | {"view_event": VIEW_EVENT})
    for row in rows:
        for key in ("mean_score", "mean_score_hired", "hired_rank"):
            row[key] = None if row[key] is None else round(float(row[key]), 4)
    return rows


SCORES_SQL = f"""
WITH {COHORT}, {FURTHEST}, {PIPELINES},
first_open AS (
    SELECT p.job_id, min(p.position) AS position FROM pipelines p
    WHERE p.kind = 'open' GROUP BY p.job_id
),
scored AS (
    SELECT least(width_bucket(c.match_score, 0, 1, {SCORE_BUCKETS}), {SCORE_BUCKETS}) AS bucket,
           coalesce(f.position > fo.position, false) AS advanced,
           coalesce(f.hired, false) AS hired
    FROM cohort c
    LEFT JOIN furthest f ON f.id = c.id
    LEFT JOIN first_open fo ON fo.job_id = c.job_id
    WHERE c.match_score IS NOT NULL
)
SELECT b AS bucket,
       count(s.bucket) AS applicants,
       count(s.bucket) FILTER (WHERE s.advanced) AS advanced,
       count(s.bucket) FILTER (WHERE s.hired) AS hired
FROM generate_series(1, {SCORE_BUCKETS}) AS b
LEFT JOIN scored s ON s.bucket = b
GROUP BY b ORDER BY b
"""  # noqa: S608


def score_distribution(filters: Filters) -> list[dict[str, Any]]:
    """Applicants, advanced and hired per match-score bucket (0-0.1 ... 0.9-1.0), from the
    score each application had when it was made (`Application.match_score`)."""
    rows = _rows(SCORES_SQL, filters.params())
    for row in rows:
        low = (row["bucket"] - 1) / SCORE_BUCKETS
        row["label"] = f"{low:.1f}\u2013{low + 1 / SCORE_BUCKETS:.1f}"
    return rows


# --- Recruiter activity -------------------------------------------------------------------
ACTIVITY_SQL = """
SELECT u.id AS user_id, u.email, trim(u.first_name || ' ' || u.last_name) AS name,
       count(*) AS moves,
       count(*) FILTER (WHERE st.kind = 'rejected') AS rejections,
       count(*) FILTER (WHERE st.kind = 'hired') AS hires,
       count(DISTINCT sc.application_id) AS applications
FROM applications_stagechange sc
JOIN applications_application a ON a.id = sc.application_id
JOIN jobs_job j ON j.id = a.job_id
JOIN applications_pipelinestage st ON st.id = sc.to_stage_id
JOIN accounts_user u ON u.id = sc.by_id
WHERE j.company_id = %(company)s
  AND sc.created_at >= %(since)s AND sc.created_at < %(until)s
  AND (%(job)s::bigint IS NULL OR a.job_id = %(job)s::bigint)
  AND sc.by_id <> a.candidate_id  -- the candidate's own moves (applying, withdrawing)
GROUP BY u.id, u.email, u.first_name, u.last_name
ORDER BY moves DESC, u.email
"""


def recruiter_activity(filters: Filters) -> list[dict[str, Any]]:
    """Stage changes made by each member of the team in the date range."""
    return _rows(ACTIVITY_SQL, filters.params())


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
