"""Re-ranking a retrieved pool with the full hybrid score and storing the kept matches."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jobs.models import Job
from matching.adapters import candidate_facts, job_facts
from matching.facts import CandidateFacts, JobFacts
from matching.lexical import TermStats
from matching.models import Match
from matching.ranking import (
    component_arrays,
    results_of,
    rounded,
    subscore_arrays,
    weighted_total,
)
from matching.scoring import (
    MatchResult,
    normalize_weights,
    passes_filters,
    score_match,
    score_value,
)
from matching.services.debounce import request_rerank
from matching.services.embedding import embed_job, embed_profile
from matching.services.pool import build_facts, ranking_pool
from matching.services.retrieval import retrieve_jobs
from resumes.models import CandidateProfile


def profiles_with_vectors(ids: Sequence[int]) -> list[CandidateProfile]:
    return list(CandidateProfile.objects.filter(pk__in=ids).select_related("matching_vectors"))


def facts_of(profile: CandidateProfile, *, with_embedding: bool = True) -> CandidateFacts:
    vectors = getattr(profile, "matching_vectors", None)
    same_model = vectors is not None and vectors.model_id == profile.embedding_model
    return candidate_facts(
        profile, vectors.experience_vectors if same_model else None, with_embedding=with_embedding
    )


def store(results: list[MatchResult], stale: Q | None = None) -> int:
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
    pairs: list[tuple[JobFacts, CandidateFacts, int, float | None, dict[str, float]]],
    stats: TermStats,
    stored: set[int],
) -> tuple[list[MatchResult], set[int]]:
    """(full results for the top N and the stored pairs, best first; ids that passed filters).

    The scalar ranking, pair by pair: a candidate's jobs (a handful of open jobs), and the
    reference `rank_candidates_for_job`'s vectorised ranking is tested against. `pairs` holds
    (job facts, candidate facts, id of the ranked side, profile<->job cosine when the database
    computed it, the job's company's weights). Explanations and hashes are built only for the
    pairs kept.
    """
    passing = [row for row in pairs if passes_filters(row[0], row[1])[0]]
    quick = sorted(
        (
            (score_value(jf, cf, weights=w, stats=stats, profile_cosine=cos), pk, jf, cf, cos, w)
            for jf, cf, pk, cos, w in passing
        ),
        key=lambda row: (-row[0], row[1]),
    )
    top_n = settings.MATCH_KEEP_TOP_N
    results = [
        score_match(jf, cf, weights=w, stats=stats, profile_cosine=cos)
        for i, (_, pk, jf, cf, cos, w) in enumerate(quick)
        if i < top_n or pk in stored
    ]
    return results, {row[2] for row in passing}


def rank_candidates_for_job(
    job: Job, *, exact: bool = False, timings: dict[str, float] | None = None
) -> tuple[list[MatchResult], set[int]]:
    """Retrieved and already matched candidates, re-ranked: (kept results, passing ids).

    The pool is retrieved and loaded in one round trip (`services.pool.ranking_pool`: the
    vector search, the skill union, the stored matches, stored facts, SQL cosines) and every
    sub-score computed once as an array over it (`matching.ranking.subscore_arrays`, numpy);
    the full result with its explanation and hash is built only for the top N and the pairs
    already stored, from those arrays (`matching.ranking.results_of`, the rows `score_match`
    would give). `timings`, when given, receives the seconds spent in
    each phase (retrieval, load, score, explain) for the benchmark.
    """
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + now - clock[0]
        clock[0] = now

    pool = ranking_pool(job, exact=exact, fetched=lambda: lap("retrieval"))
    stored = pool.stored
    jf = job_facts(job)
    stats = TermStats.build(pool.facts, [jf])
    lap("load")
    rows = [i for i, cf in enumerate(pool.facts) if passes_filters(jf, cf)[0]]
    facts = [pool.facts[i] for i in rows]
    passing = [int(cf.id) for cf in facts]
    if not facts:
        lap("score")
        return [], set()
    weights = normalize_weights(job.company.match_weights_in_effect())
    subs = subscore_arrays(
        jf,
        facts,
        stats,
        [pool.profile_cosines[i] for i in rows],
        [pool.experience_cosines[i] for i in rows],
    )
    scores = np.array(rounded(weighted_total(component_arrays(subs), weights)))
    # Ordered as `_rank` orders: the score rounded as stored, then the id (the last key first).
    order = np.lexsort((np.array(passing), -scores)).tolist()
    lap("score")
    top_n = settings.MATCH_KEEP_TOP_N
    kept = [j for rank, j in enumerate(order) if rank < top_n or passing[j] in stored]
    results = results_of(jf, facts, subs, kept, weights)
    lap("explain")
    return results, set(passing)


def recompute_matches_for_job(*, job_id: int, exact: bool = False) -> int:
    job = Job.objects.filter(pk=job_id).select_related("company").first()
    if job is None:
        return 0
    if job.status != Job.Status.OPEN:
        Match.objects.filter(job=job).delete()
        return 0
    if job.embedding is None:
        job = embed_job(job_id=job.pk) or job
    results, passed = rank_candidates_for_job(job, exact=exact)
    stale = Q(job=job) & ~Q(candidate_id__in=passed)
    stored = store(results, stale)
    request_rerank(job.pk)
    return stored


def rank_jobs_for_candidate(
    profile: CandidateProfile, *, exact: bool = False
) -> tuple[list[MatchResult], set[int]]:
    stored = set(Match.objects.filter(candidate=profile).values_list("job_id", flat=True))
    ids = set(retrieve_jobs(profile, exact=exact)) | stored
    jobs = list(Job.objects.open().filter(pk__in=ids).select_related("company"))
    facts = [job_facts(j) for j in jobs]
    cf = facts_of(profiles_with_vectors([profile.pk])[0])
    # IDF over this candidate and the jobs: the best a one-candidate ranking can know.
    stats = TermStats.build([cf], facts)
    pairs = [
        (jf, cf, j.pk, None, j.company.match_weights_in_effect())
        for j, jf in zip(jobs, facts, strict=True)
    ]
    return _rank(pairs, stats, stored)


def recompute_matches_for_candidate(*, user_id: int, exact: bool = False) -> int:
    profile = CandidateProfile.objects.filter(user_id=user_id).first()
    if profile is None:
        return 0
    if profile.embedding is None:
        profile = embed_profile(profile_id=profile.pk) or profile
    # The profile changed (or its jobs did): its stored facts are rebuilt now, not by the
    # first job pool that meets it.
    build_facts([profile.pk])
    results, passed = rank_jobs_for_candidate(profile, exact=exact)
    stale = Q(candidate=profile) & ~Q(job_id__in=passed)
    return store(results, stale)
