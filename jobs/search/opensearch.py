"""OpenSearch job search on django-opensearch-dsl's `JobDocument`.

Facets are terms aggregations over the same query (conjunctive, as in the PostgreSQL backend),
typos are handled by `fuzziness: AUTO`, skills found in the query match the `skills` keyword
and titles. Verified against recorded request/response pairs (jobs/tests/opensearch/), not a
live cluster: none can be installed on the development machines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import NotFoundError, TransportError
from opensearchpy.helpers import bulk

from jobs.models import Job
from jobs.search.base import (
    FACETS,
    TOP_SKILLS,
    FacetBucket,
    JobQuery,
    JobSearchResult,
    SearchUnavailable,
)
from jobs.search.terms import query_words, read_terms

# Facet name → document field.
FACET_FIELDS = {
    "workplace": "workplace",
    "employment_type": "employment_type",
    "seniority": "seniority",
    "country": "country",
    "company": "company_id",
    "skills": "required_skills",
}
TEXT_FIELDS = ["title^3", "skill_names^2", "description"]
SKILL_TEXT_FIELDS = ["title^3", "skill_names^2"]  # never the description ("excel"/"excellent")


def _unavailable(exc: Exception) -> bool:
    if isinstance(exc, OpenSearchConnectionError):
        return True
    status = getattr(exc, "status_code", None)
    return isinstance(status, int) and (status >= 500 or status == 429)


class OpenSearchJobSearch:
    def __init__(self, *, using: str = "default", **options: Any) -> None:
        self.using = using

    @property
    def document(self):
        from jobs.documents import JobDocument

        return JobDocument

    # --- indexing -------------------------------------------------------------------------
    def ensure_index(self, *, recreate: bool = False) -> None:
        index = self.document._index
        try:
            if recreate:
                index.delete(using=self.using, ignore=[404])
            if not index.exists(using=self.using):
                index.create(using=self.using)
        except TransportError as exc:
            raise SearchUnavailable(str(exc)) from exc

    def index_jobs(self, job_ids: Sequence[int]) -> int:
        ids = set(job_ids)
        if not ids:
            return 0
        document = self.document()
        jobs = list(Job.objects.open().filter(id__in=ids).select_related("company"))
        actions: list[dict[str, Any]] = [document._prepare_action(job, "index") for job in jobs]
        index_name = document._index._name
        actions += [
            {"_op_type": "delete", "_index": index_name, "_id": job_id}
            for job_id in sorted(ids - {job.pk for job in jobs})
        ]
        try:
            bulk(
                document._get_connection(self.using),
                actions,
                ignore_status=(404,),  # deleting what was never indexed is fine
                refresh=False,
            )
        except (TransportError, OpenSearchConnectionError) as exc:
            if _unavailable(exc):
                raise SearchUnavailable(str(exc)) from exc
            raise
        return len(jobs)

    # --- searching ------------------------------------------------------------------------
    def build_body(self, query: JobQuery) -> dict[str, Any]:
        """The request body for `query` (public so tests can read the shape)."""
        must: list[dict[str, Any]] = []
        for term in read_terms(query_words(query.q)):
            should: list[dict[str, Any]] = [
                {
                    "multi_match": {
                        "query": term.text,
                        "fields": SKILL_TEXT_FIELDS if term.skill else TEXT_FIELDS,
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "operator": "and",
                    }
                }
            ]
            if term.skill:
                should.append({"term": {"skills": {"value": term.skill, "boost": 3.0}}})
            must.append({"bool": {"should": should, "minimum_should_match": 1}})

        filters: list[dict[str, Any]] = [{"term": {"status": Job.Status.OPEN}}]
        if query.country:
            filters.append({"term": {"country": query.country}})
        if query.city:
            filters.append({"term": {"city": query.city.casefold()}})
        for name in ("workplace", "employment_type", "seniority"):
            values = getattr(query, name)
            if values:
                filters.append({"terms": {name: list(values)}})
        if query.salary_at_least is not None:
            filters.append({"term": {"salary_currency": query.currency}})
            filters.append({"range": {"salary_max_annual": {"gte": query.salary_at_least}}})
        for slug in query.skills_all:
            filters.append({"term": {"skills": slug}})
        if query.skills_any:
            filters.append({"terms": {"skills": list(query.skills_any)}})
        if query.posted_within_days is not None:
            since = timezone.now() - timedelta(days=query.posted_within_days)
            filters.append({"range": {"published_at": {"gte": since.isoformat()}}})
        if query.company is not None:
            filters.append({"term": {"company_id": query.company}})

        sort: list[Any]
        if query.sort == "salary":
            # Jobs without a visible salary come last, as in the PostgreSQL backend.
            sort = [
                {"salary_max_annual": {"order": "desc", "missing": "_last"}},
                {"published_at": "desc"},
                {"job_id": "desc"},
            ]
        elif query.sort == "relevance" and must:
            sort = ["_score", {"published_at": "desc"}, {"job_id": "desc"}]
        else:
            sort = [{"published_at": "desc"}, {"job_id": "desc"}]

        body: dict[str, Any] = {
            "query": {"bool": {"must": must or [{"match_all": {}}], "filter": filters}},
            "sort": sort,
            "from": query.offset,
            "size": query.limit,
            "track_total_hits": True,
            "_source": False,
        }
        if query.facets:
            body["aggs"] = {
                name: {
                    "terms": {
                        "field": FACET_FIELDS[name],
                        "size": TOP_SKILLS if name == "skills" else 50,
                    }
                }
                for name in FACETS
            }
        return body

    def search(self, query: JobQuery) -> JobSearchResult:
        body = self.build_body(query)
        client = self.document._get_connection(self.using)
        try:
            response = client.search(index=self.document._index._name, body=body)
        except NotFoundError:
            return JobSearchResult(ids=[], total=0, facets={name: [] for name in FACETS})
        except (TransportError, OpenSearchConnectionError) as exc:
            if _unavailable(exc):
                raise SearchUnavailable(str(exc)) from exc
            raise
        return self._read(response, facets=query.facets)

    def _read(self, response: dict[str, Any], *, facets: bool) -> JobSearchResult:
        hits = response.get("hits", {})
        total = hits.get("total", {})
        total = total.get("value", 0) if isinstance(total, dict) else int(total or 0)
        ids = [int(hit["_id"]) for hit in hits.get("hits", [])]
        buckets: dict[str, list[FacetBucket]] = {}
        if facets:
            aggregations = response.get("aggregations", {})
            for name in FACETS:
                rows = aggregations.get(name, {}).get("buckets", [])
                buckets[name] = [
                    FacetBucket(value=str(row["key"]), count=int(row["doc_count"]))
                    for row in rows
                    if row.get("key") not in (None, "")
                ]
        return JobSearchResult(ids=ids, total=total, facets=buckets)
