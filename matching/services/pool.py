"""A job's ranking pool loaded for the re-rank: one statement, stored facts, cosines from SQL.

One statement returns, per candidate: the profile row's version (`xmin`, the transaction that
wrote it: any change of the row, even one that bypasses `save()`, gives it a new one), the
profile<->job cosine and every experience entry's cosine to the job (pgvector computes them from
the profile's vector column and its `ExperienceVector` rows; no vector is sent back or parsed),
and the candidate's facts as stored in `matching_profilefacts` (`matching.factrows`: built once
per version of the profile, with their term lists and digest), which are parsed only when this
process does not already hold that version. No model instance is made. Only candidates whose
stored facts are missing or stale (the profile changed, a new `FACTS_FORMAT`) cost a second
statement reading their columns; their facts are built and the rows upserted, so the next pool
reads them. Facts are immutable and keep
their memoised derived values (term lists, digest): a candidate met again in this process costs
nothing on the Python side.

`ranking_pool` runs the job's retrieval (vector search, skill union, stored matches) inside the
same statement, behind its search settings in the same round trip: the re-rank's whole pool
costs one round trip to the database. Through the IVF index's parts, the last part, the skill
union and the stored matches go in a statement of their own on the second connection
(`sidecar`), at the same time. `pool_for_job` runs the same statement for a given list.

The statement marks the vector search's rows: an approximate search that the graph kept away
from the job's neighbourhood (`trapped`: many of the skill union's candidates nearer the job
than its farthest row) is logged and done again exactly.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db import connection

from jobs.models import Job
from matching.adapters import candidate_facts
from matching.factrows import FACTS_FORMAT, facts_from_json, record_json
from matching.facts import CandidateFacts
from matching.models import ExperienceVector, Match, ProfileVectors
from matching.services import sidecar
from matching.services.retrieval import candidate_search, skill_union_sql, vector_literal
from resumes.models import CandidateProfile

# What `candidate_facts` reads of a profile: the rows are loaded with these columns only.
FACT_COLUMNS = (
    "id", "headline", "summary", "skills", "skill_evidence", "experiences", "educations",
    "years_of_experience", "city", "country", "remote_preference", "work_authorization",
    "desired_salary_min", "desired_salary_max", "desired_salary_currency",
    "desired_salary_period", "languages", "embedding_model",
)  # fmt: skip
_PROFILES = CandidateProfile._meta.db_table
_VECTORS = ProfileVectors._meta.db_table
_ENTRIES = ExperienceVector._meta.db_table
_MATCHES = Match._meta.db_table
FACTS_TABLE = "matching_profilefacts"
logger = logging.getLogger(__name__)


def _cosines(model: str) -> str:
    """The profile's cosine to the job (`q.v`) and its experience entries' (in entry order;
    NULL unless the entries were embedded by the job's model, bound as `model` twice)."""
    return (
        "1 - (p.embedding <=> q.v), (SELECT ARRAY("  # noqa: S608 (models' tables, a placeholder)
        f"SELECT 1 - (x.embedding <=> q.v) FROM {_ENTRIES} x "
        "WHERE x.vectors_id = v.id ORDER BY x.position) "
        f"FROM {_VECTORS} v WHERE v.profile_id = p.id AND v.model_id = {model} "
        f"AND p.embedding_model = {model})"
    )


# Per candidate of `{ids}` (a query: `ranking_pool`'s retrieval, or `pool_for_job`'s list):
# id, version, embedding model, cosine to the job, each experience entry's cosine (in entry
# order; NULL unless the entries were embedded by the job's model), the stored facts row as
# text when it is current (the held ones are skipped in Python, not parsed), whether the job
# has a stored match for it, whether the vector search returned it, whether another part of
# `{ids}` did (the skill union, the stored matches). `{ids}` has two columns: id, nearest (from
# the vector search). Positional parameters: the job's id, the ids query's, the model twice,
# the job's vector (NULL: NULL cosines), the format.
_POOL_SQL = f"""
WITH stored AS (SELECT candidate_id AS id FROM {_MATCHES} WHERE job_id = %s),
ids AS ({{ids}})
SELECT p.id, p.xmin::text, p.embedding_model,
    {_cosines("%s")},
    f.data::text,
    s.id IS NOT NULL,
    p.id IN (SELECT id FROM ids WHERE nearest),
    p.id IN (SELECT id FROM ids WHERE NOT nearest)
FROM (SELECT %s::vector AS v) q
CROSS JOIN {_PROFILES} p
LEFT JOIN {FACTS_TABLE} f ON f.profile_id = p.id AND f.version = p.xmin::text AND f.format = %s
LEFT JOIN stored s ON s.id = p.id
WHERE p.id IN (SELECT id FROM ids)
ORDER BY p.id
"""  # noqa: S608 (the models' own table names; every value is a bound parameter)

_COLUMNS_SQL = f"""
SELECT xmin::text, {", ".join(FACT_COLUMNS)} FROM {_PROFILES} WHERE id = ANY(%s)
"""  # noqa: S608

_UPSERT_SQL = f"""
INSERT INTO {FACTS_TABLE} (profile_id, version, format, data)
SELECT * FROM unnest(%s::bigint[], %s::text[], %s::smallint[], %s::json[])
ON CONFLICT (profile_id) DO UPDATE SET version = EXCLUDED.version, format = EXCLUDED.format,
    data = EXCLUDED.data
"""  # noqa: S608

# jsonb arrives as text (Django's connections leave its decoding to JSONField).
_JSON_COLUMNS = ("skill_evidence", "experiences", "educations")


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str | bytes) else value


