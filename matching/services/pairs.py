"""One (job, candidate) pair scored now: the candidate's fit for a job, or an application."""

from __future__ import annotations

from jobs.models import Job
from matching.adapters import job_facts
from matching.lexical import TermStats
from matching.models import Match
from matching.scoring import passes_filters, score_match
from matching.services.debounce import request_candidate_recompute, request_job_recompute
from matching.services.recompute import facts_of, profiles_with_vectors, store
from resumes.models import CandidateProfile


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
    profile = profiles_with_vectors([candidate.pk])[0]
    cf, jf = facts_of(profile), job_facts(job)
    ok, reason = passes_filters(jf, cf)
    if not ok:
        Match.objects.filter(job=job, candidate=profile).delete()
        raise PairFiltered(reason)
    others = Job.objects.filter(matches__candidate=profile).exclude(pk=job.pk)
    stats = TermStats.build([cf], [jf, *(job_facts(j) for j in others[:PAIR_IDF_JOBS])])
    store([score_match(jf, cf, weights=job.company.match_weights_in_effect(), stats=stats)])
    if job.embedding is None:
        request_job_recompute(job_id=job.pk)
    if profile.embedding is None:
        request_candidate_recompute(user_id=profile.user_id)
    return Match.objects.select_related("job__company").get(job=job, candidate=profile)
