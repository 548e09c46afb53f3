"""Embedding, retrieval and match recomputation.

Recompute for a job: the pool is the top-K embedded candidates by pgvector cosine (HNSW, SQL
filters, iterative scan), the candidates holding every required skill (GIN containment) and the
candidates already matched. The pool is re-ranked with the full hybrid score; the top N and every
already stored pair (re-scored) are saved, so a `Match` row is never stale after a recompute of
either side. Pairs that fail a hard filter, and jobs no longer open, lose their rows. The same,
mirrored, for a candidate against open jobs. `exact=True` replaces the HNSW scan with a
sequential one (brute force), for small sets and for measuring the index's recall.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from pgvector.django import CosineDistance

from jobs.models import Job
from matching.adapters import candidate_facts, job_facts
from matching.embeddings import get_embedder
from matching.facts import CandidateFacts, JobFacts
from matching.lexical import TermStats
from matching.models import Match, ProfileVectors
from matching.scoring import MatchResult, passes_filters, score_match, score_value
from resumes.models import CandidateProfile

logger = logging.getLogger(__name__)
VECTOR_COLUMN_DIMENSIONS = 384


def _embedder():
    embedder = get_embedder()
    if embedder.dimension != VECTOR_COLUMN_DIMENSIONS:
        raise ImproperlyConfigured(
            f"{embedder.model_id} makes {embedder.dimension}-d vectors; the embedding columns "
            f"hold {VECTOR_COLUMN_DIMENSIONS}. Migrate the columns before switching models."
        )
    return embedder


# --- Embedding -----------------------------------------------------------------------------


def embed_job(*, job_id: int) -> Job | None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    embedder = _embedder()
    [vector] = embedder.embed([job_facts(job).text])
    Job.objects.filter(pk=job.pk).update(embedding=vector, embedding_model=embedder.model_id)
    job.embedding, job.embedding_model = vector, embedder.model_id
    return job


def embed_profile(*, profile_id: int) -> CandidateProfile | None:
    """The profile vector (headline, summary, roles) and one vector per experience entry."""
    profile = CandidateProfile.objects.filter(pk=profile_id).first()
    if profile is None:
        return None
    embedder = _embedder()
    facts = candidate_facts(profile)
    texts = [facts.profile_text or facts.summary or " ", *(e.text for e in facts.experiences)]
    digest = hashlib.sha256("\x1e".join([embedder.model_id, *texts]).encode()).hexdigest()
    existing = ProfileVectors.objects.filter(profile=profile).first()
    if existing and existing.texts_hash == digest and profile.embedding is not None:
        return profile  # nothing changed: a retried or duplicate task is a no-op
    vectors = embedder.embed(texts)
    with transaction.atomic():
        CandidateProfile.objects.filter(pk=profile.pk).update(
            embedding=vectors[0], embedding_model=embedder.model_id
        )
        ProfileVectors.objects.update_or_create(
            profile=profile,
            defaults={
                "model_id": embedder.model_id,
                "experience_vectors": vectors[1:],
                "texts_hash": digest,
            },
        )
    profile.embedding, profile.embedding_model = vectors[0], embedder.model_id
    return profile


# --- Retrieval -----------------------------------------------------------------------------


def _vector_ids(queryset: QuerySet, vector: Sequence[float], k: int, *, exact: bool) -> list[int]:
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
        ids = _vector_ids(embedded, job.embedding, k, exact=exact)
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
        ids = _vector_ids(embedded, profile.embedding, k, exact=exact)
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


# --- Recomputation -------------------------------------------------------------------------


def _profiles_with_vectors(ids: Sequence[int]) -> list[CandidateProfile]:
    return list(CandidateProfile.objects.filter(pk__in=ids).select_related("matching_vectors"))


def _facts_of(profile: CandidateProfile, *, with_embedding: bool = True) -> CandidateFacts:
    vectors = getattr(profile, "matching_vectors", None)
    same_model = vectors is not None and vectors.model_id == profile.embedding_model
    return candidate_facts(
        profile, vectors.experience_vectors if same_model else None, with_embedding=with_embedding
    )


def _pool_for_job(job: Job, ids: Sequence[int]) -> list[tuple[CandidateFacts, float | None]]:
    """The pool's facts without their profile vectors, each with its profile<->job cosine.

    PostgreSQL computes the cosines (as in retrieval) so the 384 floats of every profile are
    neither sent nor parsed.
    """
    profiles = (
        CandidateProfile.objects.filter(pk__in=ids)
        .defer("embedding")
        .select_related("matching_vectors")
    )
    if job.embedding is not None:
        profiles = profiles.annotate(job_distance=CosineDistance("embedding", list(job.embedding)))
    pool = []
    for profile in profiles:
        distance = getattr(profile, "job_distance", None)
        same_model = profile.embedding_model == job.embedding_model
        cosine = 1.0 - distance if distance is not None and same_model else None
        pool.append((_facts_of(profile, with_embedding=False), cosine))
    return pool


def _store(results: list[MatchResult], stale: Q | None = None) -> int:
    rows = [
        Match(
            job_id=int(r.job_id),
            candidate_id=int(r.candidate_id),
            score=r.score,
            components=r.components,
            subscores=r.subscores,
            explanation=asdict(r.explanation),
            weights=r.weights,
            model_versions=r.model_versions,
            inputs_hash=r.inputs_hash,
            computed_at=timezone.now(),
        )
        for r in results
    ]
    fields = ["score", "components", "subscores", "explanation", "weights", "model_versions"]
    with transaction.atomic():
        if stale is not None:
            Match.objects.filter(stale).delete()
        Match.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["job", "candidate"],
            update_fields=[*fields, "inputs_hash", "computed_at"],
        )
    return len(rows)


def _rank(
    pairs: list[tuple[JobFacts, CandidateFacts, int, float | None]],
    stats: TermStats,
    stored: set[int],
) -> tuple[list[MatchResult], set[int]]:
    """(full results for the top N and the stored pairs, best first; ids that passed filters).

    `pairs` holds (job facts, candidate facts, id of the ranked side, profile<->job cosine when
    the database computed it). The whole pool is ranked by the score alone; explanations and
    hashes are built only for the pairs kept.
    """
    weights = settings.MATCH_WEIGHTS
    passing = [row for row in pairs if passes_filters(row[0], row[1])[0]]
    quick = sorted(
        (
            (score_value(jf, cf, weights=weights, stats=stats, profile_cosine=cos), pk, jf, cf, cos)
            for jf, cf, pk, cos in passing
        ),
        key=lambda row: (-row[0], row[1]),
    )
    top_n = settings.MATCH_KEEP_TOP_N
    results = [
        score_match(jf, cf, weights=weights, stats=stats, profile_cosine=cos)
        for i, (_, pk, jf, cf, cos) in enumerate(quick)
        if i < top_n or pk in stored
    ]
    return results, {pk for _, _, pk, _ in passing}


def rank_candidates_for_job(job: Job, *, exact: bool = False) -> tuple[list[MatchResult], set[int]]:
    """Retrieved and already matched candidates, re-ranked: (kept results, passing ids)."""
    stored = set(Match.objects.filter(job=job).values_list("candidate_id", flat=True))
    ids = set(retrieve_candidates(job, exact=exact)) | stored
    pool = _pool_for_job(job, sorted(ids))
    jf = job_facts(job)
    stats = TermStats.build([cf for cf, _ in pool], [jf])
    pairs = [(jf, cf, int(cf.id), cos) for cf, cos in pool]
    return _rank(pairs, stats, stored)


def recompute_matches_for_job(*, job_id: int, exact: bool = False) -> int:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return 0
    if job.status != Job.Status.OPEN:
        Match.objects.filter(job=job).delete()
        return 0
    if job.embedding is None:
        job = embed_job(job_id=job.pk) or job
    results, passed = rank_candidates_for_job(job, exact=exact)
    stale = Q(job=job) & ~Q(candidate_id__in=passed)
    stored = _store(results, stale)
    _request_rerank(job.pk)
    return stored


def rank_jobs_for_candidate(
    profile: CandidateProfile, *, exact: bool = False
) -> tuple[list[MatchResult], set[int]]:
    stored = set(Match.objects.filter(candidate=profile).values_list("job_id", flat=True))
    ids = set(retrieve_jobs(profile, exact=exact)) | stored
    jobs = [job_facts(j) for j in Job.objects.open().filter(pk__in=ids)]
    cf = _facts_of(_profiles_with_vectors([profile.pk])[0])
    # IDF over this candidate and the jobs: the best a one-candidate ranking can know.
    stats = TermStats.build([cf], jobs)
    return _rank([(jf, cf, int(jf.id), None) for jf in jobs], stats, stored)


def recompute_matches_for_candidate(*, user_id: int, exact: bool = False) -> int:
    profile = CandidateProfile.objects.filter(user_id=user_id).first()
    if profile is None:
        return 0
    if profile.embedding is None:
        profile = embed_profile(profile_id=profile.pk) or profile
    results, passed = rank_jobs_for_candidate(profile, exact=exact)
    stale = Q(candidate=profile) & ~Q(job_id__in=passed)
    return _store(results, stale)


# --- One pair ------------------------------------------------------------------------------


class PairFiltered(Exception):
    """A hard filter keeps this candidate away from this job (`reason` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# How many of the candidate's other matched jobs lend their terms to a single pair's IDF.
PAIR_IDF_JOBS = 50


def match_pair(*, job: Job, candidate: CandidateProfile) -> Match:
    """Score one (job, candidate) pair now and store it; the stored `Match` is returned.

    For a candidate looking at one job, or applying to it. Vectors are not computed here (web
    processes do not load the embedding model): a side without its vector scores 0 on the
    semantic component for now, and a recompute of that side is requested, which embeds it and
    re-scores every stored pair, this one included. Keyword IDF comes from the candidate, this
    job and the jobs already matched to the candidate; the job's next recompute re-scores the
    pair against its whole pool. Raises `PairFiltered` (and deletes any stored row) when a
    hard filter excludes the pair.
    """
    profile = _profiles_with_vectors([candidate.pk])[0]
    cf, jf = _facts_of(profile), job_facts(job)
    ok, reason = passes_filters(jf, cf)
    if not ok:
        Match.objects.filter(job=job, candidate=profile).delete()
        raise PairFiltered(reason)
    others = Job.objects.filter(matches__candidate=profile).exclude(pk=job.pk)
    stats = TermStats.build([cf], [jf, *(job_facts(j) for j in others[:PAIR_IDF_JOBS])])
    _store([score_match(jf, cf, weights=settings.MATCH_WEIGHTS, stats=stats)])
    if job.embedding is None:
        request_job_recompute(job_id=job.pk)
    if profile.embedding is None:
        request_candidate_recompute(user_id=profile.user_id)
    return Match.objects.select_related("job__company").get(job=job, candidate=profile)


# --- Recruiter feedback ----------------------------------------------------------------------

FEEDBACK_ACTIONS = {
    "shortlist": Match.Feedback.SHORTLISTED,
    "hide": Match.Feedback.HIDDEN,
    "clear": Match.Feedback.NONE,
}


@transaction.atomic
def record_match_feedback(*, match: Match, action: str, actor: Any) -> Match:
    """A recruiter shortlists, hides or clears a ranked candidate; recorded as an event with
    the score and components it was given (training data for learnt weights)."""
    from analytics.services import record_event

    if action not in FEEDBACK_ACTIONS:
        raise ValueError(f"Unknown feedback {action!r}.")
    match.feedback = FEEDBACK_ACTIONS[action]
    match.feedback_at = timezone.now()
    match.save(update_fields=["feedback", "feedback_at"])
    record_event(
        kind={"shortlist": "match.shortlisted", "hide": "match.hidden"}.get(
            action, "match.feedback_cleared"
        ),
        actor=actor,
        company=match.job.company,
        subject=match,
        payload={
            "job_id": match.job_id,
            "candidate_id": match.candidate_id,
            "score": match.score,
            "components": match.components,
            "inputs_hash": match.inputs_hash,
        },
    )
    return match


# --- Requests (debounced) ------------------------------------------------------------------


def request_job_recompute(*, job_id: int, immediate: bool = False) -> bool:
    """Enqueue a recompute after the commit; a burst of edits within the window makes one.

    `immediate` (a recruiter's "recompute" click) skips the debounce window and enqueues now.
    """
    return _debounced("job", job_id, immediate=immediate)


def request_candidate_recompute(*, user_id: int) -> bool:
    return _debounced("candidate", user_id)


def _debounced(kind: str, pk: int, *, immediate: bool = False) -> bool:
    from django.core.cache import cache

    from matching import tasks

    task = tasks.recompute_job_matches if kind == "job" else tasks.recompute_candidate_matches
    if immediate:
        transaction.on_commit(lambda: task.apply_async(args=[pk]))
        return True
    delay = settings.MATCH_RECOMPUTE_DEBOUNCE_SECONDS
    if not cache.add(f"matching:pending:{kind}:{pk}", 1, timeout=delay + 60):
        return False  # one is already waiting; it will read the latest rows when it runs
    transaction.on_commit(lambda: task.apply_async(args=[pk], countdown=delay))
    return True


def _request_rerank(job_id: int) -> None:
    """After a job's recompute: the LLM re-ranker judges its new top N, when one is configured."""
    from matching import tasks
    from matching.rerank import get_reranker

    if get_reranker() is not None:
        transaction.on_commit(lambda: tasks.rerank_job_matches.apply_async(args=[job_id]))


def clear_pending(kind: str, pk: int) -> None:
    from django.core.cache import cache

    cache.delete(f"matching:pending:{kind}:{pk}")
