"""The job search contract: one query shape in, ordered ids + total + facet counts out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

Sort = Literal["relevance", "newest", "salary"]
SORTS: tuple[str, ...] = ("relevance", "newest", "salary")
# Facets every backend returns, in this order; `company` buckets carry the company id.
FACETS: tuple[str, ...] = (
    "workplace",
    "employment_type",
    "seniority",
    "country",
    "company",
    "skills",
)
TOP_SKILLS = 20  # buckets in the skills facet


@dataclass(frozen=True)
class JobQuery:
    """What a candidate asks for. Empty values mean "no filter"."""

    q: str = ""
    country: str = ""  # ISO code, upper case
    city: str = ""
    workplace: tuple[str, ...] = ()
    employment_type: tuple[str, ...] = ()
    seniority: tuple[str, ...] = ()
    salary_at_least: int | None = None  # per year, in `currency`; hidden salaries never match
    currency: str = ""
    skills_all: tuple[str, ...] = ()  # taxonomy slugs, each required or preferred
    skills_any: tuple[str, ...] = ()
    posted_within_days: int | None = None
    company: int | None = None
    sort: Sort = "relevance"
    offset: int = 0
    limit: int = 20
    facets: bool = True


@dataclass(frozen=True)
class FacetBucket:
    value: str
    count: int


@dataclass(frozen=True)
class JobSearchResult:
    ids: list[int]
    total: int
    facets: dict[str, list[FacetBucket]] = field(default_factory=dict)
    # The query as searched after typo correction ("pyhton" → "python"); "" when unchanged.
    corrected_q: str = ""


class SearchUnavailable(Exception):
    """The search engine did not answer; worth a retry."""


class JobSearchBackend(Protocol):
    def search(self, query: JobQuery) -> JobSearchResult: ...

    def index_jobs(self, job_ids: Sequence[int]) -> int:
        """Bring these jobs up to date in the index (removing the ones no longer open or
        deleted); returns how many are now searchable."""
        ...
