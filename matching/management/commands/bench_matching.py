"""Benchmark retrieval (pgvector HNSW vs exact) and the full re-rank on synthetic candidates.

Runs in its own database (created like a test database and dropped afterwards, never the live
data): N synthetic profiles (`matching.bench`, loaded with COPY) whose vectors perturb real
embeddings, J open jobs. Prints the HNSW build time and sizes; p50/p95 of top-k retrieval by
exact scan and by HNSW at several ef_search values, unfiltered and with country filters of
~10 %, ~5 % and ~1 % (`hnsw.iterative_scan = relaxed_order`), with recall@k against exact; and
"top candidates for a job" (retrieval + skill union + hybrid re-rank + explanations of the
kept), split into phases, for the service's K/N and for a top-50 configuration, beside the
scalar re-rank of the same pools and the 30 ms target. The load average is printed with every
section: the machine is shared.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandParser
from django.db import connection, transaction

from config.bench import BenchmarkCommand
from matching import bench
from matching.embeddings import get_embedder

INDEX = "matching_profile_embedding_hnsw"
TARGET_MS = 30.0
PROFILE_COLUMNS = [
    "id", "user_id", "headline", "summary", "skills", "country", "city", "years_of_experience",
    "desired_salary_min", "desired_salary_currency", "desired_salary_period", "languages",
    "educations", "experiences", "embedding", "embedding_model",
]  # fmt: skip
VECTOR_COLUMNS = ["id", "profile_id", "model_id", "experience_vectors", "texts_hash"]
ENTRY_COLUMNS = ["vectors_id", "position", "embedding"]


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


class Command(BenchmarkCommand):
    database_suffix = "matching"

    help = "Benchmark pgvector HNSW vs exact retrieval and the hybrid re-rank on synthetic data."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--candidates", "--profiles", dest="candidates", type=int, default=20000
        )
        parser.add_argument("--jobs", type=int, default=50, help="queries (jobs)")
        parser.add_argument("--rerank-jobs", type=int, default=20)
        parser.add_argument("--k", type=int, default=50)
        parser.add_argument("--ef", type=int, nargs="*", default=[40, 100, 200])
        parser.add_argument("--filter-ef", type=int, nargs="*", default=[100, 400])
        parser.add_argument("--random-vectors", action="store_true", help="uniform unit vectors")
        parser.add_argument(
            "--maintenance-work-mem", default="1GB", help="for the HNSW build (SET LOCAL)"
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure the database an earlier run kept (--keepdb) instead of loading one",
        )
        parser.add_argument("--skip-retrieval", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["reuse"]:
            return super().handle(*args, **options)
        # A million profiles take long to load: measure the kept database again.
        name = f"talentmatch_bench_{self.database_suffix}"
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = name
        self.lines = []
        self.benchmark(options)
        if options["out"]:
            Path(options["out"]).write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return None

    def benchmark(self, options: dict[str, Any]) -> None:
        from jobs.models import Job

        if options["reuse"]:
            jobs = list(Job.objects.filter(company__slug="bench").order_by("pk"))
            model_id = jobs[0].embedding_model
            self.say(f"reusing {connection.settings_dict['NAME']}: {len(jobs)} jobs")
        else:
            jobs, model_id = self.load(options)
        if not options["skip_retrieval"]:
            self.retrieval(jobs[: options["jobs"]], model_id, options)
        self.rerank(jobs[: options["rerank_jobs"]], max(options["ef"]))

    # --- data --------------------------------------------------------------------------

    def load(self, options: dict[str, Any]) -> tuple[list[Any], str]:
        from accounts.models import Company, User
        from matching.models import ExperienceVector, ProfileVectors
        from resumes.models import CandidateProfile
        from resumes.skills import all_skills

        n = options["candidates"]
        embedder = get_embedder()
        bases = bench.role_vectors(embedder)
        known = {s.slug for s in all_skills()}
        people = bench.profiles(
            n, bases, random_vectors=options["random_vectors"], known_skills=known
        )
        kind = "uniform random unit vectors" if options["random_vectors"] else (
            f"perturbed embeddings of {len(bench.ROLES)} real role texts ({embedder.model_id})"
        )  # fmt: skip
        self.say(f"{n} synthetic candidates: {kind}; {load_average()}")
        model_id = embedder.model_id
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
            cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
            first = cursor.fetchone()[0] + 1
        started = time.monotonic()
        bench.copy_rows(
            User,
            ["id", "email", "role", "password"],
            ((first + i, f"bench{i}@example.test", User.Role.CANDIDATE, "!") for i in range(n)),
        )
        profiles_batch: list[tuple] = []
        vectors_batch: list[tuple] = []
        entries_batch: list[tuple] = []
        for i, p in enumerate(people):
            pk = first + i
            profiles_batch.append(
                (
                    pk, pk, p.headline, p.summary, p.skills, p.country, p.city, p.years,
                    p.salary, p.currency, "year", p.languages,
                    bench.jsonb([{"degree": p.degree}] if p.degree else []),
                    bench.jsonb(p.experiences), bench.vector_text(p.vector), model_id,
                )
            )  # fmt: skip
            vectors_batch.append(
                (
                    pk, pk, model_id, bench.jsonb(bench.rounded(p.experience_vectors)),
                    hashlib.sha256(str(pk).encode()).hexdigest(),
                )
            )  # fmt: skip
            entries_batch += [
                (pk, j, bench.vector_text(v)) for j, v in enumerate(p.experience_vectors)
            ]
            if len(profiles_batch) >= 5000 or i == n - 1:
                # Profiles first: their vectors reference them.
                bench.copy_rows(CandidateProfile, PROFILE_COLUMNS, profiles_batch)
                bench.copy_rows(ProfileVectors, VECTOR_COLUMNS, vectors_batch)
                bench.copy_rows(ExperienceVector, ENTRY_COLUMNS, entries_batch)
                profiles_batch.clear()
                vectors_batch.clear()
                entries_batch.clear()
        with connection.cursor() as cursor:
            for table in ("accounts_user", "resumes_candidateprofile", "matching_profilevectors"):
                cursor.execute(
                    # A constant table name from the tuple above.
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "  # noqa: S608
                    f"FROM {table}"
                )
        self.say(f"inserted with COPY in {time.monotonic() - started:.1f} s")
        self.build_index(options)

        company = Company.objects.create(name="Bench", slug="bench")
        return self.make_jobs(company, bases, known, model_id, options["jobs"]), model_id

    def build_index(self, options: dict[str, Any]) -> None:
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{options['maintenance_work_mem']}'")
            cursor.execute(
                f"CREATE INDEX {INDEX} ON resumes_candidateprofile "
                "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
            )
        build = time.monotonic() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE resumes_candidateprofile")
            cursor.execute("ANALYZE matching_profilevectors")
            cursor.execute("ANALYZE matching_experiencevector")
            cursor.execute(
                "SELECT pg_size_pretty(pg_relation_size(%s)), "
                "pg_size_pretty(pg_total_relation_size('resumes_candidateprofile')), "
                "pg_size_pretty(pg_total_relation_size('matching_profilevectors')), "
                "pg_size_pretty(pg_total_relation_size('matching_experiencevector')), "
                "current_setting('max_parallel_maintenance_workers')",
                [INDEX],
            )
            index, profiles, vectors, entries, workers = cursor.fetchone()
        self.say(
            f"HNSW index (m=16, ef_construction=64, maintenance_work_mem="
            f"{options['maintenance_work_mem']}, parallel workers {workers}): built in "
            f"{build:.1f} s, {index}; profiles table {profiles}, experience vectors JSON "
            f"{vectors} + vector rows {entries}; "
            f"{load_average()}"
        )

    def make_jobs(self, company, bases, known, model_id, count) -> list[Any]:
        from jobs.models import Job

        rng = np.random.default_rng(11)
        roles = list(bench.ROLES.items())
        jobs = []
        for _ in range(count):
            r = int(rng.integers(0, len(roles)))
            text, skills = roles[r]
            skills = [s for s in skills if s in known]
            country = str(rng.choice(["US", "DE", "GB", "FR"]))
            low = int(rng.integers(1, 6))
            jobs.append(
                Job(
                    company=company, title=text.split(" with ")[0][:80], description=text,
                    country=country, city=bench.CITIES[country][0],
                    workplace=Job.Workplace.HYBRID, status=Job.Status.OPEN,
                    required_skills=skills[:3], preferred_skills=skills[3:],
                    seniority=str(rng.choice(["junior", "mid", "senior"])),
                    years_min=low, years_max=low + 6,
                    salary_min=60_000, salary_max=int(rng.integers(70, 130)) * 1000,
                    salary_currency=bench.CURRENCY.get(country, "EUR"), salary_period="year",
                    languages=["en"], education=str(rng.choice(["none", "bachelor"])),
                    embedding=bench.perturb(bases[r], rng, 0.03).tolist(),
                    embedding_model=model_id,
                )
            )  # fmt: skip
        return Job.objects.bulk_create(jobs)

    # --- retrieval ---------------------------------------------------------------------

    def retrieval(self, jobs: list[Any], model_id: str, options: dict[str, Any]) -> None:
        from matching.services import vector_ids
        from resumes.models import CandidateProfile

        k = options["k"]
        base = CandidateProfile.objects.filter(embedding__isnull=False, embedding_model=model_id)
        variants = {"unfiltered": (base, options["ef"])}
        for code, share in bench.FILTER_COUNTRIES.items():
            variants[f"country={code} ({share})"] = (
                base.filter(country=code),
                options["filter_ef"],
            )
        for label, (queryset, ef_values) in variants.items():
            rows = queryset.count()
            exact_ids, exact_ms = [], []
            for job in jobs:
                t = time.perf_counter()
                exact_ids.append(vector_ids(queryset, job.embedding, k, exact=True))
                exact_ms.append(1000 * (time.perf_counter() - t))
            self.say(
                f"\n{label}, {rows} rows: exact (sequential scan) top-{k}: "
                f"p50 {pct(exact_ms, 50):.1f} ms, p95 {pct(exact_ms, 95):.1f} ms; {load_average()}"
            )
            for ef in ef_values:
                settings.MATCH_HNSW_EF_SEARCH = ef
                ms, recalls, found = [], [], []
                for job, truth in zip(jobs, exact_ids, strict=True):
                    t = time.perf_counter()
                    got = vector_ids(queryset, job.embedding, k, exact=False)
                    ms.append(1000 * (time.perf_counter() - t))
                    recalls.append(len(set(got) & set(truth)) / max(len(truth), 1))
                    found.append(len(got))
                self.say(
                    f"  HNSW ef_search={max(ef, k)} ({self.plan(queryset, jobs[0], k, ef)}): "
                    + self.figures(ms, recalls, found, exact_ms, k)
                )

    def figures(self, ms, recalls, found, exact_ms, k) -> str:
        return (
            f"p50 {pct(ms, 50):.1f} ms, p95 {pct(ms, 95):.1f} ms, recall@{k} "
            f"{statistics.mean(recalls):.3f} (min {min(recalls):.2f}, "
            f"{statistics.mean(found):.0f} rows returned), speed-up vs exact (p50) "
            f"{pct(exact_ms, 50) / pct(ms, 50):.1f}x, p95 / {TARGET_MS:.0f} ms "
            f"{pct(ms, 95) / TARGET_MS:.2f}"
        )

    def plan(self, queryset: Any, job: Any, k: int, ef: int) -> str:
        from pgvector.django import CosineDistance

        query = queryset.order_by(CosineDistance("embedding", list(job.embedding)))
        sql, params = query.values_list("pk", flat=True)[:k].query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL hnsw.ef_search = {max(ef, k)}")
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            cursor.execute(f"EXPLAIN {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
        return "index scan" if any(INDEX in line for line in lines) else "sequential scan"

    # --- re-rank -----------------------------------------------------------------------

    def rerank(self, jobs: list[Any], ef: int) -> None:
        from matching.services import rank_candidates_for_job

        settings.MATCH_HNSW_EF_SEARCH = ef
        # Once per process (skill taxonomy, regexes, numpy): not part of any ranking's cost.
        rank_candidates_for_job(jobs[-1])
        configs = [(settings.MATCH_RETRIEVAL_K, settings.MATCH_KEEP_TOP_N), (50, 50)]
        for k, n in configs:
            settings.MATCH_RETRIEVAL_K, settings.MATCH_KEEP_TOP_N = k, n
            self.say(
                f"\ntop {n} for a job (HNSW ef_search={max(ef, k)} K={k} + required-skill "
                f"union + vectorised re-rank + explanations of the {n} kept)"
            )
            # Cold: the facts cache emptied before each job (every candidate seen for the
            # first time); warm: the same jobs again, as a worker meets them after a while.
            self.rerank_pass(jobs, cold=True)
            self.rerank_pass(jobs, cold=False)

    def rerank_pass(self, jobs: list[Any], *, cold: bool) -> None:
        from matching.services import rank_candidates_for_job
        from matching.services.pool import clear_facts_cache

        phases: dict[str, list[float]] = {}
        totals, pools, scalar_ms = [], [], []
        for job in jobs:
            if cold:
                clear_facts_cache()
            timings: dict[str, float] = {}
            t = time.perf_counter()
            _, passed = rank_candidates_for_job(job, timings=timings)
            totals.append(1000 * (time.perf_counter() - t))
            pools.append(len(passed))
            for name, seconds in timings.items():
                phases.setdefault(name, []).append(1000 * seconds)
            if cold:
                scalar_ms.append(self.scalar_rank_ms(job))
        self.say(f" {'cold' if cold else 'warm'} facts cache; {load_average()}")
        for name, values in phases.items():
            self.say(f"  {name:>9}: p50 {pct(values, 50):6.1f} ms, p95 {pct(values, 95):6.1f} ms")
        rerank = [sum(phases[p][i] for p in ("load", "score")) for i in range(len(jobs))]
        scalar = (
            f"; the scalar scorer on the same pools: p50 {pct(scalar_ms, 50):.1f} ms "
            f"({pct(scalar_ms, 50) / pct(rerank, 50):.1f}x)"
            if scalar_ms
            else ""
        )
        self.say(
            f"  re-rank (load + score of ~{statistics.mean(pools):.0f} candidates): p50 "
            f"{pct(rerank, 50):.1f} ms, p95 {pct(rerank, 95):.1f} ms{scalar}"
        )
        self.say(
            f"  total: p50 {pct(totals, 50):.1f} ms, p95 {pct(totals, 95):.1f} ms "
            f"(p95 / {TARGET_MS:.0f} ms target: {pct(totals, 95) / TARGET_MS:.2f})"
        )

    def scalar_rank_ms(self, job: Any) -> float:
        """The pre-vectorisation path on the job's pool: facts with their JSON vectors, each pair
        scored by `score_value` (explanations left out, as in the vectorised "score" phase)."""
        from matching.adapters import job_facts
        from matching.lexical import TermStats
        from matching.scoring import passes_filters, score_value
        from matching.services import retrieve_candidates
        from matching.services.recompute import facts_of, profiles_with_vectors

        ids = retrieve_candidates(job)
        t = time.perf_counter()
        facts = [facts_of(p) for p in profiles_with_vectors(ids)]
        jf = job_facts(job)
        stats = TermStats.build(facts, [jf])
        sorted(
            (score_value(jf, cf, weights=settings.MATCH_WEIGHTS, stats=stats), cf.id)
            for cf in facts
            if passes_filters(jf, cf)[0]
        )
        return 1000 * (time.perf_counter() - t)
