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
from django.db.models import BooleanField, FloatField, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jobs.models import Job
from jobs.search.base import FACETS, TOP_SKILLS, FacetBucket, JobQuery, JobSearchResult
from jobs.search.terms import Term, plain_words, query_words, read_terms
from resumes.skills import all_skills, normalize_skill

SKILL_PREFIX = "sk:"
MIN_CORRECTABLE = 4  # shorter words are left alone ("go", "ux", "sql")


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
        terms = read_terms(corrected)
        queryset = self._filtered(query)
        rank_sql, rank_params = "", []
        if terms:
            match_sql, match_params, rank_sql, rank_params = self._text_query(terms)
            queryset = queryset.filter(
                RawSQL(  # noqa: S611 (constant SQL; the words are parameters)
                    f"jobs_job.search_vector @@ ({match_sql})",
                    match_params,
                    output_field=BooleanField(),
                )
            )
        if query.facets:
            total, facets = self._facets(queryset)
        else:
            total, facets = queryset.count(), {}
        ids = self._page(queryset, query, terms, rank_sql, rank_params) if total else []
        return JobSearchResult(
            ids=ids,
            total=total,
            facets=facets,
            corrected_q=" ".join(corrected) if corrected != words else "",
        )

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

    def _page(
        self,
        queryset,
        query: JobQuery,
        terms: list[Term],
        rank_sql: str,
        rank_params: list[Any],
    ) -> list[int]:
        if query.sort == "salary":
            order = ["-salary_max_annual", "-published_at", "-id"]
            queryset = queryset.filter(salary_visible=True, salary_max_annual__isnull=False)
            ids = list(
                queryset.order_by(*order).values_list("id", flat=True)[
                    query.offset : query.offset + query.limit
                ]
            )
            return ids
        if query.sort == "relevance" and terms:
            queryset = queryset.annotate(
                rank=RawSQL(  # noqa: S611 (constant SQL; the words are parameters)
                    f"ts_rank('{{0.1, 0.2, 0.6, 1.0}}', jobs_job.search_head, ({rank_sql}))",
                    rank_params,
                    output_field=FloatField(),
                )
            )
            order = ["-rank", "-published_at", "-id"]
        else:
            order = ["-published_at", "-id"]
        return list(
            queryset.order_by(*order).values_list("id", flat=True)[
                query.offset : query.offset + query.limit
            ]
        )

    def _facets(self, queryset) -> tuple[int, dict[str, list[FacetBucket]]]:
        """Total and every facet but skills in one GROUPING SETS pass, skills in a second."""
        columns = ["workplace", "employment_type", "seniority", "country", "company_id"]
        sql, params = queryset.values(*columns).query.sql_with_params()
        grouped = ", ".join(f"({c})" for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)}, GROUPING({', '.join(columns)}), COUNT(*) "  # noqa: S608
                f"FROM ({sql}) m GROUP BY GROUPING SETS ({grouped}, ())",
                params,
            )
            rows = cursor.fetchall()
            skills_sql, skills_params = queryset.values("required_skills").query.sql_with_params()
            cursor.execute(
                f"SELECT s, COUNT(*) FROM ({skills_sql}) m, unnest(m.required_skills) s "  # noqa: S608
                "GROUP BY s ORDER BY COUNT(*) DESC, s LIMIT %s",
                [*skills_params, TOP_SKILLS],
            )
            skill_rows = cursor.fetchall()
        total = 0
        buckets: dict[str, list[FacetBucket]] = {name: [] for name in FACETS}
        all_bits = (1 << len(columns)) - 1
        for row in rows:
            grouping, count = row[-2], row[-1]
            if grouping == all_bits:
                total = count
                continue
            for position, column in enumerate(columns):
                # GROUPING() sets a bit for each column *not* grouped; the leftmost is highest.
                if not grouping & (1 << (len(columns) - 1 - position)):
                    value = row[position]
                    if value not in (None, ""):
                        name = "company" if column == "company_id" else column
                        buckets[name].append(FacetBucket(value=str(value), count=count))
        for name in buckets:
            buckets[name].sort(key=lambda b: (-b.count, b.value))
        buckets["skills"] = [FacetBucket(value=s, count=c) for s, c in skill_rows]
        return total, buckets

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
