"""Benchmark the dashboard queries on synthetic hiring histories, in a throwaway database.

    manage.py bench_analytics --applications 100000 [--runs 10] [--without-indexes] [--explain]

Creates its own database (like the test database, dropped afterwards; never the live data),
fills it with companies of Zipf-distributed sizes (one company in 5000 applications), jobs,
recruiters, candidates, applications with realistic stage histories (dwell times, rejections,
withdrawals, hires; higher match scores advance a little more often) and `job.viewed` events,
then prints p50/p95 of each dashboard query and of the whole dashboard page, for the largest
company over 90 and 365 days, one of its jobs, and a median-sized company.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from typing import Any

import numpy as np
from django.core.management.base import CommandParser
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

from analytics.dashboards import queries
from config.bench import BenchmarkCommand

OPEN_STAGES = ("applied", "screening", "interview", "offer")
ADVANCE = (0.5, 0.45, 0.5, 0.75)  # from each open stage to the next (offer -> hired)
DWELL_DAYS = (4.0, 6.0, 9.0, 5.0)  # mean stay in each open stage
HISTORY_DAYS = 730


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _copy(model: type[models.Model], rows: list[dict[str, Any]], template: models.Model) -> None:
    """COPY rows into the model's table: each row's values over a template instance's."""
    fields = [
        f for f in model._meta.concrete_fields
        if not isinstance(f, AutoFieldMixin) and f.db_default is models.NOT_PROVIDED
    ]  # fmt: skip
    base = {f.attname: f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields}
    columns = ", ".join(f'"{f.column}"' for f in fields)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([row.get(f.attname, base[f.attname]) for f in fields])


