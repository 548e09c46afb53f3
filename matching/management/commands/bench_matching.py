"""Benchmark retrieval (pgvector HNSW vs exact) and the full re-rank on synthetic candidates.

Runs in its own database (created like a test database and dropped afterwards, never the live
data): N synthetic profiles whose vectors perturb real embeddings, J open jobs; prints p50/p95
latency of top-50 retrieval by HNSW and by exact scan, unfiltered and with a 5 % country filter,
HNSW recall@50 against exact, the index build time and size, and the full "top candidates for a
job" latency (retrieval of K + skill-overlap union + hybrid re-rank of the pool).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandParser
from django.db import connection

from config.bench import BenchmarkCommand
from matching import bench
from matching.embeddings import get_embedder

INDEX = "matching_profile_embedding_hnsw"


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


class Command(BenchmarkCommand):
    database_suffix = "matching"

    help = "Benchmark pgvector HNSW vs exact retrieval and the hybrid re-rank on synthetic data."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--candidates", type=int, default=20000)
        parser.add_argument("--jobs", type=int, default=50, help="queries (jobs)")
        parser.add_argument("--rerank-jobs", type=int, default=20)
        parser.add_argument("--k", type=int, default=50)
        parser.add_argument("--ef", type=int, nargs="*", default=[40, 100, 200])
        parser.add_argument("--random-vectors", action="store_true", help="uniform unit vectors")

    def benchmark(self, options: dict[str, Any]) -> None:
        self.run(options)

    # --- data --------------------------------------------------------------------------

    def load(self, options: dict[str, Any]) -> tuple[list[Any], str]:
        from accounts.models import Company, User
        from jobs.models import Job
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
        self.say(f"{n} synthetic candidates: {kind}")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        started = time.monotonic()
        for start in range(0, n, 2000):
            chunk = people[start : start + 2000]
            emails = [f"bench{start + i}@example.test" for i in range(len(chunk))]
            users = User.objects.bulk_create(
                [User(email=e, role=User.Role.CANDIDATE, password="!") for e in emails]
            )
            CandidateProfile.objects.bulk_create(
                [
                    CandidateProfile(
                        user=user, headline=p.headline, summary=p.summary, skills=p.skills,
                        country=p.country, years_of_experience=p.years,
                        experiences=[{"title": p.headline, "company": "Synthetic",
                                      "description": p.summary}],
                        embedding=p.vector, embedding_model=embedder.model_id,
                    )
                    for user, p in zip(users, chunk, strict=True)
                ]
            )  # fmt: skip
        self.say(f"inserted in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {INDEX} ON resumes_candidateprofile "
                "USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
            )
            build = time.monotonic() - started
            cursor.execute("ANALYZE resumes_candidateprofile")
            cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s))", [INDEX])
            size = cursor.fetchone()[0]
        self.say(f"HNSW index (m=16, ef_construction=64): built in {build:.1f} s, {size}")

        company = Company.objects.create(name="Bench", slug="bench")
        rng = np.random.default_rng(11)
        roles = list(bench.ROLES.items())
        jobs = []
        for _ in range(options["jobs"]):
            r = int(rng.integers(0, len(roles)))
            text, skills = roles[r]
            skills = [s for s in skills if s in known]
            jobs.append(
                Job(
                    company=company, title=text.split(" with ")[0][:80], description=text,
                    country=str(rng.choice(["US", "DE", "GB", "FR"])),
                    city="", workplace=Job.Workplace.HYBRID, status=Job.Status.OPEN,
                    required_skills=skills[:3], preferred_skills=skills[3:],
                    embedding=bench.perturb(bases[r], rng, 0.03).tolist(),
                    embedding_model=embedder.model_id,
                )
            )  # fmt: skip
        return Job.objects.bulk_create(jobs), embedder.model_id

    # --- measurements ------------------------------------------------------------------

    def retrieval(self, jobs: list[Any], model_id: str, k: int, ef_values: list[int]) -> None:
        from matching.services import vector_ids
        from resumes.models import CandidateProfile

        base = CandidateProfile.objects.filter(embedding__isnull=False, embedding_model=model_id)
        variants = {
            "unfiltered": base,
            f"country={bench.SELECTIVE_COUNTRY} (~5%)": base.filter(
                country=bench.SELECTIVE_COUNTRY
            ),
        }
        for label, queryset in variants.items():
            exact_ids, exact_ms = [], []
            for job in jobs:
                t = time.perf_counter()
                exact_ids.append(vector_ids(queryset, job.embedding, k, exact=True))
                exact_ms.append(1000 * (time.perf_counter() - t))
            self.say(
                f"\n{label}: exact (sequential scan) top-{k}: p50 {pct(exact_ms, 50):.1f} ms, "
                f"p95 {pct(exact_ms, 95):.1f} ms"
            )
            for ef in ef_values:
                settings.MATCH_HNSW_EF_SEARCH = ef
                self.say(f"  plan at ef_search={max(ef, k)}: {self.plan(queryset, jobs[0], k, ef)}")
                ms, recalls = [], []
                for job, truth in zip(jobs, exact_ids, strict=True):
                    t = time.perf_counter()
                    got = vector_ids(queryset, job.embedding, k, exact=False)
                    ms.append(1000 * (time.perf_counter() - t))
                    recalls.append(len(set(got) & set(truth)) / max(len(truth), 1))
                self.say(
                    f"  HNSW ef_search={max(ef, k)}: p50 {pct(ms, 50):.1f} ms, "
                    f"p95 {pct(ms, 95):.1f} ms, recall@{k} {statistics.mean(recalls):.3f}, "
                    f"speed-up vs exact (p50) {pct(exact_ms, 50) / pct(ms, 50):.1f}x"
                )

    def plan(self, queryset: Any, job: Any, k: int, ef: int) -> str:
        from django.db import transaction
        from pgvector.django import CosineDistance

        query = queryset.order_by(CosineDistance("embedding", list(job.embedding)))
        sql, params = query.values_list("pk", flat=True)[:k].query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL hnsw.ef_search = {max(ef, k)}")
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            cursor.execute(f"EXPLAIN {sql}", params)
            lines = [row[0] for row in cursor.fetchall()]
        return "HNSW index scan" if any(INDEX in line for line in lines) else "sequential scan"

    def rerank(self, jobs: list[Any], ef: int) -> None:
        from matching.services import rank_candidates_for_job

        settings.MATCH_HNSW_EF_SEARCH = ef
        for exact in (False, True):
            ms, pool = [], []
            for job in jobs:
                t = time.perf_counter()
                _, passed = rank_candidates_for_job(job, exact=exact)
                ms.append(1000 * (time.perf_counter() - t))
                pool.append(len(passed))
            self.say(
                f"full top-N for a job ({'exact' if exact else 'HNSW'} retrieval K="
                f"{settings.MATCH_RETRIEVAL_K} + skill union + hybrid re-rank of "
                f"~{statistics.mean(pool):.0f} candidates): p50 {pct(ms, 50):.0f} ms, "
                f"p95 {pct(ms, 95):.0f} ms"
            )

    def run(self, options: dict[str, Any]) -> None:
        jobs, model_id = self.load(options)
        self.retrieval(jobs, model_id, options["k"], options["ef"])
        self.say("")
        self.rerank(jobs[: options["rerank_jobs"]], max(options["ef"]))