# Candidates' facts by id: (row version, facts), least recently used dropped first.
FACTS_CACHE_SIZE = 4096
_cache: OrderedDict[int, tuple[str, CandidateFacts]] = OrderedDict()
_lock = threading.Lock()


def clear_facts_cache() -> None:
    with _lock:
        _cache.clear()


def _held(ids: Iterable[int]) -> dict[int, tuple[str, CandidateFacts]]:
    """This process's facts for these ids: id -> (version, facts)."""
    found = {}
    with _lock:
        for pk in ids:
            entry = _cache.get(pk)
            if entry is not None:
                _cache.move_to_end(pk)
                found[pk] = entry
    return found


def _remember(entries: Iterable[tuple[int, str, CandidateFacts]]) -> None:
    """Hold these (id, version, facts)."""
    with _lock:
        for pk, version, facts in entries:
            _cache[pk] = (version, facts)
            _cache.move_to_end(pk)
        while len(_cache) > FACTS_CACHE_SIZE:
            _cache.popitem(last=False)


def build_facts(ids: Sequence[int]) -> dict[int, tuple[str, CandidateFacts]]:
    """Facts built from the profiles' columns, stored for the next pool: id -> (version, facts).

    Also what keeps a changed profile's row current (`recompute_matches_for_candidate`)."""
    built: dict[int, tuple[str, CandidateFacts]] = {}
    rows: list[tuple[int, str, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(_COLUMNS_SQL, [list(ids)])
        names = [c.name for c in cursor.description][1:]
        for version, *values in cursor.fetchall():
            columns = dict(zip(names, values, strict=True))
            for name in _JSON_COLUMNS:
                columns[name] = _json(columns[name])
            pk = columns["id"]
            facts = candidate_facts(SimpleNamespace(pk=pk, **columns), with_embedding=False)
            built[pk] = (version, facts)
            rows.append((pk, version, record_json(facts)))
        _remember((pk, version, facts) for pk, (version, facts) in built.items())
        if rows:
            rows.sort()  # one lock order for concurrent upserts
            pks, versions, data = zip(*rows, strict=True)
            formats = [FACTS_FORMAT] * len(rows)
            cursor.execute(_UPSERT_SQL, [list(pks), list(versions), formats, list(data)])
    return built


@dataclass(frozen=True)
class Pool:
    """A job's ranking pool: the candidates' facts (without vectors) and, per candidate, the
    cosines the database computed (None where it could not: the scalar path then decides)."""

    facts: list[CandidateFacts]
    profile_cosines: list[float | None]
    experience_cosines: list[tuple[float | None, ...] | None]
    # Ids of the candidates with a stored match for the job (`ranking_pool`).
    stored: set[int] = field(default_factory=set)
    # Ids the vector search returned (`ranking_pool`).
    nearest: set[int] = field(default_factory=set)


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value  # NaN: a zero vector


def _vector_text(job: Job) -> str | None:
    return None if job.embedding is None else vector_literal(job.embedding)


def pool_for_job(job: Job, ids: Sequence[int]) -> Pool:
    """The pool's facts and cosines for these candidates, in id order."""
    nearest = "SELECT unnest(%s::bigint[]) AS id, false AS nearest"
    return _pool_of(job, _rows(job, "", [nearest], [list(ids)]))


def ranking_pool(
    job: Job,
    *,
    exact: bool = False,
    k: int | None = None,
    fetched: Callable[[], None] | None = None,
) -> Pool:
    """The pool `rank_candidates_for_job` re-ranks, retrieved and loaded in one round trip:
    the candidates of `retrieval.retrieve_candidates(job)` (the job's vector search, its skill
    union: the same statements) and its stored matches, with `pool_for_job`'s columns.

    One string of two statements (psycopg's client-side cursors, Django's default, send it as
    one simple query: one round trip, one implicit transaction, so the search settings of the
    first hold for the second, as `candidate_vector_ids`' own transaction does; server-side
    binding would refuse it), instead of a round trip per query and four for the search's
    transaction: on a loaded machine each waits for the server process to be scheduled.
    A search through the IVF index's parts sends the last part, the skill union and the stored
    matches to the second connection (`sidecar`) and runs the other parts here at the same
    time, unless the caller is inside a transaction; each part's k nearest are loaded, the k
    nearest of them all kept (`_kept`). `fetched`, when given, is called once the rows arrived
    (the benchmark's phases: retrieval and the database's part of the load, then the facts)."""
    k = k or settings.MATCH_RETRIEVAL_K
    nearest, params, setup, searched_exactly = [], [], "", False
    if job.embedding is not None:
        search = candidate_search(job, k, exact=True if exact else None)
        setup, searched_exactly = search.setup, search.exact
        nearest = [
            f"SELECT profile_id AS id, true AS nearest FROM ({query}) nearest"  # noqa: S608
            for query in search.queries
        ]
        params = list(search.arguments)
    others, arguments = [], []
    if job.required_skills:
        # The exact search's settings forbid index scans for the whole statement.
        sql, arguments = skill_union_sql(job, k, index_scans=not searched_exactly)
        others.append(f"SELECT id, false AS nearest FROM ({sql}) lexical")  # noqa: S608
    others.append("SELECT id, false AS nearest FROM stored")
    if len(nearest) > 1 and sidecar.usable():
        here, there = sidecar.at_once(
            lambda: _rows(job, setup, nearest[:-1], params * (len(nearest) - 1)),
            lambda: _rows(job, setup, [nearest[-1], *others], [*params, *arguments]),
        )
        found = here + there
    else:
        found = _rows(job, setup, [*nearest, *others], [*params * len(nearest), *arguments])
    if fetched is not None:
        fetched()
    pool = _pool_of(job, _kept(found, k))
    if not searched_exactly and trapped(pool, k):
        # The graph held the job's neighbours out of the search's reach: searched exactly.
        logger.warning(
            "job %s: approximate vector search trapped (%d of the skill union and stored "
            "matches nearer than its farthest); searched exactly",
            job.pk, closer_than_nearest(pool), extra={"job_id": job.pk},
        )  # fmt: skip
        pool = ranking_pool(job, exact=True, k=k, fetched=fetched)
    return pool


def _kept(found: list[tuple], k: int) -> list[tuple]:
    """The rows of the pool, one per candidate in id order: the k nearest of the vector
    search's (each part of the IVF index returns its own k) and every other one (the skill
    union's, the stored matches'), with `nearest` true for the k kept."""
    rows: dict[int, tuple] = {}
    for row in found:
        held = rows.get(row[0])
        if held is not None:  # in two statements' rows: the flags of both
            row = (*row[:7], row[7] or held[7], row[8] or held[8])
        rows[row[0]] = row
    searched = [row for row in rows.values() if row[7]]
    if len(searched) > k:
        searched.sort(key=lambda row: (-_order(row[3]), row[0]))
        top = {row[0] for row in searched[:k]}
        rows = {
            pk: (*row[:7], pk in top, row[8]) for pk, row in rows.items() if pk in top or row[8]
        }
    return [rows[pk] for pk in sorted(rows)]


def _order(cosine: float | None) -> float:
    value = _number(cosine)
    return -math.inf if value is None else value


# How many candidates outside the vector search's rows, nearer the job than the farthest of
# them, `trapped` takes for a search that missed the job's neighbourhood: an HNSW graph of
# clustered vectors can hold a whole cluster out of a search's reach (at 1M profiles one PT
# posting's search in the country graph returned profiles at cosine distance 0.47-0.52 at any
# ef_search, while its exact top 50 lay at 0.16-0.19). An ordinary search misses a few of its
# neighbours (recall@50 0.96-0.98), which the union may hold: a share of K, at least 5.
TRAP_MIN_CLOSER = 5
TRAP_SHARE = 0.1


def closer_than_nearest(pool: Pool) -> int:
    """Candidates of the pool outside the vector search's rows (the skill union, the stored
    matches) nearer the job than the farthest row the search returned."""
    inside, outside = [], []
    for facts, cosine in zip(pool.facts, pool.profile_cosines, strict=True):
        if cosine is not None:
            (inside if int(facts.id) in pool.nearest else outside).append(cosine)
    if not inside:
        return 0
    floor = min(inside)
    return sum(cosine > floor for cosine in outside)


def trapped(pool: Pool, k: int) -> bool:
    """Whether the approximate vector search returned rows far from the job's neighbourhood:
    more of the other candidates lie nearer than its farthest row than a search that only
    missed a few neighbours would leave (`TRAP_MIN_CLOSER`, `TRAP_SHARE` of k)."""
    return closer_than_nearest(pool) >= max(TRAP_MIN_CLOSER, TRAP_SHARE * k)


def _rows(job: Job, setup: str, parts: list[str], params: list) -> list[tuple]:
    """`_POOL_SQL`'s rows over the union of the `parts` queries (bound to `params`), behind the
    `setup` statement in the same round trip."""
    vector = _vector_text(job)
    arguments = [job.pk, *params, job.embedding_model, job.embedding_model, vector]
    sql = _POOL_SQL.format(ids=" UNION ".join(parts))
    with connection.cursor() as cursor:
        cursor.execute(f"{setup};\n{sql}" if setup else sql, [*arguments, FACTS_FORMAT])
        if setup:
            cursor.nextset()
        return cursor.fetchall()


def _pool_of(job: Job, found: list[tuple]) -> Pool:
    """The pool from the statement's rows: held facts of the same version, else the stored
    row's, else built (and stored) now."""
    held = _held(row[0] for row in found)
    with_vector = job.embedding is not None
    facts_by_id: dict[int, CandidateFacts] = {}
    stale, parsed = [], []
    for pk, version, _, _, _, record, *_ in found:
        mine = held.get(pk)
        if mine is not None and mine[0] == version:
            facts_by_id[pk] = mine[1]
        elif record is not None:
            facts = facts_by_id[pk] = facts_from_json(record)
            parsed.append((pk, version, facts))
        else:
            stale.append(pk)
    _remember(parsed)
    if stale:
        facts_by_id |= {pk: facts for pk, (_, facts) in build_facts(stale).items()}
    pool = Pool([], [], [], set())
    for pk, _, model, cosine, entries, *_ in found:
        facts = facts_by_id.get(pk)
        if facts is None:
            continue  # deleted between the two statements
        if model != job.embedding_model:
            cosine = None
        if entries is not None and len(entries) != len(facts.experiences):
            entries = ()  # vectors of other entries: no experience similarity, as in facts_of
        pool.facts.append(facts)
        pool.profile_cosines.append(_number(cosine))
        pool.experience_cosines.append(
            None if entries is None or not with_vector else tuple(map(_number, entries))
        )
    pool.stored.update(row[0] for row in found if row[6])
    pool.nearest.update(row[0] for row in found if row[7])
    return pool
