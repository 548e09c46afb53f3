"""PostgreSQL job search: weighted tsvector + GIN, skill lexemes, trigram typo correction,
facets by one GROUPING SETS aggregation.

Design (see the README's search section for figures):
- `search_vector` holds every word (title A, skills A/B, company and place C, description D);
  `search_head` holds only the title and skills and is what ranking reads, so ranking stays
  cheap (small, never TOASTed vectors) even when a broad word matches most postings.
- Skills are indexed as lexemes `sk:<slug>` (not stemmed), so a skill in the query matches the
  skill lists and titles only: "excel" does not match "excellent" in a description.
- Typos: each unknown query word is replaced by its nearest indexed word (`SearchTerm`, trigram
  KNN on a GiST index, then edit distance ≤ 2), so "pyhton" searches "python".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import BigIntegerField, BooleanField, Case, F, FloatField, Q, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jobs.models import Job
from jobs.search.base import FACETS, TOP_SKILLS, FacetBucket, JobQuery, JobSearchResult
from jobs.search.terms import Term, plain_words, query_words, read_terms
from resumes.skills import all_skills, normalize_skill

SKILL_PREFIX = "sk:"
MIN_CORRECTABLE = 4  # shorter words are left alone ("go", "ux", "sql")
FACET_COLUMNS = [
    "workplace",
    "employment_type",
    "seniority",
    "country",
    "company_id",
]


def _skill_lexemes(column: str) -> str:
    # Built from constants only; every value from a request travels as a query parameter.
    return f"array_to_tsvector(ARRAY(SELECT '{SKILL_PREFIX}' || s FROM unnest({column}) s))"  # noqa: S608


_HEAD_SQL = (
    "setweight(to_tsvector('english', j.title), 'A')"
    f" || setweight({_skill_lexemes('j.required_skills')}, 'A')"
    f" || setweight({_skill_lexemes('j.preferred_skills')}, 'B')"
)
_INDEX_SQL = f"""
UPDATE jobs_job j SET
    search_head = {_HEAD_SQL},
    search_vector = {_HEAD_SQL}
        || setweight(to_tsvector('english', c.name || ' ' || j.city || ' ' || j.region), 'C')
        || setweight(to_tsvector('english', j.description), 'D'),
    indexed_at = now()
FROM accounts_company c
WHERE c.id = j.company_id AND j.id = ANY(%s)
"""  # noqa: S608
_VOCABULARY_SQL = """
INSERT INTO jobs_searchterm (word)
SELECT DISTINCT w FROM jobs_job j,
    unnest(tsvector_to_array(to_tsvector('simple', j.title || ' ' || j.description))) w
