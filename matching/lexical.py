"""Field-aware keyword relevance (BM25F) between a job and a candidate, calibrated to [0, 1].

The job is the query: its title terms count double, its description terms once each (log-scaled
repeats). The candidate is a document of fields with their own weights: the titles they held and
their headline say most about what they do, then their skills, then the descriptions of their
work, then everything else. Per field, term frequency is length-normalised (BM25's `b`); the
weighted sum is saturated once (BM25's `k1`).

Calibration: the raw BM25F sum is divided by the score of an ideal document that saturates every
query term, so the component reads "share of the job's (IDF-weighted) vocabulary the candidate
covers", comparable across pairs. IDF comes from `TermStats`, built over the pool being ranked;
without stats every term weighs the same.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain, repeat
from typing import Any

import numpy as np

from matching.facts import CandidateFacts, JobFacts

K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {"titles": 3.0, "skills": 2.0, "work": 1.0, "other": 0.5}
TITLE_QUERY_BOOST = 2.0

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9+#]*")
_STOPWORD_TEXT = """a an and are as at be been by for from has have i in is it its my of on or our
that the their this to was we were will with you your me us who what which when where how all any
can could into more most other over per so some such than then these they those through up very
via also about after before both each few just like may much new not only own same should there
while would etc using used use work worked working"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _stem(word: str) -> str:
    # A light, predictable stemmer: plural and common verb/noun endings only.
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


@lru_cache(maxsize=65536)
def _terms(text: str) -> tuple[str, ...]:
    return tuple(_stem(w) for w in _WORD_RE.findall(text.casefold()) if w not in STOPWORDS)


def terms(text: str) -> list[str]:
    return list(_terms(text))


def cached(obj: Any, key: str, compute: Any) -> Any:
    """Memoise a derived value on a frozen facts object (outside its fields: asdict skips it).

    Ranking scores one job against hundreds of candidates; tokenising each side once instead
    of once per pair is most of the re-rank's speed.
    """
    store = obj.__dict__
    if key not in store:
        store[key] = compute()
    return store[key]


def candidate_fields(candidate: CandidateFacts) -> dict[str, list[str]]:
    return cached(candidate, "_lexical_fields", lambda: _candidate_fields(candidate))


# The memo key of `candidate_counts` (`matching.factrows` restores it from a stored row).
COUNTS_KEY = "_lexical_counts"


def candidate_counts(candidate: CandidateFacts) -> dict[str, Counter[str]]:
    """Term counts per field, in `FIELD_WEIGHTS` order."""
    return cached(
        candidate,
        COUNTS_KEY,
        lambda: {name: Counter(words) for name, words in candidate_fields(candidate).items()},
    )


def _candidate_fields(candidate: CandidateFacts) -> dict[str, list[str]]:
    titles = " ".join([candidate.headline, *(e.title for e in candidate.experiences)])
    work = " ".join(e.description for e in candidate.experiences)
    skills = " ".join(s.replace("-", " ") for s in candidate.skills)
    return {
        "titles": terms(titles),
        "skills": terms(skills),
        "work": terms(work),
        "other": terms(f"{candidate.summary} {candidate.extra_text}"),
    }


def job_query(job: JobFacts) -> dict[str, float]:
    return cached(job, "_lexical_query", lambda: _job_query(job))


def _job_query(job: JobFacts) -> dict[str, float]:
    counts: Counter[str] = Counter(terms(job.description))
    for skill in (*job.required_skills, *job.preferred_skills):
        counts.update(terms(skill.replace("-", " ")))
    weights = {t: 1.0 + math.log(n) for t, n in counts.items()}
    for t in set(terms(job.title)):
        weights[t] = weights.get(t, 1.0) + TITLE_QUERY_BOOST
    return weights


@dataclass(frozen=True)
class TermStats:
    """Document frequencies and mean field lengths over a pool of candidates."""

    documents: int = 0
    df: dict[str, int] = field(default_factory=dict)
    avg_len: dict[str, float] = field(default_factory=dict)
    # Per-ranking memo (IDF per term, per-job query weights): a pool ranks hundreds of pairs
    # against the same stats. Values keep their job alive so an id is never reused meanwhile.
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls, candidates: Iterable[CandidateFacts], jobs: Iterable[JobFacts] = ()
    ) -> TermStats:
        """Document frequencies over candidates and jobs; field lengths over candidates.

        A candidate's distinct terms are its query terms and its fields' lengths their totals
        (`lexical_lists`, restored with stored facts): counted for the whole pool at once."""
        lists = [lexical_lists(c) for c in candidates]
        df = Counter(chain.from_iterable(terms_of[0] for terms_of in lists))
        n = len(lists)
        for job in jobs:
            n += 1
            df.update(set(job_query(job)))
        # The lengths are integers: their sums are exact in any order.
        totals = zip(*(terms_of[5] for terms_of in lists), strict=True)
        lengths = [sum(column) / len(lists) for column in totals]
        avg = dict(zip(FIELD_WEIGHTS, lengths, strict=True)) if lists else {}
        return cls(documents=n, df=dict(df), avg_len=avg)

    def idf(self, term: str) -> float:
        memo = self._memo
        value = memo.get(term)
        if value is None:
            if not self.documents:
                value = 1.0
            else:
                df = self.df.get(term, 0)
                value = math.log(1.0 + (self.documents - df + 0.5) / (df + 0.5))
            memo[term] = value
        return value

    def idfs(self, terms: Sequence[str]) -> np.ndarray:
        """`idf(t)` of each term as an array, by the same arithmetic (the counts are integers,
        exact as floats) and the same logarithm (`math.log`)."""
        if not self.documents:
            return np.ones(len(terms))
        df = np.fromiter(map(self.df.get, terms, repeat(0)), np.float64, len(terms))
        ratio = 1.0 + (self.documents - df + 0.5) / (df + 0.5)
        return np.fromiter(map(math.log, ratio.tolist()), np.float64, len(terms))

    def weighted_query(self, job: JobFacts) -> tuple[dict[str, float], float]:
        """The job's query terms weighted by IDF, and the ideal document's score."""
        key = ("query", id(job))
        if key not in self._memo:
            weights = {t: qw * self.idf(t) for t, qw in job_query(job).items()}
            self._memo[key] = (job, weights, sum(weights.values()) * (K1 + 1.0))
        _, weights, ideal = self._memo[key]
        return weights, ideal


