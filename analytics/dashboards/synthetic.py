"""Synthetic hiring histories for `bench_analytics`, generated inside PostgreSQL.

A million applications cannot go through the ORM (nor through Python one row at a time), so
only the few thousand rows with real workflow behind them (companies, recruiters, pipelines,
jobs) are made by the ORM and services; candidates, applications, their stage histories and
job views are each one `INSERT ... SELECT` over `generate_series` and `random()`:

- companies have Zipf-distributed sizes (`sizes`), jobs about 200 applications each, one job
  in ten its own pipeline (`copy_pipeline_to_job`);
- an application is made at a uniform time in the last two years with a Beta(2, 3) match
  score, then goes through the open stages: each stay is exponential (`DWELL_DAYS`), after it
  the application advances with `ADVANCE[i] * (0.6 + 0.8 * score)` (higher scores advance a
  little more often), else it ends rejected (88 %) or withdrawn by the candidate (12 %); a
  history stops at the present, so recent applications are still open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, models
from django.db.models.fields import AutoFieldMixin

OPEN_STAGES = ("applied", "screening", "interview", "offer")
ADVANCE = (0.5, 0.45, 0.5, 0.75)  # from each open stage to the next (offer -> hired)
DWELL_DAYS = (4.0, 6.0, 9.0, 5.0)  # mean stay in each open stage
HISTORY_DAYS = 730


@dataclass(frozen=True)
class BenchCompany:
    id: int
    size: int
    job_ids: list[int]


def sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Applications per company: Zipf weights, one company per 5000 applications."""
    n_companies = max(5, n // 5000)
    weights = 1 / np.arange(1, n_companies + 1)
    return np.maximum(rng.multinomial(n, weights / weights.sum()), 1)


def insert_select(model: type[models.Model], exprs: dict[str, str], source: str,
                  params: dict[str, Any] | None = None) -> int:  # fmt: skip
    """`INSERT INTO <model's table> SELECT ...`: the columns in `exprs` get those SQL
    expressions, every other column the value of a default instance of the model."""
    template = model()
    columns, values, binds = [], [], dict(params or {})
    for field in model._meta.concrete_fields:
        if field.column in exprs:
            columns.append(f'"{field.column}"')
            values.append(exprs[field.column])
        elif not isinstance(field, AutoFieldMixin) and field.db_default is models.NOT_PROVIDED:
            key = f"default_{field.column}"
            binds[key] = field.get_db_prep_save(getattr(template, field.attname), connection)
            columns.append(f'"{field.column}"')
            values.append(f"%({key})s")
    # Names from the model, SQL from this module, values bound.
    table, names, selected = model._meta.db_table, ", ".join(columns), ", ".join(values)
    sql = f"INSERT INTO {table} ({names}) SELECT {selected} FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, binds)
        return cursor.rowcount


def make_companies(size_list: np.ndarray, rng: np.random.Generator,
                   now: dt.datetime) -> list[BenchCompany]:  # fmt: skip
    """Companies, their recruiters, pipelines and jobs, through the ORM and the services."""
    from accounts.models import Company, Membership, User
    from applications.services import copy_pipeline_to_job, ensure_company_pipeline
    from jobs.models import Job

    companies = []
    for c, size in enumerate(size_list):
        company = Company.objects.create(name=f"Bench {c}", slug=f"bench-{c}")
        recruiters = User.objects.bulk_create(
            User(email=f"r{c}-{k}@bench.test", password="!",
                 role=User.Role.RECRUITER, first_name=f"R{k}")
            for k in range(int(rng.integers(2, 9)))
        )  # fmt: skip
        Membership.objects.bulk_create(Membership(user=u, company=company) for u in recruiters)
        ensure_company_pipeline(company=company)
        jobs = Job.objects.bulk_create(
            Job(company=company, title=f"Job {c}-{j}", description="Synthetic.",
                status=Job.Status.OPEN, published_at=now - dt.timedelta(days=HISTORY_DAYS))
            for j in range(max(3, int(size) // 200))
        )  # fmt: skip
        for job in jobs:
            if rng.random() < 0.1:
                copy_pipeline_to_job(job=job)
        companies.append(BenchCompany(company.pk, int(size), [j.pk for j in jobs]))
    return companies


def plan_jobs(companies: list[BenchCompany], n_candidates: int, rng: np.random.Generator) -> None:
    """`bench_job`: how many applications each job gets, and where its candidates start."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_job (job_id bigint, company_id bigint, n int, first int)"
        )
        with cursor.cursor.copy("COPY bench_job FROM STDIN") as copy:
            for company in companies:
                per_job = rng.multinomial(
                    company.size, np.ones(len(company.job_ids)) / len(company.job_ids)
                )
                for job_id, k in zip(company.job_ids, per_job, strict=True):
                    start = int(rng.integers(0, n_candidates))
                    copy.write_row((job_id, company.id, min(int(k), n_candidates), start))


def make_candidates(n: int, now: dt.datetime) -> tuple[int, int]:
    """n candidate users with consecutive ids: (first id, count)."""
    from accounts.models import User

    insert_select(
        User,
        {"email": "'c' || g || '@bench.test'", "role": "'candidate'", "password": "'!'",
         "date_joined": "%(now)s"},
        "generate_series(1, %(n)s) g",
        {"n": n, "now": now},
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), count(*) FROM accounts_user WHERE role = 'candidate'"
            " AND email LIKE '%%@bench.test'"
        )
        first, count = cursor.fetchone()
    assert count == n and first is not None
    return first, count


# Each job's stages by slug (its own pipeline or the company's), and each company's team.
LOOKUPS = """
CREATE TEMP TABLE bench_stage AS
SELECT j.id AS job_id, st.slug, st.id AS stage_id
FROM jobs_job j
JOIN applications_pipelinestage st ON st.company_id = j.company_id
 AND (st.job_id = j.id OR (st.job_id IS NULL AND NOT EXISTS (
      SELECT 1 FROM applications_pipelinestage own WHERE own.job_id = j.id)));
CREATE UNIQUE INDEX ON bench_stage (job_id, slug);
CREATE TEMP TABLE bench_team AS
SELECT company_id, (row_number() OVER (PARTITION BY company_id ORDER BY user_id) - 1)::int AS k,
       user_id, count(*) OVER (PARTITION BY company_id)::int AS size
FROM accounts_membership;
CREATE UNIQUE INDEX ON bench_team (company_id, k);
"""

# One row per application with its whole path drawn at once: the time of each step (d1..d4,
# cumulative), whether it advanced (a1..a4), withdrawn or rejected when it did not, the
# recruiters making the moves. `last` is the step its history stops at (0 = applied).
PATHS = """
CREATE TEMP TABLE bench_draw AS
SELECT gen_random_uuid() AS id, j.job_id, j.company_id,
       %(first)s + (j.first + g) %% %(candidates)s AS candidate_id,
       %(now)s - random() * %(days)s * interval '1 day' AS created,
       -ln(1 - random()) - ln(1 - random()) AS gx,
       -ln(1 - random()) - ln(1 - random()) - ln(1 - random()) AS gy,
       -ln(1 - random()) * %(dwell1)s AS d1, -ln(1 - random()) * %(dwell2)s AS d2,
       -ln(1 - random()) * %(dwell3)s AS d3, -ln(1 - random()) * %(dwell4)s AS d4,
       random() AS u1, random() AS u2, random() AS u3, random() AS u4,
       random() < 0.12 AS withdraws,
       random() AS p1, random() AS p2, random() AS p3, random() AS p4,
       (ARRAY['direct', 'direct', 'career_site', 'job_board', 'referral', 'sourced'])
           [1 + floor(random() * 6)::int] AS source
FROM bench_job j, generate_series(1, j.n) g;

CREATE TEMP TABLE bench_path AS
WITH scored AS (
    SELECT d.*, round((gx / (gx + gy))::numeric, 4)::float AS score,
           created + d1 * interval '1 day' AS at1,
           created + (d1 + d2) * interval '1 day' AS at2,
           created + (d1 + d2 + d3) * interval '1 day' AS at3,
           created + (d1 + d2 + d3 + d4) * interval '1 day' AS at4
    FROM bench_draw d
), decided AS (
    SELECT s.*,
           u1 < %(adv1)s * (0.6 + 0.8 * score) AS a1, u2 < %(adv2)s * (0.6 + 0.8 * score) AS a2,
           u3 < %(adv3)s * (0.6 + 0.8 * score) AS a3, u4 < %(adv4)s * (0.6 + 0.8 * score) AS a4,
           CASE WHEN withdraws THEN 'withdrawn' ELSE 'rejected' END AS fail
    FROM scored s
)
SELECT d.*,
       CASE WHEN at1 > %(now)s THEN 0 WHEN NOT a1 OR at2 > %(now)s THEN 1
            WHEN NOT a2 OR at3 > %(now)s THEN 2 WHEN NOT a3 OR at4 > %(now)s THEN 3
            ELSE 4 END AS last,
       CASE WHEN a1 THEN 'screening' ELSE fail END AS s1,
       CASE WHEN a2 THEN 'interview' ELSE fail END AS s2,
       CASE WHEN a3 THEN 'offer' ELSE fail END AS s3,
       CASE WHEN a4 THEN 'hired' ELSE fail END AS s4,
       (SELECT size FROM bench_team t WHERE t.company_id = d.company_id AND t.k = 0) AS team
FROM decided d;

CREATE TEMP TABLE bench_step AS
SELECT p.id, p.job_id, p.company_id, p.candidate_id, v.i, v.from_slug, v.to_slug, v.at,
       CASE WHEN v.i = 0 OR v.to_slug = 'withdrawn' THEN NULL
            ELSE floor(v.pick * p.team)::int END AS pick
FROM bench_path p
CROSS JOIN LATERAL (VALUES
    (0, NULL, 'applied', p.created, 0.0),
    (1, 'applied', p.s1, p.at1, p.p1),
    (2, p.s1, p.s2, p.at2, p.p2),
    (3, p.s2, p.s3, p.at3, p.p3),
    (4, p.s3, p.s4, p.at4, p.p4)
) AS v(i, from_slug, to_slug, at, pick)
WHERE v.i <= p.last;
"""

APPLICATIONS_FROM = """
bench_path p
JOIN bench_step last ON last.id = p.id AND last.i = p.last
JOIN bench_stage st ON st.job_id = p.job_id AND st.slug = last.to_slug
"""

CHANGES_FROM = """
bench_step s
JOIN bench_stage tst ON tst.job_id = s.job_id AND tst.slug = s.to_slug
LEFT JOIN bench_stage fst ON fst.job_id = s.job_id AND fst.slug = s.from_slug
LEFT JOIN bench_team t ON t.company_id = s.company_id AND t.k = s.pick
"""


def make_histories(first_candidate: int, n_candidates: int, now: dt.datetime,
                   views_per_application: int,
                   step: Callable[[str], AbstractContextManager]) -> dict[str, int]:  # fmt: skip
    """Applications, stage changes and job views for the planned jobs: counts made. Each
    statement runs inside `step(what)` (the benchmark prints how long it took)."""
    from analytics.models import Event
    from applications.models import Application, StageChange

    params: dict[str, Any] = {"first": first_candidate, "candidates": n_candidates, "now": now,
                              "days": HISTORY_DAYS}  # fmt: skip
    params |= {f"dwell{i + 1}": d for i, d in enumerate(DWELL_DAYS)}
    params |= {f"adv{i + 1}": a for i, a in enumerate(ADVANCE)}
    with step("stage and team lookups, drawn paths"), connection.cursor() as cursor:
        cursor.execute(LOOKUPS)
        for statement in PATHS.split(";\n\n"):
            cursor.execute(statement, params)
    counts = {}
    with step("applications"):
        counts["applications"] = insert_select(
            Application,
            {"id": "p.id", "job_id": "p.job_id", "candidate_id": "p.candidate_id",
             "stage_id": "st.stage_id", "match_score": "p.score", "created_at": "p.created",
             "source": "p.source",
             "updated_at": "last.at", "stage_changed_at": "last.at"},
            APPLICATIONS_FROM,
        )  # fmt: skip
    with step("stage changes"):
        counts["stage changes"] = insert_select(
            StageChange,
            {"application_id": "s.id", "from_stage_id": "fst.stage_id",
             "to_stage_id": "tst.stage_id", "by_id": "coalesce(t.user_id, s.candidate_id)",
             "created_at": "s.at"},
            CHANGES_FROM,
        )  # fmt: skip
    with step("job.viewed events"):
        counts["job.viewed events"] = insert_select(
            Event,
            {"kind": "'job.viewed'", "company_id": "j.company_id", "subject_type": "'jobs.job'",
             "subject_id": "j.job_id::text",
             "created_at": "%(now)s - random() * %(days)s * interval '1 day'"},
            "bench_job j, generate_series(1, j.n * %(views)s) g",
            {"now": now, "days": HISTORY_DAYS, "views": views_per_application},
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_draw, bench_path, bench_step, bench_stage, bench_team")
    return counts
