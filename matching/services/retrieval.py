"""Retrieval of a ranking pool: pgvector nearest neighbours (HNSW or exact) with SQL filters,
united with the lexical matches on required skills."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Cast
from pgvector.django import CosineDistance, VectorField

from jobs.models import Job
from resumes.models import CandidateProfile

# A filtered pool of at most this many rows (the planner's estimate) is searched exactly: its
# rows come from the filter columns' indexes and are cheaper to compare one by one than to
# find by walking the graph past every row the filter rejects.
EXACT_MAX_ROWS = 6000
# The approximate scan returns this many times k rows (a filtered scan in relaxed order yields
# them roughly, not exactly, nearest first); the k nearest of them are kept.
OVERFETCH = 2


def estimated_rows(queryset: QuerySet) -> int:
    """The planner's estimate of the rows a queryset selects (no row is read)."""
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def vector_ids(queryset: QuerySet, vector: Sequence[float], k: int, *, exact: bool) -> list[int]:
    """Ids of the k nearest rows by cosine distance: HNSW scan, or brute force when exact (and
    for a filtered pool of profiles small enough, `EXACT_MAX_ROWS`)."""
    text = "[" + ",".join(map(repr, map(float, vector))) + "]"
    distance = CosineDistance("embedding", Cast(Value(text), VectorField()))
    if not exact and queryset.model is CandidateProfile and queryset.query.has_filters():
        exact = estimated_rows(queryset) <= EXACT_MAX_ROWS
    with transaction.atomic(), connection.cursor() as cursor:
        if exact:
            # The filter's own indexes may serve (bitmap scans), the vector index may not.
            cursor.execute("SET LOCAL enable_indexscan = off")
            return list(queryset.order_by(distance, "pk").values_list("pk", flat=True)[:k])
        ef = min(max(settings.MATCH_HNSW_EF_SEARCH, k), 1000)  # pgvector's largest
        cursor.execute(f"SET LOCAL hnsw.ef_search = {int(ef)}")
        # Filtered queries keep scanning the graph until enough rows pass the filter; the
        # planner would rather read a large filtered pool in full, which costs far more.
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        nearest = queryset.annotate(distance=distance).order_by("distance")
        found = list(nearest.values_list("distance", "pk")[: OVERFETCH * k])
    return [pk for _, pk in sorted(found)[:k]]


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
        # Up to k candidates holding every required skill, whatever their vectors say: the
        # first the skills' GIN index yields, unordered. Any order would read every match's
        # row (thousands for common skills at a million profiles) to keep k of them; the re-rank
        # orders the union anyway.
        lexical = pool.filter(skills__contains=list(job.required_skills)).order_by()
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
