"""The candidate vector table's indexes and their upkeep (beat tasks, `manage.py vector_indexes`).

The table (`matching_candidatevector`, migration 0006) is searched through one of them
(`retrieval.candidate_search` picks): its IVF index once it holds `IVF_MIN_ROWS` profiles
(`ensure_partition_index`: one partial index per part of the rows, `IVF_PARTS`, searched at
once on two connections), its HNSW graph before that, or a country's partial HNSW graph
(`ensure_country_indexes`). What is there is looked up at most every `ESTIMATE_SECONDS` per
process (`ivf_lists`, `indexed_countries`)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection

T = TypeVar("T")

# How long a process trusts what it looked up (the planner's estimates, the indexes there are).
ESTIMATE_SECONDS = 60.0


class Lookups:
    """Values read from the database that change rarely (the indexes there are, the planner's
    estimates, ANALYZE's statistics), trusted for `seconds` per process and database: asking
    costs a round trip, and on a loaded machine every round trip waits for the server."""

    def __init__(self, seconds: float = ESTIMATE_SECONDS) -> None:
        self.seconds = seconds
        self._values: dict[tuple, tuple[float, Any]] = {}

    def get(self, key: tuple, read: Callable[[], T], *, fresh: bool = False) -> T:
        """The value of `key` in this database, `read` again when older than `seconds` (or
        `fresh`)."""
        key = (connection.settings_dict["NAME"], *key)
        now = time.monotonic()
        held = self._values.get(key)
        if held is not None and not fresh and now - held[0] < self.seconds:
            return held[1]
        value = read()
        self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        self._values.clear()


VECTOR_TABLE = "matching_candidatevector"
GRAPH = "matching_candidatevector_hnsw"  # the table's HNSW index (migration 0006)
# The candidate graphs' build parameters (migration 0013). A graph built with a wider candidate
# list (ef_construction) links each profile to better neighbours, and a search then needs a
# narrower one (ef_search) for the same recall. 100k benchmark profiles, 20 remote jobs,
# recall@50 at ef_search 100 / 200 / 300: built with 64 (pgvector's default) 0.963 / 0.978 /
# 0.982, the worst job 0.86 at any ef_search; with 128 0.985 / 0.998 / 1.000, the worst 0.96;
# 256 was no better than 128. The build takes about 1.6x as long.
HNSW_PARAMETERS = "m = 16, ef_construction = 128"
# A large table is searched through an IVF index (`ensure_partition_index`) instead of its graph:
# k-means lists, the query's nearest lists read in full. An HNSW graph of clustered profiles can
# hold a job's neighbourhood out of every search's reach: at 1M benchmark profiles one posting of
# 30 got recall@50 0.02 from the table's graph (ef_construction 128, at any ef_search; built
# with 64, the PT country graph trapped another), and the IVF index has no such failure: 2,000
# lists, 30 probed, recall@50 0.971 (the worst job 0.92) in 13.5 ms p50, where the graph took
# 14.6 ms at ef_search 300 for 0.934. It built in ~150 s (the graph: 1,225 s), 786 MB (1,116);
# in two parts (below), 88 s, 2 x 395 MB.
# The vectors are normalised in the index and the query: the inner product orders them as the
# cosine does, at a third of its arithmetic; the expression also keeps the planner from taking
# one index for the other.
IVF_EXPRESSION = "(l2_normalize(embedding)::halfvec(384))"
IVF_MIN_ROWS = 50_000  # fewer rows: the table's graph (k-means needs data to place the lists)
IVF_ROWS_PER_LIST = 500
# The IVF index is made of this many partial indexes, one per remainder of the profile id (a
# random split of the rows as far as their vectors go), each with its own k-means lists. A
# search reads every part, each on its own connection at once (`sidecar`): PostgreSQL runs a
# statement on one core, and these machines have two. Each part's top k are merged. A part
# holds a job's neighbours in fewer lists than the whole table's index, but not half as many: at
# 1M, 20 of each part's 1,000 lists give recall@50 0.973 where the whole table's index needed
# 30 of 2,000 for 0.969; 40 lists read in two halves at once take 18.8 / 22.4 ms (p50 / p95,
# with the rest of the pool's statement), 30 in one 22.3 / 26.4.
IVF_PARTS = 2
IVF_INDEX = "matching_candidatevector_ivf"  # the parts' prefix; the whole table's before 2026-11
# The fewest lists a search reads in each part: at 100k profiles (100 lists per part) 6 gave
# recall@50 0.996 with the worst job at 0.96, 8 gave 0.998 (0.98).
IVF_MIN_PROBES = 8


def ivf_index(part: int) -> str:
    return f"{IVF_INDEX}_{part}"


def ivf_part(part: int) -> str:
    """The rows of a part of the IVF index: its partial index's predicate, which a search's
    filter must repeat for the planner to use the index (`mod()`: a `%` would be taken for a
    placeholder by the client-side binding)."""
    return f"mod(profile_id, {IVF_PARTS}) = {part}"


# An on-site or hybrid job in a country admits the candidates who take such jobs and may work
# there (or stated no authorization). The partial HNSW indexes of `ensure_country_indexes` carry
# the same predicate with the country as a literal, so the planner proves that a query's filter
# implies it (Django's psycopg binds parameters client-side: the query holds the literal too).
ONSITE_IN_COUNTRY = (
    "NOT remote_only AND "
    "(work_authorization = '{}' OR work_authorization @> ARRAY[%s]::varchar(2)[])"
)
COUNTRY_INDEX_PREFIX = "matching_candidatevector_hnsw_in_"
# A country whose filtered pool holds at least this many rows gets its own partial HNSW index:
# an exact scan of it would cost more than walking a graph of its rows alone; unless it holds
# more than this share of the table: the whole table's graph, walked with the filter, finds
# enough of its rows soon enough, and the extra index would cost its size in memory.
COUNTRY_INDEX_MIN_ROWS = 2000
COUNTRY_INDEX_MAX_SHARE = 0.15


def country_index_sql(country: str, *, concurrently: bool) -> str:
    code = country.upper()
    if not (len(code) == 2 and code.isascii() and code.isalpha()):
        raise ValueError(f"not an ISO country code: {country!r}")
    predicate = ONSITE_IN_COUNTRY.replace("%s", f"'{code}'")
    return (
        f"CREATE INDEX {'CONCURRENTLY ' if concurrently else ''}IF NOT EXISTS "
        f"{COUNTRY_INDEX_PREFIX}{code.lower()} ON {VECTOR_TABLE} USING hnsw "
        f"((embedding::halfvec(384)) halfvec_cosine_ops) WITH ({HNSW_PARAMETERS}) "
        f"WHERE {predicate}"
    )


def ensure_country_indexes(
    min_rows: int = COUNTRY_INDEX_MIN_ROWS,
    max_share: float = COUNTRY_INDEX_MAX_SHARE,
    *,
    concurrently: bool = True,
) -> list[str]:
    """A partial HNSW index for each work-authorization country whose on-site candidates are
    at least `min_rows` and at most `max_share` of the table (the countries created now are
    returned). Concurrently (the table stays writable) unless inside a transaction, as tests
    are. Indexes of countries that no longer qualify are kept (a dropped one is slow to
    rebuild; the planner uses whichever applies)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT upper(code) FROM {VECTOR_TABLE}, unnest(work_authorization) code "  # noqa: S608
            "WHERE NOT remote_only GROUP BY 1 HAVING count(*) >= %s "
            f"AND count(*) <= %s * (SELECT count(*) FROM {VECTOR_TABLE}) ORDER BY 1",
            [min_rows, max_share],
        )
        wanted = [code for (code,) in cursor.fetchall() if len(code) == 2 and code.isalpha()]
        created = [code for code in wanted if code not in indexed_countries(cursor, fresh=True)]
        # CONCURRENTLY cannot run inside a transaction block (a test's, a caller's atomic).
        concurrently = concurrently and not connection.in_atomic_block
        for code in created:
            cursor.execute(country_index_sql(code, concurrently=concurrently))
    _indexed.clear()
    return created


