"""Totals and facet counts from the trigger-kept bitmaps of open jobs (migration 0004).

A query's filters become an AND of bit strings (an OR within one field: `workplace` remote or
hybrid), its words a bit string of the rows that match them (computed from the GIN indexes);
the total and every facet bucket are then `bit_count(filter & key)` over one row per facet
value, whatever the number of matching jobs. Only a filter without a bitmap
(`posted_within_days`) leaves the counting to a pass over the matching rows.
"""

from __future__ import annotations

from typing import Any

from jobs.search.base import FACETS, TOP_SKILLS, FacetBucket, JobQuery

SALARY_BAND = 10000  # as 'salary:<currency>:<annual maximum // 10000>' in migration 0004
# Key prefix → facet name.
FACET_KEYS = {
    "workplace": "workplace",
    "employment_type": "employment_type",
    "seniority": "seniority",
    "country": "country",
    "company": "company",
    "rskill": "skills",
}
# Matches of at least one job in this many are paged by a newest-first index scan (at most
# ~25k index entries for a window of 200, ~3 ms); sparser ones by listing their ids (fewer
# than ~800 index lookups, ~3 ms), whichever reads less.
DENSE_ONE_IN = 128
# Single-valued fields: a job with one value has no other (filtered out, those buckets are 0).
_EXCLUSIVE = ("workplace", "employment_type", "seniority")
_ANY = "(SELECT bit_or(bits) FROM jobs_searchbits WHERE key = ANY(%s))"
_CAPACITY = "(SELECT length(bits) FROM jobs_searchbits WHERE key = 'all')"
_ZEROS = "(SELECT bits # bits FROM jobs_searchbits WHERE key = 'all')"


