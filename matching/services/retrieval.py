"""Retrieval of a ranking pool: pgvector nearest neighbours (IVF, HNSW or exact) with SQL
filters, united with the lexical matches on required skills.

Candidates are searched in `matching_candidatevector` (migration 0006: one narrow row per
embedded profile, the vector stored inline, the hard-filter columns beside it, kept by triggers
on the profiles), not in the wide profile rows whose TOASTed vectors cost ~15x more to scan.
Unfiltered and broad pools read the table's IVF index once it has `IVF_MIN_ROWS` rows
(`ensure_partition_index`, daily: k-means lists, the nearest `MATCH_IVF_PROBE_SHARE` of them
read in each of its `IVF_PARTS` parts, the parts at once on two connections), before that walk
its HNSW graph; both over-fetched, in half precision, and re-ordered by the full-precision
distance. A job in a country with its own partial HNSW index
(`ensure_country_indexes`: countries between `COUNTRY_INDEX_MIN_ROWS` candidates and
`COUNTRY_INDEX_MAX_SHARE` of the table) walks that graph, which holds its pool's rows alone;
another pool the planner estimates at most `MATCH_EXACT_MAX_ROWS` rows is read exactly through the
work-authorization GIN index. Jobs are few: they are searched in their own table
(`vector_ids`)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Cast
from pgvector.django import CosineDistance, VectorField

from jobs.models import Job
from matching.services import sidecar
from matching.services.indexes import (
    IVF_EXPRESSION,
    IVF_PARTS,
    ONSITE_IN_COUNTRY,
    VECTOR_TABLE,
    Lookups,
    indexed_countries,
    ivf_lists,
    ivf_part,
    ivf_probes,
)
from resumes.models import CandidateProfile

# The approximate scan returns this many times k rows (a filtered scan in relaxed order yields
# them roughly, not exactly, nearest first; the half-precision index orders them to within
# rounding); the k nearest of them by the full-precision distance are kept.
OVERFETCH = 2


def estimated_rows(queryset: QuerySet) -> int:
    """The planner's estimate of the rows a queryset selects (no row is read)."""
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


@lru_cache(maxsize=256)
def _literal(values: tuple[float, ...]) -> str:
    return "[" + ",".join(map(repr, values)) + "]"


def vector_literal(vector: Sequence[float]) -> str:
    """pgvector's text form of a vector. A job's is asked for twice per ranking (the search,
    the pool's cosines) and again at every recompute: formatting 384 floats costs ~0.3 ms,
    finding it again ~20 µs."""
    return _literal(tuple(map(float, vector)))


def vector_ids(queryset: QuerySet, vector: Sequence[float], k: int, *, exact: bool) -> list[int]:
    """Ids of the k nearest rows by cosine distance: HNSW scan, or brute force when exact (and
    for a filtered pool of profiles small enough, `MATCH_EXACT_MAX_ROWS`)."""
    text = vector_literal(vector)
    distance = CosineDistance("embedding", Cast(Value(text), VectorField()))
    if not exact and queryset.model is CandidateProfile and queryset.query.has_filters():
        exact = estimated_rows(queryset) <= settings.MATCH_EXACT_MAX_ROWS
    with transaction.atomic(), connection.cursor() as cursor:
        # Exact: the filter's own indexes may serve (bitmap scans), the vector index may not.
        cursor.execute(search_settings(exact=exact, k=k))
        if exact:
            return list(queryset.order_by(distance, "pk").values_list("pk", flat=True)[:k])
        nearest = queryset.annotate(distance=distance).order_by("distance")
        found = list(nearest.values_list("distance", "pk")[: OVERFETCH * k])
    return [pk for _, pk in sorted(found)[:k]]


def candidate_filter(job: Job, model: str) -> tuple[str, list]:
    """The WHERE clause of `candidate_pool`'s hard filters over the narrow vector table."""
    where, params = ["embedding_model = %s"], [model]
    if job.workplace != Job.Workplace.REMOTE:
        if job.country:
            where.append(ONSITE_IN_COUNTRY)
            params.append(job.country.upper())
        else:
            where.append("NOT remote_only")
    return " AND ".join(where), params