def keyword_relevance(job: JobFacts, candidate: CandidateFacts, stats: TermStats) -> float:
    weights, ideal = stats.weighted_query(job)
    if not ideal:
        return 0.0
    # Only the query terms the candidate has contribute; the ideal covers them all.
    tf = _weighted_tf(candidate_counts(candidate), stats, weights)
    score = sum(weights[t] * value * (K1 + 1.0) / (value + K1) for t, value in tf.items())
    return score / ideal


def _weighted_tf(
    fields: dict[str, Counter[str]], stats: TermStats, weights: dict[str, float]
) -> dict[str, float]:
    """Per query term present in the candidate: sum over fields of weight * tf / length norm."""
    tf: dict[str, float] = {}
    for name, counts in fields.items():
        total = sum(counts.values())
        avg = stats.avg_len.get(name) or max(total, 1)
        fw = FIELD_WEIGHTS[name] / (1.0 - B + B * total / max(avg, 1.0))
        for term in counts.keys() & weights.keys():
            tf[term] = tf.get(term, 0.0) + fw * counts[term]
    return tf


JOB_FIELD_WEIGHTS = {"title": 3.0, "skills": 2.0, "description": 1.0}
JOB_AVG_LEN = {"title": 4.0, "skills": 8.0, "description": 150.0}


def candidate_query(candidate: CandidateFacts) -> dict[str, float]:
    return cached(candidate, "_lexical_query", lambda: _candidate_query(candidate))


def _candidate_query(candidate: CandidateFacts) -> dict[str, float]:
    weights: dict[str, float] = {}
    for name, counts in candidate_counts(candidate).items():
        fw = FIELD_WEIGHTS[name]
        for term, n in counts.items():
            weights[term] = weights.get(term, 0.0) + fw * (1.0 + math.log(n))
    return weights


# The memo key of `lexical_lists` (`matching.factrows` restores it from a stored row).
LISTS_KEY = "_lexical_lists"


def lexical_lists(candidate: CandidateFacts) -> tuple[tuple, ...]:
    """The candidate's keyword terms as six tuples (memoised; stored with its facts):

    - its query terms and their weights (`lexical.candidate_query`, in its order: each
      distinct term where it first occurs, field after field);
    - its term occurrences field after field (`FIELD_WEIGHTS` order, each field's terms in
      `candidate_counts` order): each as the index of its term in the query terms, its count;
    - each field's number of distinct terms and its length (the sum of its counts).

    Tuples, not arrays: a pool's are concatenated into arrays once (`ranking._pool_lists`).
    Tuples, not lists: they hold numbers and strings only, so the garbage collector stops
    tracking them, and a process holds thousands of facts (`services.pool`'s cache) that
    every older-generation collection would walk again."""

    def compute() -> tuple[tuple, ...]:
        query = candidate_query(candidate)
        position = {term: i for i, term in enumerate(query)}
        counts = candidate_counts(candidate)
        fields = [counts.get(name, {}) for name in FIELD_WEIGHTS]
        occurrences = tuple(position[t] for f in fields for t in f)
        values = tuple(n for f in fields for n in f.values())
        lengths = tuple(len(f) for f in fields)
        totals = tuple(sum(f.values()) for f in fields)
        return tuple(query), tuple(query.values()), occurrences, values, lengths, totals

    return cached(candidate, LISTS_KEY, compute)


def reverse_relevance(job: JobFacts, candidate: CandidateFacts, stats: TermStats) -> float:
    """The other way round: how much of the job's text is about what the candidate does.

    The candidate's terms are the query (weighted by the field they come from), the job's
    title, skills and description the document. Calibrated like `keyword_relevance`.
    """
    query = candidate_query(candidate)
    job_tf = cached(job, "_lexical_tf", lambda: _job_tf(job))
    idf = stats.idf
    score = ideal = 0.0
    for term, qw in query.items():
        weight = qw * idf(term)
        ideal += weight
        tf = job_tf.get(term)
        if tf:
            score += weight * tf / (tf + K1)
    # (K1 + 1) multiplies every term of both sums: it cancels in the ratio.
    return score / ideal if ideal else 0.0


def _job_tf(job: JobFacts) -> dict[str, float]:
    """Per term of the job: sum over its fields of weight * tf / length norm."""
    tf: dict[str, float] = {}
    for name, counts in _job_fields(job).items():
        norm = 1.0 - B + B * sum(counts.values()) / JOB_AVG_LEN[name]
        for term, n in counts.items():
            tf[term] = tf.get(term, 0.0) + JOB_FIELD_WEIGHTS[name] * n / norm
    return tf


def _job_fields(job: JobFacts) -> dict[str, Counter[str]]:
    skills = " ".join(s.replace("-", " ") for s in (*job.required_skills, *job.preferred_skills))
    return {
        "title": Counter(terms(job.title)),
        "skills": Counter(terms(skills)),
        "description": Counter(terms(job.description)),
    }
