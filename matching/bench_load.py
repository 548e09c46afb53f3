"""Synthetic data for bench_matching: profiles, vectors and jobs loaded by binary COPY into the
benchmark's own database, then the HNSW indexes built and timed (`matching.bench` generates)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from django.db import connection

from matching import bench
from matching.embeddings import get_embedder
from matching.services.indexes import (
    HNSW_PARAMETERS,
    IVF_INDEX,
    IVF_MIN_ROWS,
    IVF_PARTS,
    build_settings,
    ensure_partition_index,
    ivf_index,
)

INDEX = "matching_profile_embedding_hnsw"  # on the wide profile rows (the old retrieval path)
NARROW_INDEX = "matching_candidatevector_hnsw"  # on the narrow vector table (migration 0006)
TABLES = [
    "resumes_candidateprofile", "matching_profilevectors", "matching_experiencevector",
    "matching_candidatevector", "matching_candidateskill",
]  # fmt: skip
NARROW_COLUMNS = [
    "profile_id", "embedding_model", "remote_only", "work_authorization", "country", "embedding",
]  # fmt: skip
PROFILE_COLUMNS = [
    "id", "user_id", "headline", "summary", "skills", "country", "city", "years_of_experience",
    "desired_salary_min", "desired_salary_currency", "desired_salary_period", "languages",
    "educations", "experiences", "remote_preference", "work_authorization", "embedding",
    "embedding_model",
]  # fmt: skip
VECTOR_COLUMNS = ["id", "profile_id", "model_id", "experience_vectors", "texts_hash"]
ENTRY_COLUMNS = ["vectors_id", "position", "embedding"]


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def load(options: dict[str, Any], say: Callable[[str], None]) -> tuple[list[Any], str]:
    from accounts.models import Company, User
    from matching.models import ExperienceVector, ProfileVectors
    from resumes.models import CandidateProfile
    from resumes.skills import all_skills

    n = options["candidates"]
    embedder = get_embedder()
    bases = bench.role_vectors(embedder)
    known = {s.slug for s in all_skills()}
    composer = None
    if options["vectors"] == "composed":
        started = time.monotonic()
        composer = bench.composer_for(
            embedder, known, rare=options["rare_skills"], activities=options["activities"]
        )
        composer.residual_scale = options["residual_scale"]
        mean, low = composer.fidelity
        kind = (
            f"composed from the embeddings of their texts' parts ({len(bench.ROLES)} roles, "
            f"{len(composer.skills)} skills, {len(composer.activities)} activities; "
            f"{embedder.model_id}; built in {time.monotonic() - started:.0f} s): cosine to the "
            f"real embedding of the same profile text {mean:.3f} mean, {low:.3f} 5th "
            f"percentile (two profiles' real embeddings: {composer.random_pair:.3f}); plus "
            f"{composer.residual_scale} x a residual drawn with the fit's covariance: cosine "
            f"to the real embedding {composer.fidelity_with_residual:.3f}"
        )
    elif options["vectors"] == "blobs":
        kind = f"embeddings of {len(bench.ROLES)} role texts + isotropic noise (sigma 0.03)"
    else:
        kind = "uniform random unit vectors"
    say(f"{n} synthetic candidates, vectors {kind}; {load_average()}")
    model_id = embedder.model_id
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        cursor.execute(f"DROP INDEX IF EXISTS {NARROW_INDEX}")
        for name in (IVF_INDEX, *map(ivf_index, range(IVF_PARTS))):
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
        first = cursor.fetchone()[0] + 1
    started = time.monotonic()
    tables = ["accounts_user", *TABLES]
    json_vectors = options["scalar"]
    with bench.bulk_load(tables, maintenance_work_mem=options["maintenance_work_mem"]) as rebuilt:
        for chunk in bench.chunks(
            n, bases, random_vectors=options["vectors"] == "random", known_skills=known,
            composer=composer, rare=options["rare_skills"],
        ):  # fmt: skip
            ids = range(first + chunk.start, first + chunk.start + len(chunk))
            vectors = bench.vector_bytes(chunk.vectors)
            bench.copy_binary(
                User,
                ["id", "email", "role", "password"],
                ((pk, f"bench{pk}@example.test", User.Role.CANDIDATE, "!") for pk in ids),
            )
            bench.copy_binary(
                CandidateProfile,
                PROFILE_COLUMNS,
                (
                    (
                        pk, pk, chunk.headline[i], chunk.summary[i], chunk.skills[i],
                        chunk.country[i], chunk.city[i], float(chunk.years[i]),
                        int(chunk.salary[i]), bench.CURRENCY.get(chunk.country[i], "EUR"),
                        "year", bench.languages(chunk.country[i]),
                        bench.jsonb([{"degree": chunk.degree[i]}] if chunk.degree[i] else []),
                        bench.jsonb(chunk.experiences[i]), chunk.remote[i],
                        [chunk.country[i]], vectors[i], model_id,
                    )
                    for i, pk in enumerate(ids)
                ),
                raw=["embedding"],
            )  # fmt: skip
            bench.copy_table(
                "matching_candidatevector",
                NARROW_COLUMNS,
                (
                    (
                        pk, model_id, chunk.remote[i] == "remote", [chunk.country[i]],
                        chunk.country[i], vectors[i],
                    )
                    for i, pk in enumerate(ids)
                ),
                raw=["embedding"],
            )  # fmt: skip
            bench.copy_table(
                "matching_candidateskill",
                ["skill", "profile_id", "remote_only", "work_authorization"],
                (
                    (skill, pk, chunk.remote[i] == "remote", [chunk.country[i]])
                    for i, pk in enumerate(ids)
                    for skill in chunk.skills[i]
                ),
            )
            counts = chunk.entry_counts
            bench.copy_binary(
                ProfileVectors,
                VECTOR_COLUMNS,
                (
                    (
                        pk, pk, model_id,
                        bench.jsonb(
                            chunk.entry_vectors[i, : counts[i]].round(6).tolist()
                            if json_vectors else []
                        ),
                        f"{pk:064x}",
                    )
                    for i, pk in enumerate(ids)
                ),
            )  # fmt: skip
            entries = bench.vector_bytes(chunk.entry_vectors.reshape(-1, bases.shape[1]))
            bench.copy_binary(
                ExperienceVector,
                ENTRY_COLUMNS,
                (
                    (pk, j, entries[2 * i + j])
                    for i, pk in enumerate(ids)
                    for j in range(int(counts[i]))
                ),
                raw=["embedding"],
            )
        loaded = time.monotonic() - started
    indexed = time.monotonic() - started - loaded
    with connection.cursor() as cursor:
        for table in ("accounts_user", "resumes_candidateprofile", "matching_profilevectors"):
            cursor.execute(
                # A constant table name from the tuple above.
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) "  # noqa: S608
                f"FROM {table}"
            )
    say(
        f"generated and loaded with binary COPY in {loaded:.1f} s "
        f"({n / max(loaded, 1e-9):.0f} profiles/s); {len(rebuilt)} secondary indexes "
        f"rebuilt after the load in {indexed:.1f} s; {load_average()}"
    )
    build_index(options, say)

    company = Company.objects.create(name="Bench", slug="bench")
    jobs = make_jobs(
        company, bases, known, model_id, options["jobs"], embedder if composer else None
    )
    return jobs, model_id


def build_index(options: dict[str, Any], say: Callable[[str], None]) -> None:
    """The narrow table's vector index (the service's: its HNSW graph, or from `IVF_MIN_ROWS`
    rows its IVF index), and with `--wide` the old HNSW one on the profile rows; each timed,
    with the tables' sizes."""
    statements = []
    if options["candidates"] < IVF_MIN_ROWS:
        statements.append(
            (
                "narrow vector table, half precision",
                NARROW_INDEX,
                f"CREATE INDEX {NARROW_INDEX} ON matching_candidatevector USING hnsw "
                "((embedding::halfvec(384)) halfvec_cosine_ops) "
                f"WITH ({HNSW_PARAMETERS})",
            )
        )
    if options["wide"]:
        statements.append(
            (
                "wide profile rows",
                INDEX,
                f"CREATE INDEX {INDEX} ON resumes_candidateprofile "
                f"USING hnsw (embedding vector_cosine_ops) WITH ({HNSW_PARAMETERS})",
            )
        )
    for label, name, statement in statements:
        started = time.monotonic()
        with connection.cursor() as cursor, build_settings(cursor, options["maintenance_work_mem"]):
            cursor.execute(statement)
        say(
            f"HNSW index on the {label} ({HNSW_PARAMETERS}, maintenance_work_mem="
            f"{options['maintenance_work_mem']}, 2 parallel workers): built in "
            f"{time.monotonic() - started:.1f} s, {index_size(name)}; {load_average()}"
        )
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    if options["candidates"] >= IVF_MIN_ROWS:
        partition_index(options, say)
    country_indexes(options, say)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_size_pretty(pg_table_size(oid)), "
            "pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
            "WHERE relname = ANY(%s) ORDER BY relname",
            [TABLES],
        )
        sizes = "; ".join(f"{t} {own} ({total} with indexes)" for t, own, total in cursor)
    say(f"tables (with TOAST): {sizes}")