def search_sql(where: str, *, exact: bool, ivf: bool = False) -> str:
    """The narrow table's top-k query for a filter, rows (profile_id, distance) nearest first;
    parameters: the query vector, the filter's and k (exact), or the vector, the filter's, the
    vector, the over-fetch and k. `ivf`: the approximate scan orders by the IVF index's
    expression, not the graph's (the caller adds the part's predicate to `where`)."""
    if exact:
        rows = f"SELECT profile_id, embedding <=> %s::vector AS distance FROM {VECTOR_TABLE}"  # noqa: S608
        return f"{rows} WHERE {where} ORDER BY distance, profile_id LIMIT %s"
    order = (
        f"{IVF_EXPRESSION} <#> l2_normalize(%s::vector)::halfvec(384)"
        if ivf
        else "embedding::halfvec(384) <=> %s::halfvec(384)"
    )
    nearest = (
        "SELECT profile_id, embedding <=> %s::vector AS distance "  # noqa: S608
        f"FROM {VECTOR_TABLE} WHERE {where} ORDER BY {order} LIMIT %s"
    )
    return f"SELECT * FROM ({nearest}) nearest ORDER BY distance, profile_id LIMIT %s"  # noqa: S608


def search_settings(
    *, exact: bool, k: int, ef_search: int | None = None, probes: int | None = None
) -> str:
    """One statement setting, for the transaction, what `search_sql`'s query needs (one round
    trip: on a loaded machine every round trip waits for the server process to be scheduled).
    `ef_search`: the HNSW search breadth (default `MATCH_HNSW_EF_SEARCH`); `probes`: the IVF
    lists read (the IVF index's search)."""
    # Every switch is set both ways: inside a caller's transaction the settings of an earlier
    # search outlive its savepoint, and an exact search after an approximate one would lose
    # its bitmap scan.
    if exact:
        # The filter's GIN index may serve (bitmap scan), the vector index may not.
        values = {"enable_indexscan": "off", "enable_seqscan": "on", "enable_bitmapscan": "on"}
    else:
        ef = ef_search or settings.MATCH_HNSW_EF_SEARCH
        ef = min(max(ef, OVERFETCH * k), 1000)  # pgvector's largest
        values = {
            "hnsw.ef_search": str(int(ef)),
            # Filtered queries keep walking the graph (reading lists) until enough rows pass
            # the filter; the planner would rather read a large filtered pool in full, which
            # costs far more.
            "hnsw.iterative_scan": "relaxed_order",
            "ivfflat.probes": str(int(probes or 1)),
            "ivfflat.iterative_scan": "relaxed_order",
            "enable_indexscan": "on",
            "enable_seqscan": "off",
            "enable_bitmapscan": "off",
        }
    return "SELECT " + ", ".join(f"set_config('{n}', '{v}', true)" for n, v in values.items())


# The planner's row estimate of each filter: it changes only when the table is analysed, and
# asking costs a round trip and a planning per query.
_estimates = Lookups()


def estimated_pool(cursor, where: str, params: list) -> int:
    def read() -> int:
        pool = f"SELECT 1 FROM {VECTOR_TABLE} WHERE {where}"  # noqa: S608
        cursor.execute(f"EXPLAIN (FORMAT JSON) {pool}", params)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])

    return _estimates.get((where, *params), read)


@dataclass(frozen=True)
class Search:
    """`candidate_vector_ids`' statements, for a caller to run in one round trip with more
    (`services.pool.ranking_pool`): its search settings, and its queries, each bound to
    `arguments` and returning up to k rows (profile_id, distance) nearest first: one for the
    whole table, or one per part of the IVF index (`indexes.IVF_PARTS`), whose rows together
    hold the k nearest (`nearest_sql`)."""

    setup: str
    queries: tuple[str, ...]
    arguments: tuple
    exact: bool

    def nearest_sql(self, k: int) -> tuple[str, list]:
        """One query of the k nearest rows' ids over every part, and its parameters."""
        if len(self.queries) == 1:
            return f"SELECT profile_id FROM ({self.queries[0]}) nearest", list(self.arguments)  # noqa: S608
        parts = " UNION ALL ".join(f"({query})" for query in self.queries)
        sql = f"SELECT profile_id FROM ({parts}) nearest ORDER BY distance, profile_id LIMIT %s"  # noqa: S608
        return sql, [*self.arguments * len(self.queries), k]


