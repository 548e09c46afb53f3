"""Job postings: what a company is hiring for, and the candidates' saved jobs.

Skills are taxonomy slugs (``resumes.skills``), stored as arrays with GIN indexes; there is no
skill table. The PostgreSQL search tables (``SearchRow``, ``SearchText``: open jobs only) are
kept exact by database triggers (migration 0003); the typo vocabulary (``SearchTerm``) is written
explicitly by the search backend's ``index_jobs``, never by ``save()`` or signals.
"""

from jobs.models.job import (
    ANNUAL_FACTOR,
    DESCRIPTION_ATTRIBUTES,
    DESCRIPTION_TAGS,
    EMBEDDING_DIMENSIONS,
    Job,
    JobQuerySet,
    render_markdown,
)
from jobs.models.saved import SavedJob
from jobs.models.search import SearchRow, SearchTerm, SearchText

__all__ = [
    "ANNUAL_FACTOR",
    "DESCRIPTION_ATTRIBUTES",
    "DESCRIPTION_TAGS",
    "EMBEDDING_DIMENSIONS",
    "Job",
    "JobQuerySet",
    "SavedJob",
    "SearchRow",
    "SearchTerm",
    "SearchText",
    "render_markdown",
]
