"""Embedding, retrieval and match recomputation, split by sub-domain.

Recompute for a job: the pool is the top-K embedded candidates by pgvector cosine (IVF or HNSW, SQL
filters, iterative scan), the candidates holding every required skill (GIN containment) and the
candidates already matched. The pool is re-ranked with the full hybrid score; the top N and every
already stored pair (re-scored) are saved, so a `Match` row is never stale after a recompute of
either side. Pairs that fail a hard filter, and jobs no longer open, lose their rows. The same,
mirrored, for a candidate against open jobs. `exact=True` replaces the HNSW scan with a
sequential one (brute force), for small sets and for measuring the index's recall.

    embedding.py   embed_job, embed_profile, reembed_stale (another model's vectors)
    retrieval.py   candidate_pool, retrieve_candidates, retrieve_jobs (IVF, HNSW or exact)
    indexes.py     ensure_partition_index, ensure_country_indexes (the vector indexes' upkeep)
    recompute.py   rank_* (the pool re-ranked), recompute_matches_for_* (ranked and stored)
    pairs.py       match_pair: one pair scored now (PairFiltered when a hard filter excludes it)
    feedback.py    record_match_feedback (shortlist / hide / clear)
    debounce.py    request_*_recompute (a job, a candidate, a company's open jobs), clear_pending

Callers import from `matching.services`; the names below are its public surface.
"""

from matching.services.debounce import (
    clear_pending,
    request_candidate_recompute,
    request_company_recompute,
    request_job_recompute,
    request_job_refresh,
    request_profile_refresh,
    request_rerank,
)
from matching.services.embedding import (
    VECTOR_COLUMN_DIMENSIONS,
    embed_job,
    embed_profile,
    reembed_stale,
)
from matching.services.feedback import FEEDBACK_ACTIONS, record_match_feedback
from matching.services.indexes import ensure_country_indexes, ensure_partition_index
from matching.services.pairs import PAIR_IDF_JOBS, PairFiltered, match_pair
from matching.services.recompute import (
    rank_candidates_for_job,
    rank_jobs_for_candidate,
    recompute_matches_for_candidate,
    recompute_matches_for_job,
)
from matching.services.retrieval import (
    candidate_pool,
    retrieve_candidates,
    retrieve_jobs,
    vector_ids,
)

__all__ = [
    "FEEDBACK_ACTIONS",
    "PAIR_IDF_JOBS",
    "VECTOR_COLUMN_DIMENSIONS",
    "PairFiltered",
    "candidate_pool",
    "clear_pending",
    "embed_job",
    "embed_profile",
    "ensure_country_indexes",
    "ensure_partition_index",
    "match_pair",
    "rank_candidates_for_job",
    "rank_jobs_for_candidate",
    "recompute_matches_for_candidate",
    "recompute_matches_for_job",
    "record_match_feedback",
    "reembed_stale",
    "request_candidate_recompute",
    "request_company_recompute",
    "request_job_recompute",
    "request_job_refresh",
    "request_profile_refresh",
    "request_rerank",
    "retrieve_candidates",
    "retrieve_jobs",
    "vector_ids",
]
