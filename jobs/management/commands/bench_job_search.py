"""Benchmark the default job search backend on synthetic jobs (not a timed test).

Generates `--jobs` open jobs from the taxonomy and templates (jobs/demo.py) under throw-away
"Bench Co" companies, indexes them, VACUUM ANALYZEs, runs typical searches per query class and
prints p50/p95/max latency; the generated companies and jobs are deleted at the end unless
`--keep`. Committed data matters: inside an open transaction the planner sees no visibility
map and every row version, which makes the figures meaningless.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from accounts.models import Company
from jobs.demo import generate_jobs
from jobs.models import Job
from jobs.search import get_job_search
from jobs.search.base import JobQuery
from jobs.search.postgres import PostgresJobSearch

TEXT = ["python", "react developer", "data engineer", "senior backend", "kubernetes",
        "machine learning", "excel", "designer", "manager", "engineer", "sales", "go"]  # fmt: skip
FILTERED = [
    JobQuery(q="python", workplace=("remote",), employment_type=("full_time",), country="DE"),
    JobQuery(q="react", workplace=("hybrid", "onsite"), seniority=("senior",), country="US"),
    JobQuery(q="engineer", workplace=("remote",), employment_type=("full_time",), country="GB"),
    JobQuery(q="data", seniority=("mid",), employment_type=("full_time",), country="FR"),
    JobQuery(q="designer", workplace=("onsite",), seniority=("junior",), country="NL"),
    JobQuery(q="kubernetes", skills_any=("aws", "gcp"), workplace=("remote",), country="US"),
]
FILTERS_ONLY = [
    JobQuery(workplace=("remote",), sort="newest"),
    JobQuery(seniority=("senior",), employment_type=("full_time",), sort="newest"),
    JobQuery(country="DE", sort="newest"),
    JobQuery(skills_all=("python",), sort="newest"),
    JobQuery(salary_at_least=80000, currency="EUR", sort="newest"),
    JobQuery(sort="newest"),
]
LIMIT_MS = 25.0  # the target p95 for every class
TYPOS = {"pyhton": "python", "enginer": "engineer", "desinger": "designer"}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Print p50/p95/max latency of typical job searches on N synthetic open jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jobs", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=60, help="searches per query class")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--keep", action="store_true", help="keep the generated jobs")
        parser.add_argument("--explain", action="store_true", help="print one plan per class")

    def handle(self, *args: Any, **options: Any) -> None:
        tag = f"bench-{time.time_ns()}"
        try:
            self._run(tag=tag, **options)
        finally:
            if not options["keep"]:
                # Plain SQL: only jobs reference these companies, and other apps' tables
                # need not exist in this database for the benchmark to clean up.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "DELETE FROM jobs_job WHERE company_id IN "
                        "(SELECT id FROM accounts_company WHERE slug LIKE %s)",
                        [f"{tag}-%"],
                    )
                    deleted = cursor.rowcount
                    cursor.execute("DELETE FROM accounts_company WHERE slug LIKE %s", [f"{tag}-%"])
                    if not connection.in_atomic_block:
                        cursor.execute("VACUUM ANALYZE jobs_job")
                self.stdout.write(f"Deleted the {deleted} generated jobs and their companies.")

    def _run(self, *, tag: str, jobs: int, runs: int, batch_size: int, seed: int,
             explain: bool, **options: Any) -> None:  # fmt: skip
        started = time.monotonic()
        companies = [
            Company.objects.create(name=f"Bench Co {i}", slug=f"{tag}-{i}") for i in range(25)
        ]
        created = 0
        search = get_job_search()  # the configured backend indexes (vocabulary, OpenSearch)
        generated = generate_jobs(companies=companies, count=jobs, seed=seed)
        while batch := list(itertools.islice(generated, batch_size)):
            with transaction.atomic():
                saved = Job.objects.bulk_create(batch)
                search.index_jobs([job.pk for job in saved])
            created += len(saved)
            self.stdout.write(f"\rGenerated and indexed {created}/{jobs} jobs", ending="")
            self.stdout.flush()
        with connection.cursor() as cursor:
            # VACUUM cannot run in a transaction (the smoke test runs in one).
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            cursor.execute(f"{verb} jobs_job")
            cursor.execute(f"{verb} jobs_searchrow")
            cursor.execute(f"{verb} jobs_searchtext")
            cursor.execute(f"{verb} jobs_searchterm")
            cursor.execute("SELECT count(*) FROM jobs_job WHERE status = 'open'")
            open_jobs = cursor.fetchone()[0]
        self.stdout.write(
            f"\n{open_jobs} open jobs ready in {time.monotonic() - started:.0f} s; "
            f"{runs} searches per class.\n"
        )
        classes = {
            "a: text, top 20 + total": [JobQuery(q=q, facets=False) for q in TEXT],
            "b: text + 3 filters + facets": FILTERED,
            "c: filters + facets, newest": FILTERS_ONLY,
            "d: text + facets (API default)": [JobQuery(q=q) for q in TEXT],
        }
        # Counted: every search counts its matches. Cached: totals and facet counts come from
        # the per-generation cache (jobs.search.counts) once a query has been counted.
        modes = {
            "counted": PostgresJobSearch(counts_cache_size=0),
            "cached": PostgresJobSearch(counts_cache_size=1024),
        }
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(f"load average (1/5/15 min): {load}; limit p95 {LIMIT_MS:.0f} ms")
        self.stdout.write(
            f"{'class':31} {'mode':8} {'p50':>6} {'p95':>6} {'max':>6} {'p95/limit':>9}"
            f"  {'EXPLAIN exec p50/max':>20}  (ms)"
        )
        for name, queries in classes.items():
            for mode, backend in modes.items():
                for query in queries:  # warm caches once
                    backend.search(query)
                timings = []
                for query in itertools.islice(itertools.cycle(queries), runs):
                    t0 = time.perf_counter()
                    backend.search(query)
                    timings.append((time.perf_counter() - t0) * 1000)
                executed = [self._execution_ms(backend, query) for query in queries]
                p95 = _percentile(timings, 0.95)
                self.stdout.write(
                    f"{name:31} {mode:8} {_percentile(timings, 0.5):6.1f} {p95:6.1f} "
                    f"{max(timings):6.1f} {p95 / LIMIT_MS:8.2f}x"
                    f"  {_percentile(executed, 0.5):9.1f}/{max(executed):<10.1f}"
                )
        search = modes["counted"]
        slowest = []
        for q in TEXT:
            t0 = time.perf_counter()
            result = search.search(JobQuery(q=q))
            slowest.append(((time.perf_counter() - t0) * 1000, q, result.total))
        self.stdout.write("Per term (text + facets): " + ", ".join(
            f"{q!r} {ms:.0f} ms/{total} hits" for ms, q, total in sorted(slowest, reverse=True)
        ))  # fmt: skip
        for typo, meant in TYPOS.items():
            result = search.search(JobQuery(q=typo, facets=False))
            found = result.total > 0 and meant in (result.corrected_q or typo)
            self.stdout.write(
                f"typo {typo!r}: {'found' if found else 'NOT found'} as "
                f"{result.corrected_q or typo!r}, {result.total} hits"
            )
        if explain:
            self._explain()

    def _execution_ms(self, backend: PostgresJobSearch, query: JobQuery) -> float:
        """The server's own execution time of the statement `search` runs (EXPLAIN ANALYZE)."""
        sql, params = backend.statement(query)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            return float(cursor.fetchone()[0][0]["Execution Time"])

    def _explain(self) -> None:
        counted, cached = PostgresJobSearch(counts_cache_size=0), PostgresJobSearch()
        queries = (JobQuery(q="engineer", facets=False), FILTERED[0], FILTERS_ONLY[0])
        for query, backend in [(q, counted) for q in queries] + [(queries[0], cached)]:
            backend.search(query)  # the cached backend now knows the counts
            sql, params = backend.statement(query)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                mode = "counts cached: page only" if backend is cached else "counted"
                self.stdout.write(f"--- {query} ({mode})")
                self.stdout.write("\n".join(row[0] for row in cursor.fetchall()))
