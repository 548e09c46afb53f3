"""Platform-wide figures for staff (shown on the admin index): signups, resume parsing,
queue lag and match recompute lag. Each figure is one SQL aggregate over the whole platform;
the match lag is `config.observability.collectors.match_staleness`, the same as `/metrics`."""

from __future__ import annotations

from dataclasses import asdict
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


def _rows(sql: str) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def platform_figures() -> dict[str, Any]:
    # Imported here: the collectors module sets up prometheus_client's multiprocess files,
    # which only the processes that show figures need.
    from config.observability.collectors import match_staleness

    parsing = _rows(PARSING_SQL)[0]
    finished = parsing["parsed"] + parsing["failed"]
    parsing["success_rate"] = round(parsing["parsed"] / finished, 4) if finished else None
    return {
        "signups": _rows(SIGNUPS_SQL),
        "parsing": parsing,
        # The same figures /metrics exports: one definition (docs/observability.md).
        "match_lag": asdict(match_staleness()),
    }
