"""PostgreSQL job search: narrow search tables kept exact by triggers, weighted tsvector + GIN,
skill lexemes, trigram typo correction, facets by one GROUPING SETS aggregation.

Design (see the README's search section for figures):
- `jobs_searchrow` holds one narrow row per open job (filter, facet and sort columns, skills,
  and `head`: title and skill lexemes, what ranking reads); `jobs_searchtext` holds every word
  (title A, skills A/B, company and place C, description D) for plain query words. Both are
  written by the `jobs_search_write` trigger function (migration 0003) in the transaction that
  changes a job, so search is exact without a queue; a broad search reads ~400-byte rows
  instead of whole jobs (descriptions, embeddings, analysis).
- Skills are indexed as lexemes `sk:<slug>` (not stemmed), so a skill in the query matches the
  skill lists and titles only: "excel" does not match "excellent" in a description.
- Typos: each unknown query word is replaced by its nearest indexed word (`SearchTerm`, trigram
  KNN on a GiST index, then edit distance ≤ 2), so "pyhton" searches "python".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jobs.models import Job
from jobs.search.base import FACETS, TOP_SKILLS, FacetBucket, JobQuery, JobSearchResult
from jobs.search.counts import CountsCache
from jobs.search.terms import Term, plain_words, query_words, read_terms
from jobs.search.typos import add_taxonomy_vocabulary, add_vocabulary, correct_words

SKILL_PREFIX = "sk:"  # as in migration 0003's jobs_search_write
# Fewest rows sharing the best rank for a newest-first scan of them to beat ranking every match.
TIER_MIN = 100
FACET_COLUMNS = [
    "workplace",
    "employment_type",
    "seniority",
    "country",
    "company_id",
]


def _tsquery_literal(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresJobSearch:
    """The default backend: trigger-maintained search tables and a vocabulary table."""

    def __init__(self, *, counts_cache_size: int = 1024, **options: Any) -> None:
        self.options = options
        self.counts_cache = CountsCache(size=counts_cache_size)

    # --- indexing -------------------------------------------------------------------------
    def index_jobs(self, job_ids: Sequence[int]) -> int:
        ids = list(job_ids)
        if not ids:
            return 0
        with transaction.atomic(), connection.cursor() as cursor:
            # The triggers keep the search rows exact; rewriting them here also picks up what
            # they cannot see (a renamed company), which is what `reindex_jobs` is for.
            cursor.execute("SELECT jobs_search_write(%s::bigint[])", [ids])
            cursor.execute("UPDATE jobs_job SET indexed_at = now() WHERE id = ANY(%s)", [ids])
            add_vocabulary(ids)
        add_taxonomy_vocabulary()
        return Job.objects.open().filter(id__in=ids).count()

    def add_taxonomy_vocabulary(self) -> None:
        """For `reindex_jobs`: skill names are correction targets even before jobs use them."""
        add_taxonomy_vocabulary()

    # --- searching ------------------------------------------------------------------------
    def search(self, query: JobQuery) -> JobSearchResult:
        words = query_words(query.q)
        corrected = correct_words(words)
        sql, params, key, counts, windowed = self._plan(query, corrected)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if windowed and len(rows) < query.limit:
                # The newest rows of the best rank did not fill the page within the window
                # read: rank every match instead.
                cursor.execute(*self._statement(query, corrected, page_only=True))
                rows = cursor.fetchall()
        if counts is not None:
            ids = [row[0] for row in rows]
            total, facets = counts[0], (counts[1] if query.facets else {})
        else:
            ids, total, facets, tier = self._read(rows, query)
            if key:
                self.counts_cache.put(key, (total, facets if query.facets else None, tier))
        return JobSearchResult(
            ids=ids,
            total=total,
            facets=facets,
            corrected_q=" ".join(corrected) if corrected != words else "",
        )

    def statement(self, query: JobQuery) -> tuple[str, tuple[Any, ...]]:
        """The SQL statement `search` runs for `query` now (for EXPLAIN in the benchmark)."""
        sql, params, *_ = self._plan(query, correct_words(query_words(query.q)))
        return sql, params

    def _plan(
        self, query: JobQuery, words: list[str]
    ) -> tuple[str, tuple[Any, ...], tuple[Any, ...] | None, tuple[Any, ...] | None, bool]:
        """The statement to run, the counts cache key, the cached counts if known, and
        whether the statement reads a window of the newest rows of the best rank."""
        key, open_rows = self._counts_key(query, words)
        counts = self.counts_cache.get(key) if key else None
        if counts is None or (query.facets and counts[1] is None):
            return (*self._statement(query, words), key, None, False)
        # Total and facets of this very state are known: only the page is left to find.
        tier = counts[2]
        wanted = query.offset + query.limit
        if query.sort != "relevance" or tier is None or tier[1] < max(wanted, TIER_MIN):
            return (*self._statement(query, words, page_only=True), key, counts, False)
        # If the best-ranked rows were spread evenly in time, a page of them would lie
        # within the newest wanted * open_rows / tier rows; read three times that.
        window = 3 * wanted * -(-max(open_rows, tier[1]) // tier[1])
        sql, params = self._statement(query, words, page_only=True, top_rank=tier[0], window=window)
        return sql, params, key, counts, True

    def _counts_key(self, query: JobQuery, words: list[str]) -> tuple[tuple[Any, ...] | None, int]:
        """Where this query's total and facets are cached (None when they must be counted:
        no cache, a time-relative filter, or a transaction that changed data, which sees
        rows nobody else does), and about how many jobs are open."""
        if self.counts_cache.size == 0 or query.posted_within_days is not None:
            return None, 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generation, (SELECT reltuples::bigint FROM pg_class "
                "WHERE oid = 'jobs_searchrow'::regclass) FROM jobs_searchstate "
                "WHERE id = 1 AND pg_current_xact_id_if_assigned() IS NULL"
            )
            row = cursor.fetchone()
        if row is None:
            return None, 0
        counted = replace(query, q=" ".join(words), sort="relevance", offset=0, limit=0)
        return (connection.settings_dict["NAME"], row[0], counted), max(row[1], 0)

    def _filters(self, query: JobQuery) -> tuple[list[str], list[Any]]:
        """Conditions on `jobs_searchrow r` (which holds open jobs only)."""
        where: list[str] = []
        params: list[Any] = []

        def add(condition: str, *values: Any) -> None:
            where.append(condition)
            params.extend(values)

        if query.country:
            add("r.country = %s", query.country)
        if query.city:
            add("r.city = lower(%s)", query.city)
        for name in ("workplace", "employment_type", "seniority"):
            values = getattr(query, name)
            if values:
                add(f"r.{name} = ANY(%s)", list(values))
        if query.salary_at_least is not None:
            # `salary` is null when hidden: a filter never reveals a hidden salary.
            add("r.salary_currency = %s AND r.salary >= %s", query.currency, query.salary_at_least)
        if query.skills_all:
            add("r.skills @> %s::varchar[]", list(query.skills_all))
        if query.skills_any:
            add("r.skills && %s::varchar[]", list(query.skills_any))
        if query.posted_within_days is not None:
            add("r.published_at >= %s", timezone.now() - timedelta(days=query.posted_within_days))
        if query.company is not None:
            add("r.company_id = %s", query.company)
        return where, params

    def _text(
        self, terms: list[Term], *, per_row: bool = False
    ) -> tuple[list[str], list[Any], str, list[Any]] | None:
        """Conditions for the words (all must match) and the ranking expression (any of them,
        on title and skills); None when no word can match anything.

        A skill is looked up in `head` (its skill lexeme, or its words in the title), so
        "excel" never matches "excellent" in a description; plain words in the full text:
        as a semi-join over every match, or `per_row` (a primary-key lookup for each row a
        newest-first scan reaches, when only a few rows are needed).
        """
        head: list[str] = []
        head_params: list[Any] = []
        plain: list[str] = []
        for term in terms:
            words = plain_words(term.text)
            if term.skill:
                skill = _tsquery_literal(SKILL_PREFIX + term.skill)
                if words:
                    head.append("(%s::tsquery || to_tsquery('english', %s))")
                    head_params += [skill, " <-> ".join(words)]
                else:
                    head.append("%s::tsquery")
                    head_params.append(skill)
            elif words:
                plain.append(" <-> ".join(words))
        # Stop words ("the") make empty queries; they are dropped as in one tsquery.
        plain = self._with_lexemes(plain)
        if not head and not plain:
            return None
        plain_sql = ["to_tsquery('english', %s)"] * len(plain)
        where: list[str] = []
        params: list[Any] = []
        if head:
            where.append(f"r.head @@ ({' && '.join(head)})")
            params += head_params
        if plain and per_row:
            where.append(
                "(SELECT t.document FROM jobs_searchtext t WHERE t.job_id = r.job_id)"  # noqa: S608
                f" @@ ({' && '.join(plain_sql)})"
            )
            params += plain
        elif plain:
            where.append(
                "r.job_id IN (SELECT t.job_id FROM jobs_searchtext t "  # noqa: S608 (constants)
                f"WHERE t.document @@ ({' && '.join(plain_sql)}))"
            )
            params += plain
        rank_sql = f"ts_rank('{{0.1, 0.2, 0.6, 1.0}}', r.head, ({' || '.join(head + plain_sql)}))"
        return where, params, rank_sql, [*head_params, *plain]

    def _with_lexemes(self, queries: list[str]) -> list[str]:
        if not queries:
            return queries
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT q FROM unnest(%s::text[]) WITH ORDINALITY AS u(q, n) "
                "WHERE numnode(to_tsquery('english', q)) > 0 ORDER BY n",
                [queries],
            )
            return [row[0] for row in cursor.fetchall()]

    def _statement(
        self,
        query: JobQuery,
        words: list[str],
        *,
        page_only: bool = False,
        top_rank: float | None = None,
        window: int = 0,
    ) -> tuple[str, tuple[Any, ...]]:
        """Page, total and facets in one statement over one scan of the matching jobs.

        The matches are materialized once (a CTE) from the narrow `jobs_searchrow`; the
        total and the single-valued facets come from one GROUPING SETS aggregation, the
        skills facet from a set-returning `unnest` in the select list, the page from a
        top-N sort, and for relevance the best rank and how many rows share it. The parts
        are appended in order (UNION ALL of parenthesized queries keeps each part's order).

        `page_only` leaves the counting out (the counts are cached). With `top_rank` (the
        best rank, shared by at least a page of rows) the page is the newest rows of that
        rank: a newest-first scan that stops after a page instead of ranking every match.
        """
        columns = FACET_COLUMNS
        filters = self._filters(query)
        terms = read_terms(words)
        text_where: list[str] = []
        text_params: list[Any] = []
        rank_sql, rank_params = "", []
        if terms:
            text = self._text(terms, per_row=top_rank is not None)
            if text is None:
                text_where.append("false")
            else:
                text_where, text_params = text[0], text[1]
                if query.sort == "relevance":
                    rank_sql, rank_params = text[2], text[3]
        if rank_sql and top_rank is not None:
            return self._top_rank_page(
                query, filters, (text_where, text_params), (rank_sql, rank_params), top_rank, window
            )
        where, params = filters[0] + text_where, filters[1] + text_params
        if rank_sql:
            order = "rank DESC, published_at DESC, job_id DESC"
        elif query.sort == "salary":
            order = "salary DESC NULLS LAST, published_at DESC, job_id DESC"
        else:
            order = "published_at DESC, job_id DESC"
        select = ["r.job_id", "r.published_at", "r.salary"]
        if not page_only:
            select += [f"r.{c}" for c in columns]
        if query.facets and not page_only:
            select.append("r.required_skills")
        if rank_sql:
            select.append(f"{rank_sql} AS rank")
        inner = (
            f"SELECT {', '.join(select)} FROM jobs_searchrow r"  # noqa: S608
            + (f" WHERE {' AND '.join(where)}" if where else "")
        )
        params = [*rank_params, *params]
        if page_only:
            sql = f"SELECT job_id FROM ({inner}) m ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
            return sql, (*params, query.limit, query.offset)
        value_columns = ", ".join(f"{c}::text" for c in columns)
        nulls = ", ".join("NULL" for _ in columns[1:])
        if query.facets:
            parts = [
                f"(SELECT 0, {value_columns}, GROUPING({', '.join(columns)}), COUNT(*) "  # noqa: S608
                f"FROM m GROUP BY GROUPING SETS ({', '.join(f'({c})' for c in columns)}, ()))",
                f"(SELECT 1, s, {nulls}, 0, COUNT(*) FROM "  # noqa: S608
                "(SELECT unnest(required_skills) AS s FROM m) skills "
                "GROUP BY s ORDER BY COUNT(*) DESC, s LIMIT %s)",
            ]
            params.append(TOP_SKILLS)
        else:
            parts = [f"(SELECT 0, NULL, {nulls}, {(1 << len(columns)) - 1}, COUNT(*) FROM m)"]  # noqa: S608
        page = f"SELECT 2, job_id::text AS v, {nulls}, 0, 0 FROM m ORDER BY {order}"  # noqa: S608
        parts.append(f"({page} LIMIT %s OFFSET %s)")
        params += [query.limit, query.offset]
        if rank_sql:
            parts.append(
                f"(SELECT 3, MAX(rank)::text, {nulls}, 0, COUNT(*) FROM m "  # noqa: S608
                "WHERE rank = (SELECT MAX(rank) FROM m))"
            )
        sql = f"WITH m AS MATERIALIZED ({inner}) " + " UNION ALL ".join(parts)
        return sql, tuple(params)

    def _top_rank_page(
        self,
        query: JobQuery,
        filters: tuple[list[str], list[Any]],
        text: tuple[list[str], list[Any]],
        rank: tuple[str, list[Any]],
        top_rank: float,
        window: int,
    ) -> tuple[str, tuple[Any, ...]]:
        """The newest rows of the best rank, which at least a page of rows share.

        The newest `window` filtered rows are read in order (the `searchrow_newest` index, or
        the filters' indexes and a top-N sort) and the words and rank are checked row by
        row, a per-row lookup of the text included, until the page is full: a few dozen
        rows instead of ranking every match. Too few rows means the window was too small
        (`search` then ranks every match).
        """
        where, params = filters
        inner = "SELECT r.job_id, r.published_at, r.head FROM jobs_searchrow r"
        if where:
            inner += f" WHERE {' AND '.join(where)}"
        # float4 on both sides: the cached value is the exact rank PostgreSQL computed.
        conditions = [*text[0], f"{rank[0]} >= %s::real"]
        sql = (
            f"SELECT r.job_id FROM ({inner} ORDER BY r.published_at DESC, r.job_id DESC "  # noqa: S608
            f"LIMIT %s) r WHERE {' AND '.join(conditions)} "
            "ORDER BY r.published_at DESC, r.job_id DESC LIMIT %s OFFSET %s"
        )
        return sql, (*params, window, *text[1], *rank[1], top_rank, query.limit, query.offset)

    def _read(
        self, rows: list[tuple[Any, ...]], query: JobQuery
    ) -> tuple[list[int], int, dict[str, list[FacetBucket]], tuple[float, int] | None]:
        columns = FACET_COLUMNS
        total = 0
        ids: list[int] = []
        facets: dict[str, list[FacetBucket]] = {name: [] for name in FACETS} if query.facets else {}
        all_bits = (1 << len(columns)) - 1
        tier: tuple[float, int] | None = None
        for kind, *values, grouping, count in rows:
            if kind == 3:
                tier = (float(values[0]), count) if values[0] is not None else None
            elif kind == 2:
                ids.append(int(values[0]))
            elif kind == 1:
                facets["skills"].append(FacetBucket(value=values[0], count=count))
            elif grouping == all_bits:
                total = count
            else:
                for position, column in enumerate(columns):
                    # GROUPING() sets a bit per column *not* grouped; the leftmost is highest.
                    if not grouping & (1 << (len(columns) - 1 - position)):
                        value = values[position]
                        if value not in (None, ""):
                            name = "company" if column == "company_id" else column
                            facets[name].append(FacetBucket(value=value, count=count))
        for name in ("workplace", "employment_type", "seniority", "country", "company"):
            if name in facets:
                facets[name].sort(key=lambda b: (-b.count, b.value))
        return ids, total, facets, tier