WHERE j.id = ANY(%s) AND w ~ '^[a-z]{4,64}$'
ON CONFLICT DO NOTHING
"""
_NEAREST_SQL = """
SELECT word FROM jobs_searchterm ORDER BY word <-> %s LIMIT 10
"""


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: a swap of two neighbours ("pyhton") costs one."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _tsquery_literal(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


class PostgresJobSearch:
    """The default backend: the index is columns of `jobs_job` and a vocabulary table."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    # --- indexing -------------------------------------------------------------------------
    def index_jobs(self, job_ids: Sequence[int]) -> int:
        ids = list(job_ids)
        if not ids:
            return 0
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_INDEX_SQL, [ids])
            cursor.execute(_VOCABULARY_SQL, [ids])
        self.add_taxonomy_vocabulary()
        return Job.objects.open().filter(id__in=ids).count()

    def add_taxonomy_vocabulary(self) -> None:
        """Skill names and aliases are words worth correcting to, even before any job uses them."""
        words = {
            word
            for skill in all_skills()
            for text in (skill.name, skill.slug, *skill.aliases)
            for word in plain_words(text)
            if len(word) >= MIN_CORRECTABLE and word.isalpha()
        }
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO jobs_searchterm (word) SELECT unnest(%s::text[]) "
                "ON CONFLICT DO NOTHING",
                [sorted(words)],
            )

    # --- searching ------------------------------------------------------------------------
    def search(self, query: JobQuery) -> JobSearchResult:
        words = query_words(query.q)
        corrected = self._correct(words)
        queryset, rank = self.matching(query, words=corrected)
        ids, total, facets = self._run(queryset, query, rank)
        return JobSearchResult(
            ids=ids,
            total=total,
            facets=facets,
            corrected_q=" ".join(corrected) if corrected != words else "",
        )

    def matching(self, query: JobQuery, *, words: list[str] | None = None):
        """The open jobs matching `query`'s filters and words, and the ranking expression
        (None without words)."""
        terms = read_terms(query_words(query.q) if words is None else words)
        queryset = self._filtered(query)
        if not terms:
            return queryset, None
        match_sql, match_params, rank_sql, rank_params = self._text_query(terms)
        queryset = queryset.filter(
            RawSQL(  # noqa: S611 (constant SQL; the words are parameters)
                f"jobs_job.search_vector @@ ({match_sql})",
                match_params,
                output_field=BooleanField(),
            )
        )
        rank = RawSQL(  # noqa: S611 (constant SQL; the words are parameters)
            f"ts_rank('{{0.1, 0.2, 0.6, 1.0}}', jobs_job.search_head, ({rank_sql}))",
            rank_params,
            output_field=FloatField(),
        )
        return queryset, rank

    def _filtered(self, query: JobQuery):
        queryset = Job.objects.open()
        if query.country:
            queryset = queryset.filter(country=query.country)
        if query.city:
            queryset = queryset.filter(city__iexact=query.city)
        if query.workplace:
            queryset = queryset.filter(workplace__in=query.workplace)
        if query.employment_type:
            queryset = queryset.filter(employment_type__in=query.employment_type)
        if query.seniority:
            queryset = queryset.filter(seniority__in=query.seniority)
        if query.salary_at_least is not None:
            queryset = queryset.filter(
                salary_visible=True,
                salary_currency=query.currency,
                salary_max_annual__gte=query.salary_at_least,
            )
        for slug in query.skills_all:
            queryset = queryset.filter(
                Q(required_skills__contains=[slug]) | Q(preferred_skills__contains=[slug])
            )
        if query.skills_any:
            queryset = queryset.filter(
                Q(required_skills__overlap=list(query.skills_any))
                | Q(preferred_skills__overlap=list(query.skills_any))
            )
        if query.posted_within_days is not None:
            since = timezone.now() - timedelta(days=query.posted_within_days)
            queryset = queryset.filter(published_at__gte=since)
        if query.company is not None:
            queryset = queryset.filter(company_id=query.company)
        return queryset

    def _text_query(self, terms: list[Term]) -> tuple[str, list[Any], str, list[Any]]:
        """All terms must match (AND); ranking scores any of them (OR) on title and skills."""
        parts: list[str] = []
        params: list[Any] = []
        for term in terms:
            words = plain_words(term.text)
            if term.skill:
                # The skill in a skill list, or its words in the title (weight A).
                title = " <-> ".join(f"{w}:A" for w in words)
                if title:
                    parts.append("(%s::tsquery || to_tsquery('english', %s))")
                    params += [_tsquery_literal(SKILL_PREFIX + term.skill), title]
                else:
                    parts.append("%s::tsquery")
                    params.append(_tsquery_literal(SKILL_PREFIX + term.skill))
            elif words:
                parts.append("to_tsquery('english', %s)")
                params.append(" <-> ".join(words))
        match_sql = " && ".join(parts) or "''::tsquery"
        rank_sql = " || ".join(parts) or "''::tsquery"
        return match_sql, params, rank_sql, list(params)

    def statement(self, query: JobQuery) -> tuple[str, tuple[Any, ...]]:
        """The one SQL statement `search` runs for `query` (for EXPLAIN in the benchmark)."""
        queryset, rank = self.matching(query, words=self._correct(query_words(query.q)))
        return self._statement(queryset, query, rank)

    def _run(
        self, queryset, query: JobQuery, rank: RawSQL | None
    ) -> tuple[list[int], int, dict[str, list[FacetBucket]]]:
        sql, params = self._statement(queryset, query, rank)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return self._read(rows, query)

    def _statement(
        self, queryset, query: JobQuery, rank: RawSQL | None
    ) -> tuple[str, tuple[Any, ...]]:
        """Page, total and facets in one statement over one scan of the matching jobs.

        The matches are materialized once (a CTE); the total and the single-valued facets
        come from one GROUPING SETS aggregation, the skills facet from a set-returning
        `unnest` in the select list (several times cheaper than a lateral join), the page
        from a top-N sort. The three parts are appended in order (UNION ALL of
        parenthesized queries keeps each part's order; a CTE scan never runs in parallel).
        """
        columns = FACET_COLUMNS
        matches = queryset.order_by().annotate(
            sort_salary=Case(
                When(salary_visible=True, then=F("salary_max_annual")),
                output_field=BigIntegerField(),
            )
        )
        if rank is not None and query.sort == "relevance":
            matches = matches.annotate(rank=rank)
            order = "rank DESC, published_at DESC, id DESC"
        elif query.sort == "salary":
            order = "sort_salary DESC NULLS LAST, published_at DESC, id DESC"
        else:
            order = "published_at DESC, id DESC"
        fields = ["id", "published_at", "sort_salary", *columns, "required_skills"]
        if "rank" in order:
            fields.append("rank")
        inner_sql, params = matches.values(*fields).query.sql_with_params()
        value_columns = ", ".join(f"{c}::text" for c in columns)
        nulls = ", ".join("NULL" for _ in columns[1:])
        if query.facets:
            parts = [
                f"(SELECT 0, {value_columns}, GROUPING({', '.join(columns)}), COUNT(*) "  # noqa: S608
                f"FROM m GROUP BY GROUPING SETS ({', '.join(f'({c})' for c in columns)}, ()))"
            ]
        else:
            parts = [f"(SELECT 0, NULL, {nulls}, {(1 << len(columns)) - 1}, COUNT(*) FROM m)"]  # noqa: S608
        if query.facets:
            parts.append(
                f"(SELECT 1, s, {nulls}, 0, COUNT(*) FROM "  # noqa: S608
                "(SELECT unnest(required_skills) AS s FROM m) skills "
                "GROUP BY s ORDER BY COUNT(*) DESC, s LIMIT %s)"
            )
            params = (*params, TOP_SKILLS)
        parts.append(
            f"(SELECT 2, id::text AS v, {nulls}, 0, 0 FROM m ORDER BY {order} LIMIT %s OFFSET %s)"  # noqa: S608
        )
        params = (*params, query.limit, query.offset)
        sql = f"WITH m AS MATERIALIZED ({inner_sql}) " + " UNION ALL ".join(parts)
        return sql, tuple(params)

    def _read(
        self, rows: list[tuple[Any, ...]], query: JobQuery
    ) -> tuple[list[int], int, dict[str, list[FacetBucket]]]:
        columns = FACET_COLUMNS
        total = 0
        ids: list[int] = []
        facets: dict[str, list[FacetBucket]] = {name: [] for name in FACETS} if query.facets else {}
        all_bits = (1 << len(columns)) - 1
        for kind, *values, grouping, count in rows:
            if kind == 2:
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
        return ids, total, facets

    # --- typo correction ------------------------------------------------------------------
    def _correct(self, words: list[str]) -> list[str]:
        candidates = [
            w
            for w in words
            if len(w) >= MIN_CORRECTABLE and w.isalpha() and normalize_skill(w) is None
        ]
        if not candidates:
            return words
        with connection.cursor() as cursor:
            cursor.execute("SELECT word FROM jobs_searchterm WHERE word = ANY(%s)", [candidates])
            known = {row[0] for row in cursor.fetchall()}
            replacements: dict[str, str] = {}
            for word in candidates:
                if word in known or word in replacements:
                    continue
                cursor.execute(_NEAREST_SQL, [word])
                nearest = [row[0] for row in cursor.fetchall()]
                # Nearest by trigrams first, then by edits; ties keep the trigram order.
                best = min(
                    nearest,
                    key=lambda other: (edit_distance(word, other), nearest.index(other)),
                    default=None,
                )
                if best is not None and edit_distance(word, best) <= (1 if len(word) < 6 else 2):
                    replacements[word] = best
        return [replacements.get(w, w) for w in words]