def candidate_search(
    job: Job, k: int, *, exact: bool | None = None, vector: Sequence[float] | None = None
) -> Search:
    """`candidate_vector_ids`' search for a job (see `Search`)."""
    where, params = candidate_filter(job, job.embedding_model)
    text = vector_literal(job.embedding if vector is None else vector)
    own_index, lists = False, 0
    with connection.cursor() as cursor:
        if exact is None:
            # A country with its own index: its graph holds the pool's rows alone.
            own_index = ONSITE_IN_COUNTRY in where and params[-1] in indexed_countries(cursor)
            exact = (
                not own_index
                and estimated_pool(cursor, where, params) <= settings.MATCH_EXACT_MAX_ROWS
            )
        if not exact and not own_index:
            lists = ivf_lists(cursor)
    arguments = (text, *params, k) if exact else (text, *params, text, OVERFETCH * k, k)
    # A country's graph is small and cheap to search wide, and one whose rows form tight
    # clusters can trap a narrow search in the wrong cluster (recall 0.12 for one job at 1M
    # with ef 400, 0.96 with ef 800): its breadth is MATCH_HNSW_COUNTRY_EF_SEARCH.
    ef = settings.MATCH_HNSW_COUNTRY_EF_SEARCH if own_index else None
    setup = search_settings(exact=exact, k=k, ef_search=ef, probes=ivf_probes(lists))
    if lists:
        queries = tuple(
            search_sql(f"{where} AND {ivf_part(part)}", exact=False, ivf=True)
            for part in range(IVF_PARTS)
        )
    else:
        queries = (search_sql(where, exact=exact),)
    return Search(setup, queries, arguments, exact)


def _behind(setup: str, query: str, arguments: Sequence) -> list[tuple]:
    """The rows of a search's query behind its settings, in one round trip: one string of two
    statements is one implicit transaction, so the settings hold for the query (as
    `services.pool.ranking_pool` sends its own)."""
    with connection.cursor() as cursor:
        cursor.execute(f"{setup};\n{query}", list(arguments))
        cursor.nextset()
        return cursor.fetchall()


def candidate_vector_ids(
    job: Job, k: int, *, exact: bool | None = None, vector: Sequence[float] | None = None
) -> tuple[list[int], bool]:
    """Ids of the k candidates nearest the job's vector (or `vector`) among those its hard
    filters admit, from the narrow vector table, and whether the search was exact. `exact`
    None: HNSW when the job's country has its own partial index (`ensure_country_indexes`), else
    exact when the planner estimates the pool at most `MATCH_EXACT_MAX_ROWS` rows, else the table's
    IVF index (or, without one, its graph) with the filter (iterative scan); True / False:
    exact / approximate whatever the pool. The IVF index's parts are searched at once, one on
    the second connection (`sidecar`), when the caller is outside a transaction."""
    search = candidate_search(job, k, exact=exact, vector=vector)
    if len(search.queries) > 1 and sidecar.usable():
        first, *rest = search.queries
        here, there = sidecar.at_once(
            lambda: _behind(search.setup, first, search.arguments),
            lambda: [
                row for query in rest for row in _behind(search.setup, query, search.arguments)
            ],
        )
        rows = here + there
        # As the SQL orders them: a zero vector's distance (NaN) last, then by id.
        rows.sort(
            key=lambda row: (math.isnan(row[1]), 0.0 if math.isnan(row[1]) else row[1], row[0])
        )
        return [pk for pk, _ in rows[:k]], search.exact
    sql, arguments = search.nearest_sql(k)
    return [pk for (pk,) in _behind(search.setup, sql, arguments)], search.exact


# How common each skill is: ANALYZE's most common values of `matching_candidateskill.skill` (a
# skill it does not list is rarer than those it does).
_skill_shares = Lookups()
SKILL_TABLE = "matching_candidateskill"  # migration 0012


def skill_shares() -> dict[str, float]:
    def read() -> dict[str, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats "
                "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'skill'",
                [SKILL_TABLE],
            )
            row = cursor.fetchone()
        return dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}

    return _skill_shares.get(("shares",), read)


