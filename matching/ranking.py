"""The hybrid score of one job against a whole candidate pool at once, with numpy.

`pool_scores(job, candidates, ...)` returns the same numbers as `scoring.score_value` called pair
by pair (the scalar reference, which `score_match` still uses for the explanation of the pairs
kept), but computes every sub-score as an array over the pool: skill overlaps as counts, years,
seniority levels, salaries and education levels as float arrays (NaN for unknown), locations by
comparing arrays of country / city codes, the forward BM25F as a candidates x query-terms matrix,
the reverse BM25F over the pool's concatenated term lists (one `np.add.reduceat` per sum) and the
cosines taken from the database (one statement for the pool). Only building the term arrays from
the candidates' tokenised fields (memoised per facts object) and a few set intersections remain
per-candidate Python.

The element-wise arithmetic follows the scalar code operation by operation, so each sub-score is
bit-for-bit the scalar one; only the sums over terms add in another order (differences of the
order of 1e-16). `matching/tests/test_ranking.py` compares both over a generated pool.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matching import scoring as s
from matching.facts import SENIORITY_LEVELS, CandidateFacts, JobFacts
from matching.lexical import (
    FIELD_WEIGHTS,
    K1,
    B,
    TermStats,
    candidate_counts,
    _job_tf,
    cached,
    candidate_query,
)
from matching.timezones import timezone_fit

Cosines = tuple[float | None, ...] | None


def _array(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _clip(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 1.0)


def _unknown(n: int) -> np.ndarray:
    return np.full(n, np.nan)


# --- Lexical -------------------------------------------------------------------------------


def _skill_coverage(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray | None:
    required = set(job.required_skills)
    preferred = set(job.preferred_skills) - required
    total = s.REQUIRED_SKILL_WEIGHT * len(required) + len(preferred)
    if not total:
        return None
    have_req = np.array([len(required & c.skills) for c in pool], dtype=np.float64)
    have_pref = np.array([len(preferred & c.skills) for c in pool], dtype=np.float64)
    return (s.REQUIRED_SKILL_WEIGHT * have_req + have_pref) / total


def _forward(job: JobFacts, pool: Sequence[CandidateFacts], stats: TermStats) -> np.ndarray:
    """`lexical.keyword_relevance` over the pool: a candidates x query-terms tf matrix."""
    weights, ideal = stats.weighted_query(job)
    if not ideal:
        return np.zeros(len(pool))
    column = {t: i for i, t in enumerate(weights)}
    keys = weights.keys()
    tf = np.zeros((len(pool), len(column)))
    for row, candidate in enumerate(pool):
        for name, counts in candidate_counts(candidate).items():
            total = cached(candidate, f"_len_{name}", lambda c=counts: sum(c.values()))
            avg = stats.avg_len.get(name) or max(total, 1)
            fw = FIELD_WEIGHTS[name] / (1.0 - B + B * total / max(avg, 1.0))
            for term in counts.keys() & keys:
                tf[row, column[term]] += fw * counts[term]
    w = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
    return (w * tf * (K1 + 1.0) / (tf + K1)).sum(axis=1) / ideal


def _term_arrays(candidate: CandidateFacts) -> tuple[tuple[str, ...], np.ndarray]:
    """The candidate's query terms and their field weights (`lexical.candidate_query`)."""

    def compute() -> tuple[tuple[str, ...], np.ndarray]:
        query = candidate_query(candidate)
        return tuple(query), np.fromiter(query.values(), dtype=np.float64, count=len(query))

    return cached(candidate, "_term_arrays", compute)


