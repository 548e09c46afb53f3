"""Figures read when Prometheus scrapes `/metrics`: they live in the broker and the database.

- `talentmatch_queue_depth{queue}`: messages waiting in each queue the workers consume
  (settings.WORKER_QUEUES), asked of the configured broker through kombu: message files in the
  queue folder (filesystem), LLEN over the priority lists (Redis), ApproximateNumberOfMessages
  (SQS).
- `talentmatch_resume_parse_failures{reason}`: resumes whose status is `failed` now, by reason.
- `talentmatch_match_stale_pairs` and `talentmatch_match_recompute_lag_seconds`: stored matches
  whose job or candidate profile changed after the match was computed, and how long the oldest
  such change has waited (docs/observability.md defines them exactly).

A part that cannot be read (broker down) is left out and `talentmatch_scrape_ok{part}` says 0,
so the rest of the page still answers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count

from config.observability import metrics  # noqa: F401  (sets the multiprocess directory first)

# isort: split
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)


def queue_depths(
    *, url: str | None = None, transport_options: dict | None = None
) -> dict[str, int]:
    """Messages waiting per worker queue, from the configured broker (or the one at `url`)."""
    from config.celery import app

    depths: dict[str, int] = {}
    with app.connection_for_read(url, transport_options=transport_options) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        channel = conn.default_channel
        for queue in settings.WORKER_QUEUES:
            # Declaring is what a worker does at start (a no-op for an existing queue); it
            # answers with the transport's own count. A passive declare would refuse an empty
            # Redis queue, whose list does not exist.
            depths[queue] = channel.queue_declare(queue=queue).message_count
    return depths


def parse_failures() -> dict[str, int]:
    """Failed resumes by `Resume.failure_code` ("other" for rows without one)."""
    from resumes.models import Resume

    rows = (
        Resume.objects.filter(status=Resume.Status.FAILED)
        .values("failure_code")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts: dict[str, int] = {}
    for row in rows:
        reason = row["failure_code"] or "other"
        counts[reason] = counts.get(reason, 0) + row["count"]
    return counts


@dataclass(frozen=True)
class MatchStaleness:
    """How far stored matches lag behind the jobs and profiles they were computed from.

    A pair is stale while its job or its candidate profile row was updated after the pair's
    `computed_at` (a recompute rewrites every kept pair of that side with `computed_at = now`).
    Each lag is the age of the oldest such update still waiting, 0 when none waits.
    """

    stale_pairs: int
    lag_s: float  # max(job_lag_s, profile_lag_s): the oldest change of either side
    stale_jobs: int  # jobs updated after at least one of their pairs was computed
    job_lag_s: float
    stale_profiles: int  # candidate profiles, likewise
    profile_lag_s: float


def match_staleness() -> MatchStaleness:
    """The one definition of match recompute lag (docs/observability.md), read by `/metrics`
    and by the staff's platform figures on the admin index: one pass over the stale pairs."""
    from jobs.models import Job
    from matching.models import Match
    from resumes.models import CandidateProfile

    sql = f"""
        WITH stale AS (
            SELECT m.job_id, m.candidate_id,
                   CASE WHEN j.updated_at > m.computed_at THEN j.updated_at END AS job_change,
                   CASE WHEN p.updated_at > m.computed_at THEN p.updated_at END
                       AS profile_change
            FROM {Match._meta.db_table} m
            JOIN {Job._meta.db_table} j ON j.id = m.job_id
            JOIN {CandidateProfile._meta.db_table} p ON p.id = m.candidate_id
            WHERE j.updated_at > m.computed_at OR p.updated_at > m.computed_at
        )
        SELECT count(*),
               count(DISTINCT job_id) FILTER (WHERE job_change IS NOT NULL),
               coalesce(extract(epoch FROM statement_timestamp() - min(job_change)), 0),
               count(DISTINCT candidate_id) FILTER (WHERE profile_change IS NOT NULL),
               coalesce(extract(epoch FROM statement_timestamp() - min(profile_change)), 0)
        FROM stale
    """  # noqa: S608 (table names from the models, no input)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        pairs, jobs, job_lag, profiles, profile_lag = cursor.fetchone()
    job_lag, profile_lag = max(float(job_lag), 0.0), max(float(profile_lag), 0.0)
    return MatchStaleness(
        stale_pairs=int(pairs),
        lag_s=max(job_lag, profile_lag),
        stale_jobs=int(jobs),
        job_lag_s=job_lag,
        stale_profiles=int(profiles),
        profile_lag_s=profile_lag,
    )


class ScrapeTimeCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        ok = GaugeMetricFamily(
            "talentmatch_scrape_ok",
            "1 when this part of the scrape could be read.",
            labels=["part"],
        )
        for part, read in (
            ("queues", self._queues),
            ("resumes", self._resumes),
            ("matching", self._matching),
        ):
            try:
                families = list(read())
            except Exception:  # one unreadable part must not hide the others
                logger.warning("metrics: %s could not be read", part, exc_info=True)
                ok.add_metric([part], 0)
            else:
                ok.add_metric([part], 1)
                yield from families
        yield ok

    def _queues(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "talentmatch_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        for queue, count in queue_depths().items():
            depth.add_metric([queue], count)
        yield depth

    def _resumes(self) -> Iterator[Metric]:
        failures = GaugeMetricFamily(
            "talentmatch_resume_parse_failures",
            "Resumes in status failed, by reason (Resume.failure_code).",
            labels=["reason"],
        )
        for reason, count in sorted(parse_failures().items()):
            failures.add_metric([reason], count)
        yield failures

    def _matching(self) -> Iterator[Metric]:
        staleness = match_staleness()
        yield GaugeMetricFamily(
            "talentmatch_match_stale_pairs",
            "Stored matches whose job or candidate profile changed after they were computed.",
            value=staleness.stale_pairs,
        )
        yield GaugeMetricFamily(
            "talentmatch_match_recompute_lag_seconds",
            "Age of the oldest job/profile change whose matches are not recomputed yet (0: none).",
            value=staleness.lag_s,
        )