def partition_index(options: dict[str, Any], say: Callable[[str], None]) -> None:
    """The table's IVF index (`ensure_partition_index`), timed."""
    started = time.monotonic()
    with connection.cursor() as cursor, build_settings(cursor, options["maintenance_work_mem"]):
        lists = ensure_partition_index(min_rows=IVF_MIN_ROWS)
    say(
        f"IVF index on the narrow vector table ({IVF_PARTS} parts of {lists} lists, normalised "
        f"half precision, maintenance_work_mem={options['maintenance_work_mem']}, 2 parallel "
        f"workers): built or kept in {time.monotonic() - started:.1f} s, "
        + " + ".join(index_size(ivf_index(part)) for part in range(IVF_PARTS))
        + f"; {load_average()}"
    )


def index_size(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s))", [name])
        return cursor.fetchone()[0]


def country_indexes(options: dict[str, Any], say: Callable[[str], None]) -> None:
    from matching.services.indexes import COUNTRY_INDEX_PREFIX, ensure_country_indexes

    started = time.monotonic()
    with connection.cursor() as cursor:
        with build_settings(cursor, options["maintenance_work_mem"]):
            created = ensure_country_indexes(min_rows=options["country_index_rows"])
        cursor.execute(
            "SELECT coalesce(pg_size_pretty(sum(pg_relation_size(indexrelid))), '0') "
            "FROM pg_stat_user_indexes WHERE indexrelname LIKE %s",
            [COUNTRY_INDEX_PREFIX + "%"],
        )
        [size] = cursor.fetchone()
    say(
        f"partial HNSW indexes for the countries with >= {options['country_index_rows']} "
        f"on-site candidates ({', '.join(created) or 'none'}): built in "
        f"{time.monotonic() - started:.1f} s, {size} in all; {load_average()}"
    )