_indexed = Lookups()


def indexed_countries(cursor, *, fresh: bool = False) -> set[str]:
    """Countries with a partial HNSW index (looked up at most every `ESTIMATE_SECONDS`)."""

    def read() -> set[str]:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [VECTOR_TABLE])
        return {
            n.removeprefix(COUNTRY_INDEX_PREFIX).upper()
            for (n,) in cursor.fetchall()
            if n.startswith(COUNTRY_INDEX_PREFIX)
        }

    return _indexed.get(("countries",), read, fresh=fresh)


def ivf_probes(lists: int) -> int:
    """The IVF lists a search reads in each part: `MATCH_IVF_PROBE_SHARE` of them, at least
    `IVF_MIN_PROBES` (a few large lists hold a job's neighbours less tightly)."""
    return min(lists, max(IVF_MIN_PROBES, math.ceil(settings.MATCH_IVF_PROBE_SHARE * lists)))


_ivf = Lookups()


def _part_lists(cursor) -> dict[str, int]:
    """The valid IVF indexes on the table: name -> lists (a concurrent build that failed
    leaves an invalid index behind, without lists)."""
    cursor.execute(
        "SELECT c.relname, option FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid, "
        "unnest(c.reloptions) option WHERE c.relname LIKE %s AND i.indisvalid "
        "AND option LIKE 'lists=%%'",
        [f"{IVF_INDEX}%"],
    )
    return {name: int(option.removeprefix("lists=")) for name, option in cursor.fetchall()}


