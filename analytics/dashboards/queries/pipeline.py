"""How applications move: the summary, the funnel, time to hire and time in stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analytics.dashboards.queries.base import COHORT, PIPELINES, Filters, days, ratio, rows

# Each cohort figure is its parts (CTEs, the final SELECT, the order of its rows), composed
# here into a statement of its own and in cohort.py into the page's one statement.
SUMMARY_SELECT = """
SELECT count(*) AS applications,
       count(*) FILTER (WHERE st.kind = 'open') AS open,
       count(*) FILTER (WHERE st.kind = 'hired') AS hired,
       count(*) FILTER (WHERE st.kind = 'rejected') AS rejected,
       count(*) FILTER (WHERE st.kind = 'withdrawn') AS withdrawn
FROM cohort c JOIN applications_pipelinestage st ON st.id = c.stage_id
"""
SUMMARY_SQL = f"WITH {COHORT}\n{SUMMARY_SELECT}"


def summary(filters: Filters) -> dict[str, int]:
    """The cohort by the kind of stage each application is in now."""
    return rows(SUMMARY_SQL, filters.params())[0]


# Histogram of furthest positions per job (small), joined to each job's pipeline: an
# application reached a stage when its furthest position (among open and hired stages; a
# rejected application reached the stage it was rejected from) is at or after the stage's.
FUNNEL_HISTOGRAM = """
histogram AS (  -- one pass over the cohort: how far each application got, where it is now
    SELECT job_id, furthest_position, stage_id, count(*) AS n FROM cohort
    GROUP BY job_id, furthest_position, stage_id
)"""
FUNNEL_CTES = """
reached AS (
    SELECT job_id, furthest_position AS position, sum(n) AS n FROM histogram
    WHERE furthest_position IS NOT NULL GROUP BY job_id, furthest_position
),
current AS (
    SELECT st.slug, sum(h.n) AS n
    FROM histogram h JOIN applications_pipelinestage st ON st.id = h.stage_id
    GROUP BY st.slug
),
stages AS (
    SELECT p.slug, min(p.name) AS name, min(p.kind) AS kind, min(p.position) AS position,
           coalesce(sum(r.n) FILTER (WHERE p.kind IN ('open', 'hired')), 0)::int AS reached
    FROM pipelines p
    LEFT JOIN reached r ON r.job_id = p.job_id AND r.position >= p.position
    GROUP BY p.slug
)"""
FUNNEL_SELECT = """
SELECT s.slug, s.name, s.kind, s.position, s.reached, coalesce(cu.n, 0)::int AS current
FROM stages s LEFT JOIN current cu ON cu.slug = s.slug
"""
FUNNEL_ORDER = "position, slug"
FUNNEL_SQL = f"""
WITH {COHORT}, {PIPELINES}, {FUNNEL_HISTOGRAM}, {FUNNEL_CTES}
{FUNNEL_SELECT} ORDER BY {FUNNEL_ORDER}
"""


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
    return funnel_stages(rows(FUNNEL_SQL, filters.params()))


def funnel_stages(result: list[dict[str, Any]]) -> list[FunnelStage]:
    stages: list[FunnelStage] = []
    first = previous = None
    for row in result:
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
                from_previous=ratio(row["reached"], previous) if progress else None,
                from_first=ratio(row["reached"], first) if progress else None,
            )
        )
        if progress:
            previous = row["reached"]
    return stages


# Days from applying to the first move into a hired stage.
TIME_TO_HIRE_SELECT = """
SELECT count(*) AS hires,
       percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP
           (ORDER BY date_part('epoch', hired_at - created_at)) AS days
FROM cohort WHERE hired_at IS NOT NULL
"""
TIME_TO_HIRE_SQL = f"WITH {COHORT}\n{TIME_TO_HIRE_SELECT}"


def time_to_hire(filters: Filters) -> dict[str, Any]:
    return hire_days(rows(TIME_TO_HIRE_SQL, filters.params())[0])


def hire_days(row: dict[str, Any]) -> dict[str, Any]:
    median, p90 = row["days"] or (None, None)
    return {
        "hires": row["hires"],
        "median_days": days(None if median is None else median / 86400),
        "p90_days": days(None if p90 is None else p90 / 86400),
    }


# Each stay in a stage lasts from the change into it to the next change; stays not finished
# yet are left out (they would drag the median down while they last). Seconds come from
# date_part (float8), which sorts for the percentiles far faster than extract's numeric.
TIME_IN_STAGE_SQL = """
WITH open_stages AS (  -- stages of one slug share a key (the smallest id): integer sorts
    SELECT id, slug, name, position, min(id) OVER (PARTITION BY slug) AS slug_key
    FROM applications_pipelinestage WHERE company_id = %(company)s AND kind = 'open'
),
per_slug AS (
    SELECT o.slug_key, count(*) AS stays,
           percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP
               (ORDER BY date_part('epoch', s.left_at - s.entered_at)) AS days
    FROM analytics_stagestay s JOIN open_stages o ON o.id = s.stage_id
    WHERE s.company_id = %(company)s
      AND s.applied_at >= %(since)s AND s.applied_at < %(until)s
      AND (%(job)s::bigint IS NULL OR s.job_id = %(job)s::bigint)
      AND s.left_at IS NOT NULL
    GROUP BY o.slug_key
)
SELECT o.slug, min(o.name) AS name, min(o.position) AS position, p.stays, p.days
FROM per_slug p JOIN open_stages o ON o.slug_key = p.slug_key
GROUP BY o.slug, p.stays, p.days
ORDER BY min(o.position), o.slug
"""


def time_in_stage(filters: Filters) -> list[dict[str, Any]]:
    return [
        {
            "slug": r["slug"],
            "name": r["name"],
            "stays": r["stays"],
            "median_days": days(r["days"][0] / 86400),
            "p90_days": days(r["days"][1] / 86400),
        }
        for r in rows(TIME_IN_STAGE_SQL, filters.params())
    ]