def make_jobs(company, bases, known, model_id, count, embedder=None) -> list[Any]:
    """`count` postings, each as a remote job open to every country (an unfiltered pool)
    and as a hybrid job in each filter country (its work-authorization filter keeps
    ~10 %, ~5 % or ~1 % of the profiles). With an `embedder`, each posting's text (title,
    description with its skills) is embedded for real; without, its role's vector gets the
    blobs' noise."""
    from jobs.models import Job
    from matching.adapters import job_facts
    from resumes.skills import get_skill

    rng = np.random.default_rng(11)
    roles = list(bench.ROLES.items())
    jobs = []
    for _ in range(count):
        r = int(rng.integers(0, len(roles)))
        text, skills = roles[r]
        skills = [s for s in skills if s in known]
        low = int(rng.integers(1, 6))
        vector = bench.perturb(bases[r], rng, 0.03).tolist()
        title = text.split(" with ")[0][:80]
        if embedder is not None:
            text = f"{text}. Must know {', '.join(get_skill(s).name for s in skills)}."
        seniority = str(rng.choice(["junior", "mid", "senior"]))
        top = int(rng.integers(70, 130)) * 1000
        education = str(rng.choice(["none", "bachelor"]))
        for country in ["", *bench.FILTER_COUNTRIES]:
            jobs.append(
                Job(
                    company=company, title=title, description=text,
                    country=country, city=bench.CITIES[country][0] if country else "",
                    workplace=Job.Workplace.HYBRID if country else Job.Workplace.REMOTE,
                    status=Job.Status.OPEN, required_skills=skills[:3],
                    preferred_skills=skills[3:], seniority=seniority, years_min=low,
                    years_max=low + 6, salary_min=60_000, salary_max=top,
                    salary_currency=bench.CURRENCY.get(country, "EUR"), salary_period="year",
                    languages=["en"], education=education, embedding=vector,
                    embedding_model=model_id,
                )
            )  # fmt: skip
    if embedder is not None:  # one posting's jobs share their text
        texts = [job_facts(job).text for job in jobs]
        for job, real in zip(jobs, embedder.embed(texts), strict=True):
            job.embedding = real
    return Job.objects.bulk_create(jobs)
