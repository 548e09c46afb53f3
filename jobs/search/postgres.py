"""PostgreSQL job search: narrow search tables kept exact by triggers, weighted tsvector + GIN,
skill lexemes, trigram typo correction, counts from trigger-kept bit strings.

Design (see the README's search section for figures):
- `jobs_searchrow` holds one narrow row per open job (filter, facet and sort columns, skills,
  and `head`: title and skill lexemes, what ranking reads); `jobs_searchtext` holds every word
  (title A, skills A/B, company and place C, description D) for plain query words. Both are
  written by the `jobs_search_write` trigger function (migration 0003) in the transaction that
  changes a job, so search is exact without a queue.
- Totals and facet counts come from `jobs_searchbits` (migration 0004, jobs.search.bits): one
  bit string of open jobs per facet value, skill, city, salary band and frequent word, kept by
  triggers on the search tables. A query's filters and words are an AND of a few of them and
  each count a `bit_count`, so counting costs the same for 100 or 30,000 matches. Only a
  "posted within" filter, which has no bit string, counts the matching rows (GROUPING SETS).
- Relevance ranks the newest `RANK_WINDOW` matches (`ts_rank` on `head`), then lists the rest
  newest first: a page never ranks every match of a broad word.
- Skills are indexed as lexemes `sk:<slug>` (not stemmed), so a skill in the query matches the
  skill lists and titles only: "excel" does not match "excellent" in a description.
- Typos: each unknown query word is replaced by its nearest indexed word (`SearchTerm`, trigram
  KNN on a GiST index, then edit distance ≤ 2), so "pyhton" searches "python".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jobs.models import Job
from jobs.search.base import FacetBucket, JobQuery, JobSearchResult
from jobs.search.bits import (
    bits_cte,
    counts_statement,
    filter_bits,
    newest_matches,
    read_counts,
    words_bits,
)
from jobs.search.counts import CountsCache
from jobs.search.rowcounts import read_rows, rows_statement
from jobs.search.terms import Term, plain_words, query_words, read_terms
from jobs.search.typos import add_taxonomy_vocabulary, add_vocabulary, correct_words

SKILL_PREFIX = "sk:"  # as in migration 0003's jobs_search_write
# Relevance ranks the newest this many matches (then the rest follow, newest first).
RANK_WINDOW = 200
# Words of fewer jobs are counted through the GIN indexes (few rows); others from bit strings.
WORD_BITS_MIN_JOBS = 200


@dataclass(frozen=True)
class Match:
    """Conditions on `jobs_searchrow r` for a query's filters and words."""

    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    rank: tuple[str, list[Any]] | None = None  # the ranking expression, for relevance
    words: bool = False  # some conditions are on the words
    bits: tuple[str, list[Any]] | None = None  # the words' bit string (jobs.search.bits)


