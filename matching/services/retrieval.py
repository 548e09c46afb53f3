"""Retrieval of a ranking pool: pgvector nearest neighbours (HNSW or exact) with SQL filters,
united with the lexical matches on required skills."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from pgvector.django import CosineDistance

from jobs.models import Job
from resumes.models import CandidateProfile


def vector_ids(queryset: QuerySet, vector: Sequence[float], k: int, *, exact: bool) -> list[int]:
    """Ids of the k nearest rows by cosine distance: HNSW scan, or brute force when exact."""
    ordered = queryset.order_by(CosineDistance("embedding", list(vector))).values_list(
        "pk", flat=True
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if exact:
            cursor.execute("SET LOCAL enable_indexscan = off")
        else:
            ef = max(settings.MATCH_HNSW_EF_SEARCH, k)
            cursor.execute(f"SET LOCAL hnsw.ef_search = {int(ef)}")
            # Filtered queries keep scanning the graph until k rows pass the filter.
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        return list(ordered[:k])


def candidate_pool(job: Job) -> QuerySet[CandidateProfile]:
    """Candidates a job may be shown: SQL versions of the hard filters (re-checked in Python)."""
    pool = CandidateProfile.objects.all()
    if job.workplace != Job.Workplace.REMOTE:
        pool = pool.exclude(remote_preference=CandidateProfile.RemotePreference.REMOTE)
        if job.country:
            pool = pool.filter(
                Q(work_authorization=[]) | Q(work_authorization__contains=[job.country.upper()])
            )
    return pool


def retrieve_candidates(job: Job, *, k: int | None = None, exact: bool = False) -> list[int]:
    k = k or settings.MATCH_RETRIEVAL_K
    pool = candidate_pool(job)
    ids: list[int] = []
    if job.embedding is not None:
        embedded = pool.filter(embedding__isnull=False, embedding_model=job.embedding_model)
        ids = vector_ids(embedded, job.embedding, k, exact=exact)
    if job.required_skills:
        # Candidates holding every required skill (GIN containment: selective at any scale),
        # whatever their vectors say.
        lexical = pool.filter(skills__contains=list(job.required_skills)).order_by("-updated_at")
        seen = set(ids)
        ids += [pk for pk in lexical.values_list("pk", flat=True)[:k] if pk not in seen]
    return ids


def retrieve_jobs(
    profile: CandidateProfile, *, k: int | None = None, exact: bool = False
) -> list[int]:
    k = k or settings.MATCH_RETRIEVAL_K
    pool = Job.objects.open()
    if profile.remote_preference == CandidateProfile.RemotePreference.REMOTE:
        pool = pool.filter(workplace=Job.Workplace.REMOTE)
    ids: list[int] = []
    if profile.embedding is not None:
        embedded = pool.filter(embedding__isnull=False, embedding_model=profile.embedding_model)
        ids = vector_ids(embedded, profile.embedding, k, exact=exact)
    if profile.skills:
        # Open jobs whose every required skill the candidate holds (GIN containment).
        lexical = (
            pool.filter(required_skills__contained_by=list(profile.skills))
            .exclude(required_skills=[])
            .order_by("-published_at", "-pk")
        )
        seen = set(ids)
        ids += [pk for pk in lexical.values_list("pk", flat=True)[:k] if pk not in seen]
    return ids
