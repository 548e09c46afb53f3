"""Where applications come from, how each job does, and what the team did."""

from __future__ import annotations

from typing import Any

from analytics.dashboards.queries.base import (
    COHORT,
    FIRST_OPEN,
    PIPELINES,
    SCORE_BUCKETS,
    Filters,
    rows,
)

# Each cohort figure is its parts (CTEs, the final SELECT, the order of its rows), composed
# here into a statement of its own and in cohort.py into the page's one statement.
BY_SOURCE_SELECT = """
SELECT c.source, count(*) AS applications,
       count(*) FILTER (WHERE st.kind = 'hired') AS hired
FROM cohort c JOIN applications_pipelinestage st ON st.id = c.stage_id
GROUP BY 1
"""
BY_SOURCE_ORDER = "applications DESC, source"
BY_SOURCE_SQL = f"WITH {COHORT}\n{BY_SOURCE_SELECT} ORDER BY {BY_SOURCE_ORDER}"


def by_source(filters: Filters) -> list[dict[str, Any]]:
    """Applications by `Application.source` ("direct" when none is recorded)."""
    return rows(BY_SOURCE_SQL, filters.params())


def sources_recorded() -> bool:
    from applications.models import Application

    return "source" in {f.name for f in Application._meta.concrete_fields}


# Views per job, grouped by the text id: cast once per job rather than once per view.
VIEWS = """
    SELECT e.subject_id, count(*) AS n
    FROM analytics_event e
    WHERE e.company_id = %(company)s AND e.kind = 'job.viewed' AND e.subject_type = 'jobs.job'
      AND e.created_at >= %(since)s AND e.created_at < %(until)s
    GROUP BY e.subject_id
"""
JOBS_CTES = f"""
views AS ({VIEWS}),
ranked AS (  -- where each applicant's score stands among the job's applicants (0..1)
    SELECT c.job_id, c.match_score, c.hired, c.furthest_position, fo.position AS first_open,
           CASE WHEN c.match_score IS NOT NULL THEN percent_rank() OVER (
               PARTITION BY c.job_id, c.match_score IS NULL ORDER BY c.match_score) END
               AS score_rank
    FROM cohort c LEFT JOIN first_open fo ON fo.job_id = c.job_id
),
per_job AS (
    SELECT job_id, count(*) AS applications,
           count(*) FILTER (WHERE furthest_position > first_open) AS advanced,
           count(*) FILTER (WHERE hired) AS hired,
           avg(match_score) AS mean_score,
           avg(match_score) FILTER (WHERE hired) AS mean_score_hired,
           avg(score_rank) FILTER (WHERE hired) AS hired_rank
    FROM ranked GROUP BY job_id
)"""  # noqa: S608
JOBS_SELECT = """
SELECT j.id AS job_id, j.title, j.status, coalesce(v.n, 0) AS views,
       coalesce(pj.applications, 0) AS applications, coalesce(pj.advanced, 0) AS advanced,
       coalesce(pj.hired, 0) AS hired, pj.mean_score, pj.mean_score_hired, pj.hired_rank
FROM jobs_job j
LEFT JOIN per_job pj ON pj.job_id = j.id
LEFT JOIN views v ON v.subject_id = j.id::text
WHERE j.company_id = %(company)s AND (%(job)s::bigint IS NULL OR j.id = %(job)s::bigint)
  AND (pj.job_id IS NOT NULL OR v.subject_id IS NOT NULL)
"""
JOBS_ORDER = "applications DESC, title, job_id"
JOBS_SQL = f"""
WITH {COHORT}, {PIPELINES}, {FIRST_OPEN}, {JOBS_CTES}
{JOBS_SELECT} ORDER BY {JOBS_ORDER}
"""


def jobs(filters: Filters) -> list[dict[str, Any]]:
    """Per job: views (`job.viewed` events), applications, advanced past the first stage,
    hired, mean match score of applicants and of hires, and `hired_rank`: the mean percentile
    of the hires' scores among the job's applicants (0.5 = the score did not tell, 1 = the
    team hired the top-scored applicants)."""
    return job_rows(rows(JOBS_SQL, filters.params()))


def job_rows(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in result:
        for key in ("mean_score", "mean_score_hired", "hired_rank"):
            row[key] = None if row[key] is None else round(float(row[key]), 4)
    return result


SCORES_CTES = f"""
scored AS (
    SELECT least(width_bucket(c.match_score, 0, 1, {SCORE_BUCKETS}), {SCORE_BUCKETS}) AS bucket,
           coalesce(c.furthest_position > fo.position, false) AS advanced, c.hired
    FROM cohort c LEFT JOIN first_open fo ON fo.job_id = c.job_id
    WHERE c.match_score IS NOT NULL
)"""  # noqa: S608
SCORES_SELECT = f"""
SELECT b AS bucket,
       count(s.bucket) AS applicants,
       count(s.bucket) FILTER (WHERE s.advanced) AS advanced,
       count(s.bucket) FILTER (WHERE s.hired) AS hired
FROM generate_series(1, {SCORE_BUCKETS}) AS b
LEFT JOIN scored s ON s.bucket = b
GROUP BY b
"""  # noqa: S608
SCORES_ORDER = "bucket"
SCORES_SQL = f"""
WITH {COHORT}, {PIPELINES}, {FIRST_OPEN}, {SCORES_CTES}
{SCORES_SELECT} ORDER BY {SCORES_ORDER}
"""


def score_distribution(filters: Filters) -> list[dict[str, Any]]:
    """Applicants, advanced and hired per match-score bucket (0-0.1 ... 0.9-1.0), from the
    score each application had when it was made (`Application.match_score`)."""
    return score_rows(rows(SCORES_SQL, filters.params()))


def score_rows(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in result:
        low = (row["bucket"] - 1) / SCORE_BUCKETS
        row["label"] = f"{low:.1f}\u2013{low + 1 / SCORE_BUCKETS:.1f}"
    return result


# Stage changes made in the range by the team (the candidate's own moves, applying and
# withdrawing, are left out).
ACTIVITY_SQL = """
WITH per_application AS (  -- one row per (member, application): no count(DISTINCT) sort
    SELECT s.by_id, count(*) AS moves,
           count(*) FILTER (WHERE st.kind = 'rejected') AS rejections,
           count(*) FILTER (WHERE st.kind = 'hired') AS hires
    FROM analytics_stagestay s JOIN applications_pipelinestage st ON st.id = s.stage_id
    WHERE s.company_id = %(company)s AND s.by_team
      AND s.entered_at >= %(since)s AND s.entered_at < %(until)s
      AND (%(job)s::bigint IS NULL OR s.job_id = %(job)s::bigint)
    GROUP BY s.by_id, s.application_id
),
per_user AS (
    SELECT by_id, sum(moves) AS moves, sum(rejections) AS rejections, sum(hires) AS hires,
           count(*) AS applications
    FROM per_application GROUP BY by_id
)
SELECT u.id AS user_id, u.email, trim(u.first_name || ' ' || u.last_name) AS name,
       p.moves::int, p.rejections::int, p.hires::int, p.applications
FROM per_user p
CROSS JOIN LATERAL (SELECT * FROM accounts_user u WHERE u.id = p.by_id) u  -- a few, by key
ORDER BY p.moves DESC, u.email
"""


def recruiter_activity(filters: Filters) -> list[dict[str, Any]]:
    """Stage changes made by each member of the team in the date range."""
    return rows(ACTIVITY_SQL, filters.params())