def skill_union_sql(job: Job, k: int, *, index_scans: bool = True) -> tuple[str, list]:
    """Up to k candidates holding every required skill of the job among those its hard filters
    admit (`candidate_pool`'s SQL), whatever their vectors say, unordered: the re-rank orders
    the union anyway.

    The newest profiles (highest ids: the latest sign-ups, as the jobs' union takes the latest
    postings) holding the rarest required skill (ANALYZE's frequencies), walked backwards in
    `matching_candidateskill`'s primary key, whose included filter columns pass, and whose
    profile row holds the other skills: the walk stops at the k-th, no posting list is read in
    full. The skills' GIN index builds a bitmap of every holder first (35-47 ms at a million
    profiles for three common skills, ~26k holders); it serves only statements whose settings
    forbid index scans (the exact vector search's)."""
    table = CandidateProfile._meta.db_table
    if not index_scans:
        where, params = _union_filters(job, "p")
        where.append("p.skills @> %s::varchar(120)[]")
        params.append(list(job.required_skills))
        sql = f"SELECT p.id FROM {table} p WHERE {' AND '.join(where)} ORDER BY p.id DESC LIMIT %s"  # noqa: S608
        return sql, [*params, k]
    shares = skill_shares()
    rarest = min(job.required_skills, key=lambda slug: (shares.get(slug, 0.0), slug))
    where, params = _union_filters(job, "s")
    # OFFSET 0 keeps the EXISTS a per-row probe of the profile's primary key: as a join, the
    # planner (which cannot estimate `skills @>`) read the profiles in full instead.
    check = (
        f"SELECT 1 FROM {table} p "  # noqa: S608 (constant names)
        "WHERE p.id = s.profile_id AND p.skills @> %s::varchar(120)[] OFFSET 0"
    )
    sql = (
        f"SELECT s.profile_id AS id FROM {SKILL_TABLE} s "  # noqa: S608 (constant names)
        f"WHERE {' AND '.join(['s.skill = %s', *where])} AND EXISTS ({check}) "
        "ORDER BY s.profile_id DESC LIMIT %s"
    )
    return sql, [rarest, *params, list(job.required_skills), k]


def _union_filters(job: Job, alias: str) -> tuple[list[str], list]:
    """The hard filters of `candidate_pool` on a profile row (`p`) or a skill row (`s`)."""
    where, params = [], []
    if job.workplace != Job.Workplace.REMOTE:
        if alias == "p":
            where.append("NOT (p.remote_preference = %s)")
            params.append(CandidateProfile.RemotePreference.REMOTE.value)
        else:
            where.append("NOT s.remote_only")
        if job.country:
            where.append(
                f"({alias}.work_authorization = '{{}}'::varchar(2)[] "
                f"OR {alias}.work_authorization @> ARRAY[%s]::varchar(2)[])"
            )
            params.append(job.country.upper())
    return where, params


def candidate_pool(job: Job) -> QuerySet[CandidateProfile]:
    """Candidates a job may be shown: SQL versions of the hard filters (re-checked in Python)."""
    pool = CandidateProfile.objects.all()
    if job.workplace != Job.Workplace.REMOTE:
        pool = pool.exclude(remote_preference=CandidateProfile.RemotePreference.REMOTE)
        if job.country:
            pool = pool.filter(
                Q(work_authorization=[]) | Q(work_authorization__contains=[job.country.upper()])
            )
    return pool


def retrieve_candidates(job: Job, *, k: int | None = None, exact: bool = False) -> list[int]:
    k = k or settings.MATCH_RETRIEVAL_K
    ids: list[int] = []
    if job.embedding is not None:
        ids, _ = candidate_vector_ids(job, k, exact=True if exact else None)
    if job.required_skills:
        sql, params = skill_union_sql(job, k)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            seen = set(ids)
            ids += [pk for (pk,) in cursor.fetchall() if pk not in seen]
    return ids


def retrieve_jobs(
    profile: CandidateProfile, *, k: int | None = None, exact: bool = False
) -> list[int]:
    k = k or settings.MATCH_RETRIEVAL_K
    pool = Job.objects.open()
    if profile.remote_preference == CandidateProfile.RemotePreference.REMOTE:
        pool = pool.filter(workplace=Job.Workplace.REMOTE)
    ids: list[int] = []
    if profile.embedding is not None:
        embedded = pool.filter(embedding__isnull=False, embedding_model=profile.embedding_model)
        ids = vector_ids(embedded, profile.embedding, k, exact=exact)
    if profile.skills:
        # Open jobs whose every required skill the candidate holds (GIN containment).
        lexical = (
            pool.filter(required_skills__contained_by=list(profile.skills))
            .exclude(required_skills=[])
            .order_by("-published_at", "-pk")
        )
        seen = set(ids)
        ids += [pk for pk in lexical.values_list("pk", flat=True)[:k] if pk not in seen]
    return ids