def _reverse(job: JobFacts, pool: Sequence[CandidateFacts], stats: TermStats) -> np.ndarray:
    """`lexical.reverse_relevance` over the pool: the candidates' query terms concatenated,
    IDF and the job's saturated tf looked up by vocabulary index, summed per candidate."""
    vocabulary: dict[str, int] = {}
    index, weights, lengths = [], [], []
    for candidate in pool:
        terms, qw = _term_arrays(candidate)
        index.append([vocabulary.setdefault(t, len(vocabulary)) for t in terms])
        weights.append(qw)
        lengths.append(len(terms))
    if not vocabulary:
        return np.zeros(len(pool))
    idx = np.fromiter((i for row in index for i in row), dtype=np.intp)
    idf = np.fromiter(map(stats.idf, vocabulary), dtype=np.float64, count=len(vocabulary))
    job_tf = cached(job, "_lexical_tf", lambda: _job_tf(job))
    tf = np.fromiter((job_tf.get(t, 0.0) for t in vocabulary), np.float64, len(vocabulary))[idx]
    weight = np.concatenate(weights) * idf[idx]
    gained = weight * tf / (tf + K1)  # 0 for terms the job lacks, as the scalar skips them
    lengths_arr = np.array(lengths)
    starts = np.concatenate(([0], np.cumsum(lengths_arr)[:-1]))
    nonempty = lengths_arr > 0
    ideal, score = np.zeros(len(pool)), np.zeros(len(pool))
    ideal[nonempty] = np.add.reduceat(weight, starts[nonempty])
    score[nonempty] = np.add.reduceat(gained, starts[nonempty])
    return np.divide(score, ideal, out=np.zeros(len(pool)), where=ideal != 0)


def lexical(job: JobFacts, pool: Sequence[CandidateFacts], stats: TermStats) -> np.ndarray:
    keyword = s.FORWARD_SHARE * _clip(_forward(job, pool, stats) / s.KEYWORD_SATURATION) + (
        1 - s.FORWARD_SHARE
    ) * _clip(_reverse(job, pool, stats) / s.REVERSE_SATURATION)
    coverage = _skill_coverage(job, pool)
    if coverage is None:
        return keyword
    return s.SKILL_SHARE * coverage + (1 - s.SKILL_SHARE) * keyword


# --- Semantic ------------------------------------------------------------------------------


def _calibrate(x: np.ndarray) -> np.ndarray:
    return _clip((x - s.COSINE_FLOOR) / (s.COSINE_CEIL - s.COSINE_FLOOR))


def semantic(
    job: JobFacts,
    pool: Sequence[CandidateFacts],
    profile_cosines: Sequence[float | None],
    experience_cosines: Sequence[Cosines],
) -> np.ndarray:
    """`scoring.semantic_component` with the cosines the database computed for the pool."""
    profile, best = _cosines(job, pool, profile_cosines, experience_cosines)
    p, b = _calibrate(_array(profile)), _calibrate(_array(best))
    both = s.PROFILE_SHARE * p + (1 - s.PROFILE_SHARE) * b
    one = np.where(np.isnan(p), b, p)
    return np.where(np.isnan(p) & np.isnan(b), 0.0, np.where(np.isnan(p) | np.isnan(b), one, both))


def _cosines(
    job: JobFacts,
    pool: Sequence[CandidateFacts],
    profile_cosines: Sequence[float | None],
    experience_cosines: Sequence[Cosines],
) -> tuple[list[float | None], list[float | None]]:
    """Per candidate: (profile<->job cosine, best experience<->job cosine), None if unknown."""
    profile: list[float | None] = []
    best: list[float | None] = []
    for candidate, pc, ec in zip(pool, profile_cosines, experience_cosines, strict=True):
        same = job.embedding_model == candidate.embedding_model or not (
            job.embedding_model and candidate.embedding_model
        )
        if not same:
            profile.append(None)
            best.append(None)
            continue
        if pc is None or ec is None:
            # Not computed by the database: the scalar path reads the facts' own vectors.
            _, subs = s.semantic_component(job, candidate, profile_cosine=pc, experience_cosines=ec)
            profile.append(subs["profile_cosine"])
            best.append(subs["best_experience_cosine"])
            continue
        known = [x for x in ec if x is not None]
        profile.append(pc)
        best.append(max(known) if known else None)
    return profile, best


# --- Traditional ---------------------------------------------------------------------------


