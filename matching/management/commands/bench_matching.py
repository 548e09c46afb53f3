"""Benchmark retrieval (pgvector HNSW vs exact) and the full re-rank on synthetic candidates.

Runs in its own database (created like a test database and dropped afterwards, never the live
data): N synthetic profiles (`matching.bench`, loaded with COPY, also into retrieval's narrow
`matching_candidatevector` table) whose vectors perturb real embeddings, J open jobs. Prints
the HNSW build times and the tables' sizes; per group (unfiltered, and country filters of ~10 %,
~5 % and ~1 %): p50/p95 of exact top-k over the wide profile rows (the old path) and over the
narrow table, then the service's search (`candidate_vector_ids`: HNSW at each ef_search, or
exact when the filter is selective) with recall@k against exact and its ratios to both exact
times (`--wide`: the old HNSW path on the profile rows too); and "top candidates for a job"
(retrieval + skill union + hybrid re-rank + explanations of the kept), split into phases, for
a top-50 configuration, beside the scalar re-rank of the same pools and the 30 ms target. The
load average is printed with every section: the machine is shared.
"""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandParser
from django.db import connection

from config.bench import BenchmarkCommand
from matching import bench, bench_load, bench_vectors
from matching.bench_load import load_average
from matching.management.commands.vector_indexes import add_build_arguments

TARGET_MS = 30.0


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


