"""Totals and facet counts by counting the matching rows: the path of a filter without a bit
string ("posted within N days"), one statement over one scan of the matches.

The matches are materialized once (a CTE) from the narrow `jobs_searchrow`; the total and the
single-valued facets come from one GROUPING SETS aggregation, the skills facet from an
`unnest`, then the page. UNION ALL of parenthesized queries keeps each part's order.
"""

from __future__ import annotations

from typing import Any

from jobs.search.base import FACETS, TOP_SKILLS, FacetBucket

FACET_COLUMNS = ["workplace", "employment_type", "seniority", "country", "company_id"]


def rows_statement(
    where: list[str], params: list[Any], page: tuple[str, list[Any]], *, facets: bool
) -> tuple[str, list[Any]]:
    """Rows (kind, values..., grouping, count): 0 total and facets, 1 skills, 2 the page."""
    columns = FACET_COLUMNS
    select = ["r.job_id", *(f"r.{c}" for c in columns), "r.required_skills"]
    inner = f"SELECT {', '.join(select)} FROM jobs_searchrow r" + (  # noqa: S608
        f" WHERE {' AND '.join(where)}" if where else ""
    )
    params = list(params)
    value_columns = ", ".join(f"{c}::text" for c in columns)
    nulls = ", ".join("NULL" for _ in columns[1:])
    if facets:
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
    parts.append(f"(SELECT 2, p.job_id::text, {nulls}, 0, 0 FROM ({page[0]}) p)")  # noqa: S608
    sql = f"WITH m AS MATERIALIZED ({inner}) " + " UNION ALL ".join(parts)
    return sql, [*params, *page[1]]


def read_rows(
    rows: list[tuple[Any, ...]], *, facets: bool
) -> tuple[list[int], int, dict[str, list[FacetBucket]]]:
    columns = FACET_COLUMNS
    total = 0
    ids: list[int] = []
    buckets: dict[str, list[FacetBucket]] = {name: [] for name in FACETS} if facets else {}
    all_bits = (1 << len(columns)) - 1
    for kind, *values, grouping, count in rows:
        if kind == 2:
            ids.append(int(values[0]))
        elif kind == 1:
            buckets["skills"].append(FacetBucket(value=values[0], count=count))
        elif grouping == all_bits:
            total = count
        else:
            for position, column in enumerate(columns):
                # GROUPING() sets a bit per column *not* grouped; the leftmost is highest.
                if not grouping & (1 << (len(columns) - 1 - position)):
                    value = values[position]
                    if value not in (None, ""):
                        name = "company" if column == "company_id" else column
                        buckets[name].append(FacetBucket(value=value, count=count))
    for name in ("workplace", "employment_type", "seniority", "country", "company"):
        if name in buckets:
            buckets[name].sort(key=lambda b: (-b.count, b.value))
    return ids, total, buckets