def _years(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    years = _array([c.years_of_experience for c in pool])
    if job.years_min is None and job.years_max is None:
        return _unknown(len(pool))
    low = job.years_min or 0
    out = np.ones(len(pool))
    if job.years_max is not None:
        over = np.maximum(0.4, 1.0 - 0.1 * (years - job.years_max))
        out = np.where(years > job.years_max, over, out)
    if low:
        out = np.where(years < low, _clip(years / low) ** 2, out)
    return np.where(np.isnan(years), np.nan, out)


def _seniority(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if job.seniority not in SENIORITY_LEVELS:
        return _unknown(len(pool))
    levels = _array([SENIORITY_LEVELS.get(c.seniority) for c in pool])
    gap = np.abs(SENIORITY_LEVELS[job.seniority] - levels)
    fit = np.select([gap == 0, gap == 1, gap == 2], [1.0, 0.7, 0.3], default=0.0)
    return np.where(np.isnan(levels), np.nan, fit)


def _location(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    countries = np.array([c.country for c in pool], dtype=object)
    if job.workplace == "remote":
        base = np.where(np.array([c.remote_preference for c in pool]) == "onsite", 0.8, 1.0)
        zones_by_country = {
            code: timezone_fit(job.remote_timezones, code) for code in set(countries) if code
        }
        zones = np.array([zones_by_country.get(code) if code else None for code in countries])
        return base * np.where(zones == None, 1.0, zones).astype(np.float64)  # noqa: E711
    if not job.country:
        return _unknown(len(pool))
    folded = np.array([c.casefold() for c in countries], dtype=object)
    same_country = folded == job.country.casefold()
    cities = np.array([c.city.casefold() for c in pool], dtype=object)
    same_city = same_country & bool(job.city) & (cities == job.city.casefold())
    fit = np.where(same_country, 0.6 if job.workplace == "onsite" else 0.5, 0.1)
    fit = np.where(same_city, 1.0, fit)
    return np.where(countries == "", np.nan, fit)


def _salary(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if job.salary_max is None and job.salary_min is None:
        return _unknown(len(pool))
    low, high = _array([c.salary_min for c in pool]), _array([c.salary_max for c in pool])
    currency = job.salary_currency
    other_currency = np.array(
        [bool(currency and c.salary_currency and c.salary_currency != currency) for c in pool]
    )
    top = job.salary_max if job.salary_max is not None else job.salary_min
    assert top is not None
    ask = np.where(np.isnan(low), high, low)
    fit = np.where(ask <= top, 1.0, _clip(1.0 - 2.0 * (ask - top) / max(top, 1)))
    return np.where(np.isnan(ask) | other_currency, np.nan, fit)


def _education(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if not job.education_level:
        return _unknown(len(pool))
    gap = job.education_level - _array([c.education_level for c in pool])
    fit = np.where(gap <= 0, 1.0, np.where(gap == 1, 0.5, 0.2))
    return np.where(np.isnan(gap), 0.5, fit)


def _languages(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    if not job.languages:
        return _unknown(len(pool))
    spoken = np.array([len(job.languages & c.languages) for c in pool], dtype=np.float64)
    return spoken / len(job.languages)


def traditional(job: JobFacts, pool: Sequence[CandidateFacts]) -> np.ndarray:
    total: np.ndarray | int = 0
    factors = (_years, _seniority, _location, _salary, _education, _languages)
    for factor in factors:
        values = factor(job, pool)
        total = total + np.where(np.isnan(values), s.UNKNOWN_FACTOR, values)
    return np.asarray(total) / len(factors)


# --- The score -----------------------------------------------------------------------------


def pool_scores(
    job: JobFacts,
    pool: Sequence[CandidateFacts],
    *,
    weights: dict[str, float] | None = None,
    stats: TermStats | None = None,
    profile_cosines: Sequence[float | None] | None = None,
    experience_cosines: Sequence[Cosines] | None = None,
) -> np.ndarray:
    """`scoring.score_value(job, pool[i], ...)` for every i, unrounded.

    `profile_cosines[i]` / `experience_cosines[i]`: the database's cosines for candidate i
    (None: computed from the facts' vectors, as the scalar scorer does).
    """
    if not pool:
        return np.zeros(0)
    weights = s.normalize_weights(weights)
    stats = stats or TermStats()
    profile_cosines = profile_cosines or [None] * len(pool)
    experience_cosines = experience_cosines or [None] * len(pool)
    components = {
        "lexical": lexical(job, pool, stats),
        "semantic": semantic(job, pool, profile_cosines, experience_cosines),
        "traditional": traditional(job, pool),
    }
    total: np.ndarray | int = 0
    for name, values in components.items():
        total = total + weights[name] * values
    return np.asarray(total, dtype=np.float64)


# --- Full results for the kept pairs -------------------------------------------------------


def _optional(values: np.ndarray | None, n: int) -> list[float | None]:
    if values is None:
        return [None] * n
    return [None if np.isnan(v) else float(v) for v in values]


def _subscores(
    job: JobFacts,
    kept: Sequence[CandidateFacts],
    stats: TermStats,
    profile_cosines: Sequence[float | None],
    experience_cosines: Sequence[Cosines],
) -> list[dict[str, float | None]]:
    """`scoring._components`' sub-scores (unrounded, same keys and order) for each of `kept`."""
    n = len(kept)
    required = set(job.required_skills)
    preferred = set(job.preferred_skills) - required
    req = (
        np.array([len(required & c.skills) for c in kept], dtype=np.float64) / len(required)
        if required
        else None
    )
    pref = (
        np.array([len(preferred & c.skills) for c in kept], dtype=np.float64) / len(preferred)
        if preferred
        else None
    )
    raw, reverse = _forward(job, kept, stats), _reverse(job, kept, stats)
    keyword = s.FORWARD_SHARE * _clip(raw / s.KEYWORD_SATURATION) + (1 - s.FORWARD_SHARE) * _clip(
        reverse / s.REVERSE_SATURATION
    )
    profile, best = _cosines(job, kept, profile_cosines, experience_cosines)
    columns: dict[str, list[float | None]] = {
        "lexical.required_coverage": _optional(req, n),
        "lexical.preferred_coverage": _optional(pref, n),
        "lexical.skill_coverage": _optional(_skill_coverage(job, kept), n),
        "lexical.keyword_raw": _optional(raw, n),
        "lexical.reverse_raw": _optional(reverse, n),
        "lexical.keyword": _optional(keyword, n),
        "semantic.profile_cosine": profile,
        "semantic.best_experience_cosine": best,
        "semantic.profile": [s.calibrate_cosine(v) for v in profile],
        "semantic.best_experience": [s.calibrate_cosine(v) for v in best],
    }
    for name, factor in zip(
        s.TRADITIONAL_FACTORS,
        (_years, _seniority, _location, _salary, _education, _languages),
        strict=True,
    ):
        columns[f"traditional.{name}"] = _optional(factor(job, kept), n)
    return [{key: column[i] for key, column in columns.items()} for i in range(n)]


def pool_results(
    job: JobFacts,
    kept: Sequence[CandidateFacts],
    *,
    weights: dict[str, float] | None = None,
    stats: TermStats,
    profile_cosines: Sequence[float | None],
    experience_cosines: Sequence[Cosines],
) -> list[s.MatchResult]:
    """`scoring.score_match(job, kept[i], ...)` for every i, its sub-scores taken as arrays.

    The components come from the sub-scores by the scalar formulas (`scoring.components_of`),
    the explanation and the inputs hash from the same functions `score_match` calls, so a kept
    pair's stored row is the scalar one (`matching/tests/test_ranking.py` compares both).
    """
    weights = s.normalize_weights(weights)
    rows = _subscores(job, kept, stats, profile_cosines, experience_cosines)
    return [
        s.result_of(job, c, s.components_of(subs), subs, weights)
        for c, subs in zip(kept, rows, strict=True)
    ]