def _tsquery_literal(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresJobSearch:
    """The default backend: trigger-maintained search tables and a vocabulary table."""

    def __init__(
        self,
        *,
        counts_cache_size: int = 1024,
        rank_window: int = RANK_WINDOW,
        word_bits_min_jobs: int = WORD_BITS_MIN_JOBS,
        **options: Any,
    ) -> None:
        self.options = options
        self.word_bits_min_jobs = word_bits_min_jobs
        self.counts_cache = CountsCache(size=counts_cache_size)
        self.rank_window = rank_window
        self._lexemes = CountsCache(size=4096)  # which word queries are all stop words

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

    def refresh_word_bits(self, min_jobs: int | None = None) -> int:
        """For `reindex_jobs` and after bulk loads: bit strings for the words of at least
        `min_jobs` open jobs (the triggers keep them exact from then on); returns how many."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT jobs_searchbits_refresh_words(%s)", [min_jobs or self.word_bits_min_jobs]
            )
            return int(cursor.fetchone()[0])

    def update_word_bits(self, min_jobs: int | None = None) -> tuple[int, int]:
        """Between reindexes (Celery beat): bit strings for the words that reached `min_jobs`
        open jobs, none for those that fell below; the writers wait only while the changed
        keys are written (migration 0005). Returns (promoted, dropped)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT promoted, dropped FROM jobs_searchbits_update_words(%s)",
                [min_jobs or self.word_bits_min_jobs],
            )
            promoted, dropped = cursor.fetchone()
        return int(promoted), int(dropped)

    # --- searching ------------------------------------------------------------------------
    def search(self, query: JobQuery) -> JobSearchResult:
        words = query_words(query.q)
        corrected = correct_words(words)
        sql, params, cached, reader = self._plan(query, corrected)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if cached is not None:
            ids = [row[0] for row in rows]
            total, facets = cached[0], (cached[1] if query.facets else {})
        else:
            ids, total, facets = reader(rows, query)
            key = self._counts_key(query, corrected)
            if key:
                self.counts_cache.put(key, (total, facets if query.facets else None))
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

    def _plan(self, query: JobQuery, words: list[str]) -> tuple[str, tuple[Any, ...], Any, Any]:
        """The statement, the cached counts (then it finds the page only), and its reader."""
        match = self._match(query, words)
        key = self._counts_key(query, words)
        cached = self.counts_cache.get(key) if key else None
        if cached is not None and (cached[1] is not None or not query.facets):
            page = self._bits_statement(query, match, counts=False)
            if page is None:
                sql, params = self._page(query, match)
                page = (sql, tuple(params))
            return *page, cached, None
        bits = self._bits_statement(query, match)
        if bits is not None:
            return *bits, None, self._read_bits
        where, params = (match.where, match.params) if match is not None else (["false"], [])
        sql, params = rows_statement(where, params, self._page(query, match), facets=query.facets)
        return sql, tuple(params), None, lambda rows, q: read_rows(rows, facets=q.facets)

    def _match(self, query: JobQuery, words: list[str]) -> Match | None:
        """Conditions on `jobs_searchrow r` for the filters and words, and the ranking
        expression when the words rank; None when no word can match anything."""
        where, params = self._filters(query)
        terms = read_terms(words)
        if not terms:
            return Match(where, params)
        text = self._text(terms)
        if text is None:
            return None
        rank = (text[2], text[3]) if query.sort == "relevance" else None
        return Match(where + text[0], params + text[1], rank, True, text[4])

    def _page(
        self, query: JobQuery, match: Match | None, *, bits: bool = False
    ) -> tuple[str, list[Any]]:
        """The page of job ids, in order.

        Relevance ranks only the newest `rank_window` matches and lists the older ones after
        them, newest first: ranking every match of a broad word ("engineer": a third of all
        jobs) is what made relevance slow, and on a job board a fresh posting of the same rank
        comes first anyway. With `bits` (the CTE `f` of jobs.search.bits holds the matches)
        the newest matches come from the bit string (`newest_matches`: an index-only scan, or
        the ids of a sparse set), and only the window's own rows are read, for their rank;
        otherwise from the conditions on the rows.
        """
        limits = [query.limit, query.offset]
        if match is None:
            return "SELECT NULL::bigint AS job_id WHERE false", []
        where, params, rank = match.where, match.params, match.rank
        condition = f" WHERE {' AND '.join(where)}" if where else ""
        order = "r.published_at DESC, r.job_id DESC"
        if rank is None and (query.sort == "salary" or not bits):
            if query.sort == "salary":
                order = f"r.salary DESC NULLS LAST, {order}"
            sql = (
                f"SELECT r.job_id FROM jobs_searchrow r{condition}"  # noqa: S608
                f" ORDER BY {order} LIMIT %s OFFSET %s"
            )
            return sql, [*params, *limits]
        if rank is None:
            newest, newest_params = newest_matches(query.limit, query.offset)
            return f"SELECT r.job_id FROM ({newest}) r ORDER BY {order}", newest_params  # noqa: S608

        def newest(limit: int, offset: int) -> tuple[str, list[Any]]:
            if bits:
                return newest_matches(limit, offset)
            return (
                f"SELECT r.job_id, r.published_at FROM jobs_searchrow r{condition}"  # noqa: S608
                f" ORDER BY {order} LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )

        window, window_params = newest(self.rank_window, 0)
        parts = [
            f"SELECT w.job_id, w.published_at, 0 AS part, {rank[0]} AS rank"  # noqa: S608
            f" FROM ({window}) w JOIN jobs_searchrow r ON r.job_id = w.job_id"
        ]
        parts_params = [*rank[1], *window_params]
        wanted = query.offset + query.limit
        if wanted > self.rank_window:
            older, older_params = newest(wanted - self.rank_window, self.rank_window)
            parts.append(f"SELECT w.job_id, w.published_at, 1, 0::real FROM ({older}) w")  # noqa: S608
            parts_params += older_params
        sql = (
            f"SELECT job_id FROM ({' UNION ALL '.join(parts)}) m "  # noqa: S608
            "ORDER BY part, rank DESC, published_at DESC, job_id DESC LIMIT %s OFFSET %s"
        )
        return sql, [*parts_params, *limits]

    def _bits_statement(
        self, query: JobQuery, match: Match | None, *, counts: bool = True
    ) -> tuple[str, tuple[Any, ...]] | None:
        """Total and facet counts from the bitmaps (jobs.search.bits) and the page in one
        statement: rows (0, key, count), then (1, NULL, job id) in page order; without
        `counts` (they are cached) the job ids of the page only. None when a filter has no
        bitmap."""
        filters = filter_bits(query)
        if filters is None:
            return None
        parts, params = filters
        if match is None:
            parts, params = ["NULL::varbit"], []  # no word can match anything
        elif match.words and match.bits is not None:
            parts, params = [match.bits[0], *parts], [*match.bits[1], *params]
        cte, cte_params = bits_cte(parts, params)
        page_sql, page_params = self._page(query, match, bits=True)
        if not counts:
            return f"WITH {cte} {page_sql}", (*cte_params, *page_params)
        counted, counted_params = counts_statement(query)
        sql = (
            f"WITH {cte} (SELECT 0, c.* FROM ({counted}) c) UNION ALL "  # noqa: S608
            f"(SELECT 1, NULL, p.job_id FROM ({page_sql}) p)"
        )
        return sql, (*cte_params, *counted_params, *page_params)

    def _read_bits(
        self, rows: list[tuple[Any, ...]], query: JobQuery
    ) -> tuple[list[int], int, dict[str, list[FacetBucket]]]:
        ids = [row[2] for row in rows if row[0] == 1]
        total, facets = read_counts([row[1:] for row in rows if row[0] == 0], facets=query.facets)
        return ids, total, facets

    def _counts_key(self, query: JobQuery, words: list[str]) -> tuple[Any, ...] | None:
        """Where this query's total and facets are cached (None when they must be counted:
        no cache, a time-relative filter, or a transaction that changed data, which sees
        rows nobody else does)."""
        if self.counts_cache.size == 0 or query.posted_within_days is not None:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT generation FROM jobs_searchstate "
                "WHERE id = 1 AND pg_current_xact_id_if_assigned() IS NULL"
            )
            row = cursor.fetchone()
        if row is None:
            return None
        counted = replace(query, q=" ".join(words), sort="relevance", offset=0, limit=0)
        return (connection.settings_dict["NAME"], row[0], counted)

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
        self, terms: list[Term]
    ) -> tuple[list[str], list[Any], str, list[Any], tuple[str, list[Any]]] | None:
        """Conditions for the words (all must match) and the ranking expression (any of them,
        on title and skills); None when no word can match anything.

        A skill is looked up in `head` (its skill lexeme, or its words in the title), so
        "excel" never matches "excellent" in a description; plain words in the full text, as
        a semi-join the planner may run either way (all matches by GIN, or a primary-key
        lookup for each row a newest-first scan reaches).
        """
        head: list[str] = []
        head_params: list[Any] = []
        plain: list[str] = []
        skills: list[tuple[str, list[str]]] = []
        for term in terms:
            words = plain_words(term.text)
            if term.skill:
                skills.append((term.skill, words))
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
        if plain:
            where.append(
                "r.job_id IN (SELECT t.job_id FROM jobs_searchtext t "  # noqa: S608 (constants)
                f"WHERE t.document @@ ({' && '.join(plain_sql)}))"
            )
            params += plain
        rank_sql = f"ts_rank('{{0.1, 0.2, 0.6, 1.0}}', r.head, ({' || '.join(head + plain_sql)}))"
        return where, params, rank_sql, [*head_params, *plain], words_bits(skills, plain)

    def _with_lexemes(self, queries: list[str]) -> list[str]:
        """The word queries that are not all stop words ("the"), in order."""
        if not queries:
            return queries
        known = self._lexemes.get(tuple(queries))
        if known is not None:
            return known
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT q FROM unnest(%s::text[]) WITH ORDINALITY AS u(q, n) "
                "WHERE numnode(to_tsquery('english', q)) > 0 ORDER BY n",
                [queries],
            )
            kept = [row[0] for row in cursor.fetchall()]
        self._lexemes.put(tuple(queries), kept)
        return kept