def ivf_lists(cursor, *, fresh: bool = False) -> int:
    """The lists of each part of the IVF index, 0 unless every part has one (looked up at most
    every `ESTIMATE_SECONDS`)."""

    def read() -> int:
        found = _part_lists(cursor)
        parts = [found.get(ivf_index(part), 0) for part in range(IVF_PARTS)]
        return min(parts)

    return _ivf.get(("lists",), read, fresh=fresh)


def wanted_lists(rows: int) -> int:
    """The lists of each part for a table of `rows` rows."""
    return max(1, rows // IVF_PARTS // IVF_ROWS_PER_LIST)


def ensure_partition_index(min_rows: int = IVF_MIN_ROWS, *, concurrently: bool = True) -> int:
    """The table's IVF index, once it holds `min_rows` rows: each part built, or rebuilt when
    the table has grown or shrunk to twice or half the rows its lists were made for (the lists
    are the k-means centres of the rows at build time; rows added later join the nearest). The
    table's HNSW graph (and the whole table's IVF index of earlier versions) goes at the next
    run, once the parts serve every process's searches. Concurrently (the table stays writable)
    unless inside a transaction. Returns the lists of each part (0: none)."""
    concurrently = concurrently and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {VECTOR_TABLE}")  # noqa: S608
        [rows] = cursor.fetchone()
        lists, wanted = ivf_lists(cursor, fresh=True), wanted_lists(rows)
        if rows < min_rows and not lists:
            return 0
        way = "CONCURRENTLY " if concurrently else ""
        if not lists:
            built = _part_lists(cursor)
            for part in range(IVF_PARTS):
                name = ivf_index(part)
                if name in built:
                    continue  # a run that stopped half way built it
                cursor.execute(f"DROP INDEX {way}IF EXISTS {name}")  # an invalid one
                cursor.execute(
                    f"CREATE INDEX {way}{name} ON {VECTOR_TABLE} "
                    f"USING ivfflat ({IVF_EXPRESSION} halfvec_ip_ops) WITH (lists = {wanted}) "
                    f"WHERE {ivf_part(part)}"
                )
        else:
            if not wanted / 2 < lists < wanted * 2:
                for part in range(IVF_PARTS):
                    cursor.execute(f"ALTER INDEX {ivf_index(part)} SET (lists = {wanted})")
                    cursor.execute(f"REINDEX INDEX {way}{ivf_index(part)}")
            # The graph goes at the run after the IVF index was built: by then every process
            # has seen the new index (`ivf_lists` looks again every `ESTIMATE_SECONDS`); one that
            # still searched the graph after it went would read the whole table.
            cursor.execute(f"DROP INDEX {way}IF EXISTS {GRAPH}")
            cursor.execute(f"DROP INDEX {way}IF EXISTS {IVF_INDEX}")
        _ivf.clear()
        return ivf_lists(cursor, fresh=True)


@contextmanager
def build_settings(cursor, maintenance_work_mem: str) -> Iterator[None]:
    """The session's memory and parallel workers for index builds (the IVF index's k-means, an
    HNSW graph), reset after. A bad memory value raises the database's error before any build."""
    cursor.execute("SET maintenance_work_mem = %s", [maintenance_work_mem])
    cursor.execute("SET max_parallel_maintenance_workers = 2")
    try:
        yield
    finally:
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET max_parallel_maintenance_workers")
