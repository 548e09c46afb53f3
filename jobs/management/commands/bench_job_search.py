"""Benchmark the default job search backend on synthetic jobs, in a throwaway database.

    manage.py bench_job_search --jobs 100000 [--runs 60] [--explain] [--writes 40]

Creates its own database (like the test database, dropped afterwards unless `--keepdb`; never
the live data), loads `--jobs` open jobs generated from the taxonomy and templates
(jobs/demo.py) with COPY (the triggers of migration 0003 write the search tables as for any
insert), adds the typo vocabulary, VACUUM ANALYZEs, then prints p50/p95/max latency per query
class beside the 25 ms target, cold (every search counts its matches: the honest figure) and
with the per-generation counts cache warm, and whether typo queries are found. `--writes N`
then closes and reopens jobs (the search triggers rewrite their rows and bit strings) from
one connection and from two at once: latency per write and writes per second.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.core.management.base import CommandParser
from django.db import connection, connections, models, transaction

from accounts.models import Company
from config.bench import BenchmarkCommand
from jobs.demo import generate_jobs
from jobs.models import Job
from jobs.search.base import JobQuery
from jobs.search.postgres import PostgresJobSearch
from jobs.search.typos import add_taxonomy_vocabulary, add_vocabulary

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
COMPANIES = 25
COPY_BATCH = 10000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def copy_jobs(jobs: Iterable[Job]) -> int:
    """COPY unsaved jobs into `jobs_job` (ids from its sequence; the generated column left to
    PostgreSQL). The statement-level insert trigger writes their search rows."""
    fields = [
        f
        for f in Job._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    ]
    statement = f"COPY jobs_job ({', '.join(f.column for f in fields)}) FROM STDIN"
    count = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[arg-type]
        for job in jobs:
            copy.write_row([f.get_db_prep_save(f.pre_save(job, True), connection) for f in fields])
            count += 1
    return count


class Command(BenchmarkCommand):
    database_suffix = "jobs"
    help = "Print p50/p95/max latency of typical job searches on N synthetic open jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--jobs", type=int, default=20000)
        parser.add_argument("--runs", type=int, default=60, help="searches per query class")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--explain", action="store_true", help="print one plan per class")
        parser.add_argument(
            "--writes", type=int, default=0, help="close/reopen this many jobs per connection"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # A database of its own per process: two runs at once never drop each other's.
        self.database_suffix = f"jobs_{os.getpid()}"
        super().handle(*args, **options)

    def benchmark(self, options: dict[str, Any]) -> None:
        self._load(options["jobs"], options["seed"])
        self._measure(options["runs"])
        if options["explain"]:
            self._explain()
        if options.get("writes"):
            self._measure_writes(options["writes"])

    def _load(self, count: int, seed: int) -> None:
        started = time.monotonic()
        companies = Company.objects.bulk_create(
            [Company(name=f"Bench Co {i}", slug=f"bench-co-{i}") for i in range(COMPANIES)]
        )
        generated = generate_jobs(companies=companies, count=count, seed=seed)
        created = 0
        while batch := list(itertools.islice(generated, COPY_BATCH)):
            created += copy_jobs(batch)
            self.stdout.write(f"\rloaded {created}/{count} jobs", ending="")
            self.stdout.flush()
        with connection.cursor() as cursor:
            cursor.execute("SELECT array_agg(id) FROM jobs_job WHERE status = 'open'")
            ids = cursor.fetchone()[0] or []
        add_vocabulary(ids)
        add_taxonomy_vocabulary()
        words = PostgresJobSearch().refresh_word_bits()
        with connection.cursor() as cursor:
            # VACUUM cannot run in a transaction (the smoke test measures inside one).
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            for table in ("jobs_job", "jobs_searchrow", "jobs_searchtext", "jobs_searchterm"):
                cursor.execute(f"{verb} {table}")
            cursor.execute("SELECT count(*) FROM jobs_searchrow")
            open_jobs = cursor.fetchone()[0]
        self.stdout.write("")
        self.say(
            f"{open_jobs} open jobs loaded (COPY) in {time.monotonic() - started:.1f} s;"
            f" {words} frequent words have bit strings"
        )

    def _measure(self, runs: int) -> None:
        classes = {
            "a: text, top 20 + total": [JobQuery(q=q, facets=False) for q in TEXT],
            "b: text + 3 filters + facets": FILTERED,
            "c: filters + facets, newest": FILTERS_ONLY,
            "d: text + facets (API default)": [JobQuery(q=q) for q in TEXT],
        }
        # Cold: every search counts its matches. Cached: totals and facet counts come from
        # the per-generation cache (jobs.search.counts) once a query has been counted.
        modes = {
            "cold": PostgresJobSearch(counts_cache_size=0),
            "cached": PostgresJobSearch(counts_cache_size=1024),
        }
        load = " ".join(f"{value:.1f}" for value in os.getloadavg())
        self.say(f"load average (1/5/15 min): {load}; {runs} searches per class and mode")
        self.say(
            f"{'class':31} {'mode':6} {'p50':>6} {'p95':>6} {'max':>6} {'p95/25ms':>8}"
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
                self.say(
                    f"{name:31} {mode:6} {_percentile(timings, 0.5):6.1f} {p95:6.1f} "
                    f"{max(timings):6.1f} {p95 / LIMIT_MS:7.2f}x"
                    f"  {_percentile(executed, 0.5):9.1f}/{max(executed):<10.1f}"
                )
        search = modes["cold"]
        slowest = []
        for q in TEXT:
            t0 = time.perf_counter()
            result = search.search(JobQuery(q=q))
            slowest.append(((time.perf_counter() - t0) * 1000, q, result.total))
        self.say("Per term, cold (text + facets): " + ", ".join(
            f"{q!r} {ms:.0f} ms/{total} hits" for ms, q, total in sorted(slowest, reverse=True)
        ))  # fmt: skip
        for typo, meant in TYPOS.items():
            result = search.search(JobQuery(q=typo, facets=False))
            found = result.total > 0 and meant in (result.corrected_q or typo)
            self.say(
                f"typo {typo!r}: {'found' if found else 'NOT found'} as "
                f"{result.corrected_q or typo!r}, {result.total} hits"
            )

    def _execution_ms(self, backend: PostgresJobSearch, query: JobQuery) -> float:
        """The server's own execution time of the statement `search` runs (EXPLAIN ANALYZE)."""
        sql, params = backend.statement(query)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            return float(cursor.fetchone()[0][0]["Execution Time"])

    def _explain(self) -> None:
        cold, cached = PostgresJobSearch(counts_cache_size=0), PostgresJobSearch()
        queries = (JobQuery(q="engineer", facets=False), FILTERED[0], FILTERS_ONLY[0])
        for query, backend in [(q, cold) for q in queries] + [(queries[0], cached)]:
            backend.search(query)  # the cached backend now knows the counts
            sql, params = backend.statement(query)
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                mode = "counts cached: page only" if backend is cached else "cold"
                self.say(f"--- {query} ({mode})")
                self.say("\n".join(row[0] for row in cursor.fetchall()))

    def _measure_writes(self, writes: int) -> None:
        """Close then reopen random open jobs, each change its own transaction, from one
        connection, then from two at once: every writer locks the bit strings' 'all' row
        (migration 0004), so two connections add throughput only if the lock is not the
        bottleneck."""
        ids = list(Job.objects.open().values_list("id", flat=True))
        rates = {}
        for writers in (1, 2):
            timings: list[float] = []
            threads = [
                threading.Thread(target=_close_and_reopen, args=(ids, writes, seed, timings))
                for seed in range(writers)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            rates[writers] = len(timings) / (time.perf_counter() - started)
            self.say(
                f"writes, {writers} connection(s): {len(timings)} in total, per write p50"
                f" {_percentile(timings, 0.5):.1f} ms p95 {_percentile(timings, 0.95):.1f} ms,"
                f" {rates[writers]:.1f} writes/s (load {os.getloadavg()[0]:.1f})"
            )
        self.say(f"two connections write {rates[2] / rates[1]:.2f}x as fast as one")


def _close_and_reopen(ids: list[int], writes: int, seed: int, timings: list[float]) -> None:
    """One writer (a thread with its own connection): `writes` jobs closed, then reopened."""
    try:
        for job_id in random.Random(seed).sample(ids, writes):
            for status in ("closed", "open"):
                t0 = time.perf_counter()
                with transaction.atomic():
                    Job.objects.filter(pk=job_id).update(status=status)
                timings.append((time.perf_counter() - t0) * 1000)  # list.append is atomic
    finally:
        connections.close_all()