def filter_bits(query: JobQuery) -> tuple[list[str], list[Any]] | None:
    """Bit string expressions whose AND is the set of open jobs that pass the query's filters
    (NULL where no open job has the value); None when a filter has no bitmap."""
    if query.posted_within_days is not None:
        return None
    parts: list[str] = []
    params: list[Any] = []

    def any_of(keys: list[str]) -> None:
        parts.append(_ANY)
        params.append(keys)

    if query.country:
        any_of([f"country:{query.country}"])
    if query.city:
        parts.append("(SELECT bits FROM jobs_searchbits WHERE key = 'city:' || lower(%s))")
        params.append(query.city)
    for name in ("workplace", "employment_type", "seniority"):
        values = getattr(query, name)
        if values:
            any_of([f"{name}:{value}" for value in values])
    if query.salary_at_least is not None:
        # Whole bands at or above the minimum, and the rows of the band it falls inside
        # (the `searchrow_salary` index finds them).
        band = -(-query.salary_at_least // SALARY_BAND)
        whole = (
            "SELECT bits AS b FROM jobs_searchbits WHERE key LIKE 'salary:%%'"
            " AND split_part(key, ':', 2) = %s AND split_part(key, ':', 3)::bigint >= %s"
        )
        params += [query.currency, band]
        if query.salary_at_least % SALARY_BAND:
            whole += (
                " UNION ALL SELECT jobs_searchbits_mask(ARRAY(SELECT r.job_id"  # noqa: S608
                " FROM jobs_searchrow r WHERE r.salary_currency = %s AND r.salary >= %s"
                f" AND r.salary < %s), {_CAPACITY})"
            )
            params += [query.currency, query.salary_at_least, band * SALARY_BAND]
        parts.append(f"(SELECT bit_or(b) FROM ({whole}) s)")  # noqa: S608
    if query.skills_all:
        keys = sorted({f"skill:{slug}" for slug in query.skills_all})
        parts.append(
            "(SELECT CASE WHEN count(*) = %s THEN bit_and(bits) END FROM jobs_searchbits"
            " WHERE key = ANY(%s))"
        )
        params += [len(keys), keys]
    if query.skills_any:
        any_of([f"skill:{slug}" for slug in query.skills_any])
    if query.company is not None:
        any_of([f"company:{query.company}"])
    return parts, params


def words_bits(skills: list[tuple[str, list[str]]], plain: list[str]) -> tuple[str, list[Any]]:
    """A bit string of the rows whose words match, ANDed over the terms: a skill's bits or
    its word in the title ('head:'), a plain word's ('word:'). A word too rare to have bits
    (`jobs_searchbits_refresh_words`) and a phrase are found through the GIN indexes: few
    rows, or few terms."""
    parts: list[str] = []
    params: list[Any] = []
    for slug, words in skills:
        skill = f"coalesce((SELECT bits FROM jobs_searchbits WHERE key = %s), {_ZEROS})"  # noqa: S608
        params.append(f"skill:{slug}")
        if words:
            head, head_params = _word("head", " <-> ".join(words))
            skill = f"({skill} | {head})"
            params += head_params
        parts.append(skill)
    for query in plain:
        word, word_params = _word("word", query)
        parts.append(word)
        params += word_params
    return " & ".join(parts), params


def _word(prefix: str, query: str) -> tuple[str, list[Any]]:
    """Bits of the rows whose head ('head') or full text ('word') matches a word query."""
    if prefix == "head":
        rows = "SELECT r.job_id FROM jobs_searchrow r WHERE r.head @@ to_tsquery('english', %s)"
    else:
        rows = (
            "SELECT t.job_id FROM jobs_searchtext t WHERE t.document @@ to_tsquery('english', %s)"
        )
    by_rows = f"jobs_searchbits_mask(ARRAY({rows}), {_CAPACITY})"
    if "<->" in query:
        return by_rows, [query]
    key = (
        f"(SELECT bits FROM jobs_searchbits WHERE key = '{prefix}:' ||"  # noqa: S608
        " (tsvector_to_array(to_tsvector('english', %s)))[1])"
    )
    return f"coalesce({key}, {by_rows})", [query, query]


def bits_cte(parts: list[str], params: list[Any]) -> tuple[str, list[Any]]:
    """The CTE `f`: the bit string `b` of the matching jobs (`parts` ANDed), and whether they
    are dense enough (`DENSE_ONE_IN`) for a newest-first scan to find a page of them soon;
    the CTE `i`: their ids, listed only when a sparse page reads them."""
    expression = " & ".join(["(SELECT bits FROM jobs_searchbits WHERE key = 'all')", *parts])
    sql = (
        "f AS MATERIALIZED (SELECT x.b,"  # noqa: S608
        f" coalesce(bit_count(x.b) * {DENSE_ONE_IN} >= length(x.b), false) AS dense"
        f" FROM (SELECT {expression} AS b OFFSET 0) x),"
        " i AS MATERIALIZED (SELECT jobs_searchbits_ids(b) AS ids FROM f)"
    )
    return sql, params


def newest_matches(limit: int, offset: int) -> tuple[str, list[Any]]:
    """(job_id, published_at) of the matches in `f`, newest first, `limit` after `offset`.

    Dense matches: a scan of the `searchrow_newest` index that tests each entry's bit; it
    reads the index only (`<> 0`, not `= 1`: the planner then expects most entries to pass
    and takes the ordered scan), about `limit / density` entries. Sparse ones: their ids
    listed from the bits (`jobs_searchbits_ids`, migration 0005) and their dates read from
    `searchrow_published`, never the rows of a filter or a word."""
    order = "ORDER BY r.published_at DESC, r.job_id DESC LIMIT %s OFFSET %s"
    dense = (
        "SELECT r.job_id, r.published_at FROM jobs_searchrow r WHERE (SELECT dense FROM f)"  # noqa: S608
        f" AND get_bit((SELECT b FROM f), r.job_id::integer) <> 0 {order}"
    )
    sparse = (
        "SELECT r.job_id, r.published_at FROM jobs_searchrow r WHERE NOT (SELECT dense FROM f)"  # noqa: S608
        f" AND r.job_id = ANY((SELECT ids FROM i)::bigint[]) {order}"
    )
    return f"({dense}) UNION ALL ({sparse})", [limit, offset, limit, offset]


def counts_statement(query: JobQuery) -> tuple[str, list[Any]]:
    """(key, count) rows from `f`: 'all' with the total, with `query.facets` one per facet
    value, except the values a filter on the same field excludes (their count is 0: no bit
    string is read for them)."""
    prefixes = list(FACET_KEYS) if query.facets else []
    sql = (
        "SELECT s.key, bit_count(s.bits & f.b) FROM f, jobs_searchbits s"
        " WHERE (s.key = 'all' OR split_part(s.key, ':', 1) = ANY(%s))"
    )
    params: list[Any] = [prefixes]
    chosen = {name: list(getattr(query, name)) for name in _EXCLUSIVE}
    chosen |= {"country": [query.country] if query.country else []}
    chosen |= {"company": [query.company] if query.company is not None else []}
    for name, values in chosen.items():
        if query.facets and values:
            sql += " AND (split_part(s.key, ':', 1) <> %s OR s.key = ANY(%s))"
            params += [name, [f"{name}:{value}" for value in values]]
    return sql, params


def read_counts(
    rows: list[tuple[str, int | None]], *, facets: bool
) -> tuple[int, dict[str, list[FacetBucket]]]:
    total = 0
    buckets: dict[str, list[FacetBucket]] = {name: [] for name in FACETS} if facets else {}
    for key, count in rows:
        if not count:
            continue
        if key == "all":
            total = count
            continue
        prefix, _, value = key.partition(":")
        if facets and value:
            buckets[FACET_KEYS[prefix]].append(FacetBucket(value=value, count=count))
    for values in buckets.values():
        values.sort(key=lambda b: (-b.count, b.value))
    if facets:
        buckets["skills"] = buckets["skills"][:TOP_SKILLS]
    return total, buckets