class Command(BenchmarkCommand):
    database_suffix = "analytics"

    help = "Benchmark the analytics dashboard queries on synthetic data (throwaway database)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--applications", type=int, default=100_000)
        parser.add_argument("--runs", type=int, default=10, help="runs of each query")
        parser.add_argument("--views-per-application", type=int, default=2)
        parser.add_argument("--without-indexes", action="store_true",
                            help="leave out queries.RECOMMENDED_INDEXES")  # fmt: skip
        parser.add_argument("--explain", action="store_true", help="print the query plans")

    def benchmark(self, options: dict[str, Any]) -> None:
        self.rng = np.random.default_rng(8)
        self.draw = random.Random(8)  # scalar draws: much faster than numpy's one by one
        started = time.monotonic()
        scenarios = self.load(options)
        self.say(f"loaded in {time.monotonic() - started:.1f} s")
        self.measure(scenarios, options)

    # --- data --------------------------------------------------------------------------

    def load(self, options: dict[str, Any]) -> list[tuple[str, queries.Filters]]:
        from accounts.models import Company, Membership, User
        from analytics.models import Event
        from applications.models import Application, StageChange
        from applications.services import copy_pipeline_to_job, ensure_company_pipeline
        from jobs.models import Job

        n = options["applications"]
        rng = self.rng
        n_companies = max(5, n // 5000)
        weights = 1 / np.arange(1, n_companies + 1)
        sizes = np.maximum(rng.multinomial(n, weights / weights.sum()), 1)
        n_candidates = max(n // 4, 1000)
        now = timezone.now()

        _copy(User, [{"email": f"c{i}@bench.test"}
                     for i in range(n_candidates)],
              User(role=User.Role.CANDIDATE, password="!", date_joined=now))  # fmt: skip
        first_candidate = User.objects.order_by("pk").values_list("pk", flat=True).first()
        app_rows: list[dict[str, Any]] = []
        change_rows: list[dict[str, Any]] = []
        view_rows: list[dict[str, Any]] = []
        companies: list[tuple[Any, int, list[int]]] = []
        for c, size in enumerate(sizes):
            company = Company.objects.create(name=f"Bench {c}", slug=f"bench-{c}")
            recruiters = User.objects.bulk_create(
                User(email=f"r{c}-{k}@bench.test", password="!",
                     role=User.Role.RECRUITER, first_name=f"R{k}")
                for k in range(int(rng.integers(2, 9)))
            )  # fmt: skip
            Membership.objects.bulk_create(Membership(user=u, company=company) for u in recruiters)
            ensure_company_pipeline(company=company)
            n_jobs = max(3, int(size) // 200)
            jobs = Job.objects.bulk_create(
                Job(company=company, title=f"Job {c}-{j}", description="Synthetic.",
                    status=Job.Status.OPEN, published_at=now - dt.timedelta(days=HISTORY_DAYS))
                for j in range(n_jobs)
            )  # fmt: skip
            stage_ids = {}
            for job in jobs:
                if rng.random() < 0.1:  # some jobs have their own pipeline
                    copy_pipeline_to_job(job=job)
                stages = job.pipeline_stages.all() or company.pipeline_stages.filter(job=None)
                stage_ids[job.pk] = {s.slug: s.pk for s in stages}
            per_job = rng.multinomial(int(size), np.ones(n_jobs) / n_jobs)
            for job, k in zip(jobs, per_job, strict=True):
                k = min(int(k), n_candidates)
                people = rng.choice(n_candidates, size=k, replace=False) + first_candidate
                team = [u.pk for u in recruiters]
                for candidate in people:
                    self.history(
                        job, int(candidate), stage_ids[job.pk], team, now, app_rows, change_rows
                    )
                for _ in range(k * options["views_per_application"]):
                    at = now - dt.timedelta(days=self.draw.random() * HISTORY_DAYS)
                    view_rows.append({"kind": "job.viewed", "company_id": company.pk,
                                      "subject_type": "jobs.job", "subject_id": str(job.pk),
                                      "created_at": at})  # fmt: skip
            companies.append((company, int(size), [j.pk for j in jobs]))
        self.say(
            f"{n_companies} companies (largest {sizes.max()}, median {int(np.median(sizes))} "
            f"applications), {n_candidates} candidates, {len(app_rows)} applications, "
            f"{len(change_rows)} stage changes, {len(view_rows)} job.viewed events"
        )
        _copy(Application, app_rows, Application(stage_id=0, job_id=0, candidate_id=0))
        _copy(StageChange, change_rows, StageChange())
        _copy(Event, view_rows, Event())
        with connection.cursor() as cursor:
            if not options["without_indexes"]:
                for name, sql in queries.RECOMMENDED_INDEXES.items():
                    started = time.monotonic()
                    cursor.execute(sql)
                    self.say(f"index {name}: {time.monotonic() - started:.1f} s")
            cursor.execute("VACUUM ANALYZE")

        companies.sort(key=lambda c: -c[1])
        largest, median = companies[0], companies[len(companies) // 2]
        today = timezone.localdate()

        def window(days: int) -> tuple[dt.date, dt.date]:
            return today - dt.timedelta(days=days - 1), today

        return [
            (f"largest company ({largest[1]} apps), 90 days",
             queries.Filters(largest[0].pk, *window(90))),
            (f"largest company ({largest[1]} apps), 365 days",
             queries.Filters(largest[0].pk, *window(365))),
            ("largest company, one job, 365 days",
             queries.Filters(largest[0].pk, *window(365), job_id=largest[2][0])),
            (f"median company ({median[1]} apps), 90 days",
             queries.Filters(median[0].pk, *window(90))),
        ]  # fmt: skip

    def history(self, job: Any, candidate: int, stages: dict[str, int], recruiters: list[int],
                now: dt.datetime, app_rows: list, change_rows: list) -> None:  # fmt: skip
        rng = self.draw
        created = now - dt.timedelta(days=float(rng.random() * HISTORY_DAYS))
        score = rng.betavariate(2, 3)
        app_id = uuid.uuid4()
        at, frm = created, None
        steps = [("applied", created, candidate)]
        for i in range(len(OPEN_STAGES)):
            at = at + dt.timedelta(days=rng.expovariate(1 / DWELL_DAYS[i]))
            if at > now:
                break
            if rng.random() < ADVANCE[i] * (0.6 + 0.8 * score):
                nxt = OPEN_STAGES[i + 1] if i + 1 < len(OPEN_STAGES) else "hired"
                steps.append((nxt, at, rng.choice(recruiters)))
                if nxt == "hired":
                    break
            else:
                if rng.random() < 0.12:
                    steps.append(("withdrawn", at, candidate))
                else:
                    steps.append(("rejected", at, rng.choice(recruiters)))
                break
        for slug, when, by in steps:
            change_rows.append({
                "application_id": app_id, "from_stage_id": stages[frm] if frm else None,
                "to_stage_id": stages[slug], "by_id": by, "created_at": when,
            })  # fmt: skip
            frm = slug
        app_rows.append({
            "id": app_id, "job_id": job.pk, "candidate_id": candidate, "stage_id": stages[frm],
            "match_score": round(score, 4), "created_at": created, "updated_at": steps[-1][1],
            "stage_changed_at": steps[-1][1],
        })  # fmt: skip

    # --- measurements ------------------------------------------------------------------

    def measure(self, scenarios: list[tuple[str, queries.Filters]], options: dict) -> None:
        runs = options["runs"]
        for label, filters in scenarios:
            self.say(f"\n{label}:")
            pages: list[float] = [0.0] * runs
            for name, query in queries.QUERIES.items():
                query(filters)  # warm the cache once
                ms = []
                for r in range(runs):
                    started = time.perf_counter()
                    query(filters)
                    ms.append(1000 * (time.perf_counter() - started))
                    pages[r] += ms[-1]
                self.say(f"  {name:<20} p50 {pct(ms, 50):7.1f} ms   p95 {pct(ms, 95):7.1f} ms")
            self.say(f"  {'whole dashboard':<20} p50 {pct(pages, 50):7.1f} ms   "
                     f"p95 {pct(pages, 95):7.1f} ms")  # fmt: skip
        if options["explain"]:
            self.explain(scenarios[1][1])

    def explain(self, filters: queries.Filters) -> None:
        params = filters.params() | {"view_event": queries.VIEW_EVENT}
        for name in ("SUMMARY", "FUNNEL", "JOBS", "SCORES", "TIME_TO_HIRE", "TIME_IN_STAGE",
                     "ACTIVITY"):  # fmt: skip
            sql = getattr(queries, f"{name}_SQL")
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) {sql}", params)
                self.say(f"\nEXPLAIN {name}:")
                for (line,) in cursor.fetchall():
                    self.say("  " + line)