class Command(BenchmarkCommand):
    database_suffix = "matching"

    help = "Benchmark pgvector HNSW vs exact retrieval and the hybrid re-rank on synthetic data."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--candidates", "--profiles", dest="candidates", type=int, default=20000
        )
        parser.add_argument(
            "--jobs", type=int, default=30, help="postings (x4 jobs: remote + 3 countries)"
        )
        parser.add_argument("--queries", type=int, default=30, help="jobs per retrieval group")
        parser.add_argument("--rerank-jobs", type=int, default=30, help="jobs per re-rank group")
        parser.add_argument("--k", type=int, default=50, help="top k retrieved and kept")
        parser.add_argument("--ef", type=int, nargs="*", default=[100, 200, 400])
        parser.add_argument(
            "--rerank-ef", type=int, default=settings.MATCH_HNSW_EF_SEARCH, help="end to end"
        )
        parser.add_argument(
            "--probe-share",
            type=float,
            nargs="*",
            default=[0.015, settings.MATCH_IVF_PROBE_SHARE, 0.025],
            help="with the table's IVF index: shares of its lists read (MATCH_IVF_PROBE_SHARE)",
        )
        parser.add_argument(
            "--rerank-probe-share",
            type=float,
            default=settings.MATCH_IVF_PROBE_SHARE,
            help="end to end",
        )
        parser.add_argument(
            "--vectors",
            choices=["composed", "blobs", "random"],
            default="composed",
            help="composed from embedded text parts (matching.bench.Composer), role vectors "
            "plus isotropic noise, or uniform unit vectors",
        )
        parser.add_argument(
            "--residual-scale",
            type=float,
            default=bench_vectors.RESIDUAL_SCALE,
            help="composed vectors: share of a text-specific residual added (0: none)",
        )
        parser.add_argument(
            "--rare-skills", type=int, default=bench.RARE_SKILLS, help="taxonomy skills sampled"
        )
        parser.add_argument(
            "--activities",
            type=int,
            default=bench_vectors.ACTIVITIES,
            help="ESCO activities sampled",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="measure the database an earlier run kept (--keepdb) instead of loading one",
        )
        parser.add_argument(
            "--wide",
            action="store_true",
            help="also build the HNSW index on the wide profile rows and time the old path",
        )
        add_build_arguments(parser)  # --country-index-rows, --maintenance-work-mem
        parser.add_argument(
            "--country-indexes",
            action="store_true",
            help="with --reuse: build the missing partial country indexes (and from "
            "IVF_MIN_ROWS profiles the table's IVF index) first",
        )
        parser.add_argument("--skip-retrieval", action="store_true")
        parser.add_argument("--load-only", action="store_true", help="with --keepdb: load, stop")
        parser.add_argument(
            "--scalar",
            action="store_true",
            help="also store the JSON experience vectors and time the scalar re-rank beside",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # One database per size, so a kept 100k and a kept 1M can be measured again in turn.
        self.database_suffix = f"matching_{options['candidates']}"
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
            jobs = list(
                Job.objects.filter(company__slug="bench").select_related("company").order_by("pk")
            )
            model_id = jobs[0].embedding_model
            self.say(f"reusing {connection.settings_dict['NAME']}: {len(jobs)} jobs")
            if options["country_indexes"]:
                if options["candidates"] >= bench_load.IVF_MIN_ROWS:
                    bench_load.partition_index(options, self.say)
                bench_load.country_indexes(options, self.say)
        else:
            jobs, model_id = bench_load.load(options, self.say)
            if options["load_only"]:
                return
        self.exact_ms: dict[str, list[float]] = {}
        if not options["skip_retrieval"]:
            self.retrieval(jobs, model_id, options)
        self.rerank(jobs, options)

    # --- retrieval ---------------------------------------------------------------------

    def groups(self, jobs: list[Any]) -> dict[str, list[Any]]:
        found = {"unfiltered (remote jobs)": [j for j in jobs if not j.country]}
        for code, share in bench.FILTER_COUNTRIES.items():
            found[f"filtered (hybrid jobs in {code}: {share})"] = [
                j for j in jobs if j.country == code
            ]
        return found

    def retrieval(self, jobs: list[Any], model_id: str, options: dict[str, Any]) -> None:
        """Per group: exact top-k over the wide profile rows (the old path) and over the narrow
        table (the truth for recall), then the service's search (`candidate_vector_ids`: HNSW
        at each ef_search, or exact when the filter is selective), and with `--wide` the old
        HNSW path; each beside the exact times of the same run."""
        from matching.services import candidate_pool, vector_ids
        from matching.services.indexes import IVF_PARTS, indexed_countries, ivf_lists, ivf_probes
        from matching.services.retrieval import (
            OVERFETCH,
            candidate_vector_ids,
            estimated_rows,
        )

        k = options["k"]
        with connection.cursor() as cursor:
            indexed = indexed_countries(cursor, fresh=True)
            lists = ivf_lists(cursor, fresh=True)
        for label, group in self.groups(jobs).items():
            group = group[: options["queries"]]
            pools = [
                candidate_pool(j).filter(embedding__isnull=False, embedding_model=model_id)
                for j in group
            ]
            rows = pools[0].count()
            wide_ms, exact_ids, exact_ms, agree = [], [], [], []
            for job, pool in zip(group, pools, strict=True):
                t = time.perf_counter()
                wide = vector_ids(pool, job.embedding, k, exact=True)
                wide_ms.append(1000 * (time.perf_counter() - t))
                t = time.perf_counter()
                exact_ids.append(candidate_vector_ids(job, k, exact=True)[0])
                exact_ms.append(1000 * (time.perf_counter() - t))
                agree.append(len(set(wide) & set(exact_ids[-1])) / max(len(wide), 1))
            self.exact_ms[label] = exact_ms
            self.say(
                f"\n{label}, {rows} rows in the pool; {load_average()}\n"
                f"  exact top-{k}, wide profile rows (the old path): p50 {pct(wide_ms, 50):.1f} "
                f"ms, p95 {pct(wide_ms, 95):.1f} ms\n"
                f"  exact top-{k}, narrow vector table: p50 {pct(exact_ms, 50):.1f} ms, p95 "
                f"{pct(exact_ms, 95):.1f} ms (wide / narrow p50 "
                f"{pct(wide_ms, 50) / pct(exact_ms, 50):.1f}x; same ids: "
                f"{statistics.mean(agree):.3f})"
            )
            measured = [("service", candidate_vector_ids, True)]
            if lists and not indexed & {group[0].country}:
                # The peer of the parts searched at once: the same statements one after the
                # other on one connection (MATCH_PARALLEL_SEARCH off), at the default share.
                one = "service, the parts one after the other on one connection"
                measured.append((one, candidate_vector_ids, False))
            if options["wide"]:
                measured.append(("old path, HNSW on the wide rows", None, True))
            share, at_once = settings.MATCH_IVF_PROBE_SHARE, settings.MATCH_PARALLEL_SEARCH
            at_once_ms: list[float] = []
            for name, search, parallel in measured:
                # The service's search through the table's IVF index, when it has one, at
                # each probe share; a graph (the table's, a country's, the wide rows') at each
                # ef_search.
                ivf = bool(lists) and search is not None
                settings.MATCH_PARALLEL_SEARCH = "on" if parallel else "off"
                shares = options["probe_share"] if parallel else [share]
                for ef in shares if ivf else options["ef"]:
                    if ivf:
                        settings.MATCH_IVF_PROBE_SHARE = ef
                    else:
                        settings.MATCH_HNSW_EF_SEARCH = ef
                    ms, recalls, found, exact_used = [], [], [], False
                    for job, pool, truth in zip(group, pools, exact_ids, strict=True):
                        t = time.perf_counter()
                        if search is None:
                            got = vector_ids(pool, job.embedding, k, exact=False)
                        else:
                            got, exact_used = search(job, k)
                        ms.append(1000 * (time.perf_counter() - t))
                        if search is None:
                            exact_used = estimated_rows(pool) <= settings.MATCH_EXACT_MAX_ROWS
                        recalls.append(len(set(got) & set(truth)) / max(len(truth), 1))
                        found.append(len(got))
                    own = search and group[0].country in indexed
                    if not parallel and (exact_used or own):
                        break  # no parts searched: nothing to compare
                    # A country's own index is searched at its own breadth, whatever --ef says.
                    breadth = settings.MATCH_HNSW_COUNTRY_EF_SEARCH if own else ef
                    how = (
                        f"exact on the filtered rows (estimate <= {settings.MATCH_EXACT_MAX_ROWS})"
                        if exact_used
                        else f"HNSW{' (the country index)' if own else ''} ef_search="
                        f"{max(breadth, OVERFETCH * k)}, {OVERFETCH}x over-fetch"
                        if own or not ivf
                        else f"IVF ({IVF_PARTS} parts of {lists} lists) {ivf_probes(lists)} "
                        f"probed in each (share {ef}), {OVERFETCH}x over-fetch"
                    )
                    peer = ""
                    if ivf and parallel and ef == share:
                        at_once_ms = ms
                    elif ivf and not parallel and at_once_ms:
                        ratio = pct(ms, 50) / pct(at_once_ms, 50)
                        peer = f", this / the parts at once (p50) {ratio:.2f}x"
                    self.say(
                        f"  {name}, {how}: "
                        + self.figures(ms, recalls, found, exact_ms, k)
                        + f", exact on the wide rows / this {pct(wide_ms, 50) / pct(ms, 50):.1f}x"
                        + peer
                    )
                    if exact_used or own:
                        break  # --ef plays no part
            settings.MATCH_PARALLEL_SEARCH = at_once

    def figures(self, ms, recalls, found, exact_ms, k) -> str:
        return (
            f"p50 {pct(ms, 50):.1f} ms, p95 {pct(ms, 95):.1f} ms, recall@{k} "
            f"{statistics.mean(recalls):.3f} (min {min(recalls):.2f}, "
            f"{statistics.mean(found):.0f} rows returned), exact narrow / this (p50) "
            f"{pct(exact_ms, 50) / pct(ms, 50):.1f}x, p95 / {TARGET_MS:.0f} ms "
            f"{pct(ms, 95) / TARGET_MS:.2f}"
        )

    # --- re-rank -----------------------------------------------------------------------

    def rerank(self, jobs: list[Any], options: dict[str, Any]) -> None:
        from matching.services import rank_candidates_for_job
        from matching.services.indexes import IVF_PARTS, ivf_lists, ivf_probes

        settings.MATCH_HNSW_EF_SEARCH = options["rerank_ef"]
        settings.MATCH_IVF_PROBE_SHARE = options["rerank_probe_share"]
        with connection.cursor() as cursor:
            lists = ivf_lists(cursor, fresh=True)
        search = (
            f"IVF {ivf_probes(lists)} of {lists} lists in each of {IVF_PARTS} parts"
            if lists
            else f"HNSW ef_search={options['rerank_ef']}"
        )
        settings.MATCH_RETRIEVAL_K = settings.MATCH_KEEP_TOP_N = options["k"]
        # Once per process (skill taxonomy, regexes, numpy): not part of any ranking's cost.
        rank_candidates_for_job(jobs[0])
        # Then what a worker process does at start (`config.celery`): what it loaded leaves
        # the collector's generations (a full collection walks ~139k objects otherwise).
        gc.collect()
        gc.freeze()
        groups = self.groups(jobs)
        for label in [next(iter(groups)), "filtered (hybrid jobs in PT: ~5%)"]:
            group = groups[label][: options["rerank_jobs"]]
            self.say(
                f"\ntop {options['k']} candidates for a job, {label}: retrieval ({search} or a "
                f"country's HNSW, K={options['k']}, or exact when selective, + required-skill "
                "union) + full hybrid re-rank, + explanations of the kept"
            )
            # Cold: the facts cache emptied before each job (every candidate's stored facts
            # parsed: a worker meets most of a million profiles for the first time); warm:
            # every candidate of the group already held (the cold pass held one job's at a
            # time, so the group is ranked once more, untimed, first).
            for cold in (True, False):
                if not cold:
                    for job in group:
                        rank_candidates_for_job(job)
                self.rerank_pass(group, label, cold=cold, scalar=options["scalar"])

    def rerank_pass(self, jobs: list[Any], label: str, *, cold: bool, scalar: bool) -> None:
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
            if cold and scalar:
                scalar_ms.append(self.scalar_rank_ms(job))
        self.say(f" {'cold' if cold else 'warm'} facts cache; {load_average()}")
        for name, values in phases.items():
            self.say(f"  {name:>9}: p50 {pct(values, 50):6.1f} ms, p95 {pct(values, 95):6.1f} ms")
        ranked = [
            sum(phases[p][i] for p in ("retrieval", "load", "score")) for i in range(len(jobs))
        ]
        exact = pct(self.exact_ms.get(label, []), 50)
        versus = f", exact vector search alone (p50) / this {exact / pct(ranked, 50):.1f}x"
        self.say(
            f"  ranked (retrieval + load + score of ~{statistics.mean(pools):.0f} candidates): "
            f"p50 {pct(ranked, 50):.1f} ms, p95 {pct(ranked, 95):.1f} ms (p95 / {TARGET_MS:.0f} "
            f"ms target: {pct(ranked, 95) / TARGET_MS:.2f}{versus if exact == exact else ''})"
        )
        if scalar_ms:
            rerank = [sum(phases[p][i] for p in ("load", "score")) for i in range(len(jobs))]
            self.say(
                f"  the scalar scorer on the same pools: p50 {pct(scalar_ms, 50):.1f} ms "
                f"({pct(scalar_ms, 50) / pct(rerank, 50):.1f}x the vectorised load + score)"
            )
        self.say(
            f"  with the explanations: p50 {pct(totals, 50):.1f} ms, p95 {pct(totals, 95):.1f} ms "
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
