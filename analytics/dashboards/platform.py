"""Platform-wide figures for staff (shown on the admin index): signups, resume parsing,
queue lag and match recompute lag. Each figure is one SQL aggregate over the whole platform."""

from __future__ import annotations

from typing import Any

from django.db import connection

SIGNUPS_SQL = """
SELECT role,
       count(*) FILTER (WHERE date_joined >= now() - interval '1 day') AS day,
       count(*) FILTER (WHERE date_joined >= now() - interval '7 days') AS week,
       count(*) FILTER (WHERE date_joined >= now() - interval '30 days') AS month,
       count(*) AS total
FROM accounts_user GROUP BY role ORDER BY role
"""

# Finished resumes of the last 30 days; unfinished ones tell the queue's lag: the oldest
# still waiting for a worker (its status has not moved since).
PARSING_SQL = """
SELECT count(*) FILTER (WHERE status = 'parsed' AND created_at >= now() - interval '30 days')
           AS parsed,
       count(*) FILTER (WHERE status = 'failed' AND created_at >= now() - interval '30 days')
           AS failed,
       count(*) FILTER (WHERE status IN ('uploaded', 'extracting', 'parsing')) AS waiting,
       extract(epoch FROM now() - min(status_changed_at)
               FILTER (WHERE status IN ('uploaded', 'extracting', 'parsing'))) AS oldest_wait_s
FROM resumes_resume
"""

# A profile or job edited after its matches were last computed is waiting for a recompute.
MATCH_LAG_SQL = """
WITH profiles AS (
    SELECT p.updated_at - max(m.computed_at) AS lag
    FROM resumes_candidateprofile p JOIN matching_match m ON m.candidate_id = p.id
    GROUP BY p.id, p.updated_at HAVING p.updated_at > max(m.computed_at)
), jobs AS (
    SELECT j.updated_at - max(m.computed_at) AS lag
    FROM jobs_job j JOIN matching_match m ON m.job_id = j.id
    WHERE j.status = 'open'
    GROUP BY j.id, j.updated_at HAVING j.updated_at > max(m.computed_at)
)
SELECT (SELECT count(*) FROM profiles) AS stale_profiles,
       (SELECT extract(epoch FROM max(lag)) FROM profiles) AS profile_lag_s,
       (SELECT count(*) FROM jobs) AS stale_jobs,
       (SELECT extract(epoch FROM max(lag)) FROM jobs) AS job_lag_s
"""


def _rows(sql: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def platform_figures() -> dict[str, Any]:
    parsing = _rows(PARSING_SQL)[0]
    finished = parsing["parsed"] + parsing["failed"]
    parsing["success_rate"] = round(parsing["parsed"] / finished, 4) if finished else None
    return {
        "signups": _rows(SIGNUPS_SQL),
        "parsing": parsing,
        "match_lag": _rows(MATCH_LAG_SQL)[0],
    }
