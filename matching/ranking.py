"""The hybrid score of one job against a whole candidate pool at once, with numpy.

`subscore_arrays(job, candidates, ...)` computes every sub-score of `scoring._components` as an
array over the pool, once; `component_arrays` and `weighted_total` give the scores
(`pool_scores`: the numbers `scoring.score_value` gives pair by pair, the scalar reference) and
`results_of` the full results of the pairs kept, their explanations and inputs hashes built by
the functions `scoring.score_match` calls (`pool_results`). The sub-scores: skill overlaps as
counts, years, seniority levels, salaries and education levels as float arrays (NaN for unknown,
`matching.traditional`), locations by comparing arrays of country / city codes, the forward
BM25F as a candidates x query-terms matrix, the reverse BM25F over the pool's concatenated term
lists (one `np.add.reduceat` per sum) and the cosines taken from the database (one statement
for the pool). Each candidate's terms are plain lists (`lexical_lists`: memoised per facts
object, stored with the facts and restored as they are by `matching.factrows`), concatenated
into the pool's arrays once; only that and a few set intersections remain per-candidate
Python.

The element-wise arithmetic follows the scalar code operation by operation, so each sub-score is
bit-for-bit the scalar one; only the sums over terms add in another order (differences of the
order of 1e-16). `matching/tests/test_ranking.py` compares both over a generated pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np

from matching import scoring as s
from matching.facts import CandidateFacts, JobFacts
from matching.lexical import (
    FIELD_WEIGHTS,
    K1,
    B,
    TermStats,
    _job_tf,
    cached,
    lexical_lists,
)
from matching.traditional import FACTOR_ARRAYS, traditional_array

Cosines = tuple[float | None, ...] | None


def _array(values: Sequence[float | None]) -> np.ndarray:
    return np.array(values, dtype=np.float64)  # None reads as NaN


def _clip(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0.0, 1.0)


# --- Lexical -------------------------------------------------------------------------------


_FIELDS = np.arange(len(FIELD_WEIGHTS))


def _pool_lists(pool: Sequence[CandidateFacts]) -> tuple:
    """The pool's `lexical_lists` concatenated: (query terms, their hashes, their weights, the
    number of query terms per candidate, occurrences as indexes into the concatenated query
    terms, their counts, each candidate's field lengths (n x fields) and totals (n x fields))."""
    lists = [lexical_lists(c) for c in pool]
    words = list(chain.from_iterable(x[0] for x in lists))
    n_words = np.fromiter((len(x[0]) for x in lists), np.intp, len(lists))
    hashes = np.fromiter(map(hash, words), np.int64, len(words))
    weights = np.fromiter(chain.from_iterable(x[1] for x in lists), np.float64, len(words))
    offsets = np.cumsum(n_words) - n_words
    n_occ = np.fromiter((len(x[2]) for x in lists), np.intp, len(lists))
    occ = np.fromiter(chain.from_iterable(x[2] for x in lists), np.intp, int(n_occ.sum()))
    occ += np.repeat(offsets, n_occ)
    counts = np.fromiter(chain.from_iterable(x[3] for x in lists), np.float64, len(occ))
    fields = len(FIELD_WEIGHTS)
    lengths = np.fromiter(chain.from_iterable(x[4] for x in lists), np.intp, fields * len(lists))
    totals = np.fromiter(
        chain.from_iterable(x[5] for x in lists), np.float64, fields * len(lists)
    ).reshape(len(lists), fields)
    return words, hashes, weights, n_words, n_occ, occ, counts, lengths, totals


def _forward(
    job: JobFacts, pool: Sequence[CandidateFacts], stats: TermStats, lists: tuple
) -> np.ndarray:
    """`lexical.keyword_relevance` over the pool: a candidates x query-terms tf matrix.

    The pool's term occurrences (`_pool_lists`) are matched to the query's terms by hash
    (`np.searchsorted`; Python's 64-bit string hashes, fixed within a process: a collision is
    a 2^-64 event); each cell sums its fields' `fw * count` in field order (`np.bincount` adds
    in input order), as the scalar loop does."""
    weights, ideal = stats.weighted_query(job)
    n = len(pool)
    if not ideal or not n:
        return np.zeros(n)
    _, word_hashes, _, _, n_occ, occ, counts, lengths, totals = lists
    hashes = word_hashes[occ]
    fields = np.repeat(np.tile(_FIELDS, n), lengths)
    rows = np.repeat(np.arange(n), n_occ)
    avg = np.array([stats.avg_len.get(name) or 0.0 for name in FIELD_WEIGHTS])
    avg = np.where(avg != 0, avg, np.maximum(totals, 1))  # `avg_len.get(name) or max(total, 1)`
    field_weight = np.array(list(FIELD_WEIGHTS.values()))
    fw = field_weight / (1.0 - B + B * totals / np.maximum(avg, 1.0))
    query = np.fromiter((hash(t) for t in weights), np.int64, len(weights))
    order = np.argsort(query)
    at = np.minimum(np.searchsorted(query[order], hashes), len(query) - 1)
    found = query[order][at] == hashes
    cells = rows[found] * len(query) + order[at][found]
    contribution = fw[rows[found], fields[found]] * counts[found]
    tf = np.bincount(cells, weights=contribution, minlength=n * len(query)).reshape(n, -1)
    w = np.fromiter(weights.values(), dtype=np.float64, count=len(weights))
    return (w * tf * (K1 + 1.0) / (tf + K1)).sum(axis=1) / ideal


def _reverse(
    job: JobFacts, pool: Sequence[CandidateFacts], stats: TermStats, lists: tuple
) -> np.ndarray:
    """`lexical.reverse_relevance` over the pool: the candidates' query terms concatenated,
    IDF and the job's saturated tf looked up once per distinct term (told apart by hash, as in
    `_forward`), summed per candidate."""
    words, hashes, query_weights, lengths = lists[:4]
    if not lengths.sum():
        return np.zeros(len(pool))
    _, first, idx = np.unique(hashes, return_index=True, return_inverse=True)
    vocabulary = [words[i] for i in first.tolist()]
    idf = stats.idfs(vocabulary)
    job_tf = cached(job, "_lexical_tf", lambda: _job_tf(job))
    tf = np.fromiter(map(job_tf.get, vocabulary, repeat(0.0)), np.float64, len(vocabulary))[idx]
    weight = query_weights * idf[idx]
    gained = weight * tf / (tf + K1)  # 0 for terms the job lacks, as the scalar skips them
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    nonempty = lengths > 0
    ideal, score = np.zeros(len(pool)), np.zeros(len(pool))
    ideal[nonempty] = np.add.reduceat(weight, starts[nonempty])
    score[nonempty] = np.add.reduceat(gained, starts[nonempty])
    return np.divide(score, ideal, out=np.zeros(len(pool)), where=ideal != 0)


# --- Semantic ------------------------------------------------------------------------------


def _calibrate(x: np.ndarray) -> np.ndarray:
    return _clip((x - s.COSINE_FLOOR) / (s.COSINE_CEIL - s.COSINE_FLOOR))


def _cosines(
    job: JobFacts,
    pool: Sequence[CandidateFacts],
    profile_cosines: Sequence[float | None],
    experience_cosines: Sequence[Cosines],
) -> tuple[list[float | None], list[float | None]]:
    """Per candidate: (profile<->job cosine, best experience<->job cosine), None if unknown."""
    profile: list[float | None] = []
    best: list[float | None] = []
    model = job.embedding_model
    for candidate, pc, ec in zip(pool, profile_cosines, experience_cosines, strict=True):
        other = candidate.embedding_model
        if model and other and model != other:  # vectors of another model: no cosine
            profile.append(None)
            best.append(None)
            continue
        if pc is None or ec is None:
            # Not computed by the database: the scalar path reads the facts' own vectors.
            _, subs = s.semantic_component(job, candidate, profile_cosine=pc, experience_cosines=ec)
            profile.append(subs["profile_cosine"])
            best.append(subs["best_experience_cosine"])
            continue
        known = ec if None not in ec else [x for x in ec if x is not None]
        profile.append(pc)
        best.append(max(known) if known else None)
    return profile, best


# --- The score -----------------------------------------------------------------------------


def subscore_arrays(
    job: JobFacts,
    pool: Sequence[CandidateFacts],
    stats: TermStats,
    profile_cosines: Sequence[float | None],
    experience_cosines: Sequence[Cosines],
) -> dict[str, np.ndarray]:
    """`scoring._components`' sub-scores (same keys, same order) as arrays over the pool, NaN
    where the scalar sub-score is None: computed once, for the ranking and for the kept."""
    n = len(pool)
    required = set(job.required_skills)
    preferred = set(job.preferred_skills) - required
    unknown = np.full(n, np.nan)
    have_req = np.array([len(required & c.skills) for c in pool], dtype=np.float64)
    have_pref = np.array([len(preferred & c.skills) for c in pool], dtype=np.float64)
    lists = _pool_lists(pool)
    raw, reverse = _forward(job, pool, stats, lists), _reverse(job, pool, stats, lists)
    profile, best = _cosines(job, pool, profile_cosines, experience_cosines)
    total = s.REQUIRED_SKILL_WEIGHT * len(required) + len(preferred)
    arrays = {
        "lexical.required_coverage": have_req / len(required) if required else unknown,
        "lexical.preferred_coverage": have_pref / len(preferred) if preferred else unknown,
        "lexical.skill_coverage": (s.REQUIRED_SKILL_WEIGHT * have_req + have_pref) / total
        if total
        else unknown,
        "lexical.keyword_raw": raw,
        "lexical.reverse_raw": reverse,
        "lexical.keyword": s.FORWARD_SHARE * _clip(raw / s.KEYWORD_SATURATION)
        + (1 - s.FORWARD_SHARE) * _clip(reverse / s.REVERSE_SATURATION),
        "semantic.profile_cosine": _array(profile),
        "semantic.best_experience_cosine": _array(best),
    }
    arrays["semantic.profile"] = _calibrate(arrays["semantic.profile_cosine"])
    arrays["semantic.best_experience"] = _calibrate(arrays["semantic.best_experience_cosine"])
    for name, factor in FACTOR_ARRAYS.items():
        arrays[f"traditional.{name}"] = factor(job, pool)
    return arrays


def component_arrays(subs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The three components from the sub-score arrays (`scoring.components_of`, element-wise)."""
    skills, keyword = subs["lexical.skill_coverage"], subs["lexical.keyword"]
    lexical = np.where(
        np.isnan(skills), keyword, s.SKILL_SHARE * skills + (1 - s.SKILL_SHARE) * keyword
    )
    p, b = subs["semantic.profile"], subs["semantic.best_experience"]
    both = s.PROFILE_SHARE * p + (1 - s.PROFILE_SHARE) * b
    one = np.where(np.isnan(p), b, p)
    semantic = np.where(
        np.isnan(p) & np.isnan(b), 0.0, np.where(np.isnan(p) | np.isnan(b), one, both)
    )
    traditional = traditional_array([subs[f"traditional.{name}"] for name in FACTOR_ARRAYS])
    return {"lexical": lexical, "semantic": semantic, "traditional": traditional}


def weighted_total(components: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The unrounded score per candidate; `weights` normalized."""
    total: np.ndarray | int = 0
    for name, values in components.items():
        total = total + weights[name] * values
    return np.asarray(total, dtype=np.float64)


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
    subs = subscore_arrays(
        job,
        pool,
        stats or TermStats(),
        profile_cosines or [None] * len(pool),
        experience_cosines or [None] * len(pool),
    )
    return weighted_total(component_arrays(subs), s.normalize_weights(weights))


# --- Full results for the kept pairs -------------------------------------------------------


def rounded(values: np.ndarray) -> list[float | None]:
    """`round(v, 6)` of each value, bit for bit, None for NaN.

    Python's `round` rounds the exact value of v * 10^6 to an integer (half to even) and
    returns the double nearest that integer / 10^6: `np.rint(v * 1e6) / 1e6` is the same
    wherever the product's rounding (half an ulp at most) cannot cross a half; the values
    that lie that close to a half (and NaN, inf) are rounded by `round` itself."""
    scaled = values * 1e6
    whole = np.rint(scaled)
    out: list[float | None] = (whole / 1e6).tolist()
    with np.errstate(invalid="ignore"):
        near = np.abs(np.abs(scaled - whole) - 0.5) <= 1e-9 * np.maximum(1.0, np.abs(scaled))
    for i in np.flatnonzero(near | ~np.isfinite(scaled)).tolist():
        value = float(values[i])
        out[i] = None if value != value else round(value, 6)
    return out


def results_of(
    job: JobFacts,
    pool: Sequence[CandidateFacts],
    subs: dict[str, np.ndarray],
    rows: Sequence[int],
    weights: dict[str, float],
) -> list[s.MatchResult]:
    """`scoring.score_match(job, pool[i], ...)` for each i of `rows`, from the pool's sub-score
    arrays (`weights` normalized): the components by the scalar formulas
    (`scoring.components_of`), the explanation and the inputs hash from the same functions
    `score_match` calls, so a kept pair's stored row is the scalar one."""
    rows = list(rows)
    keys = list(subs)
    # The kept rows' sub-scores (one row per pair), as floats (None for NaN: unknown), rounded.
    kept = np.stack([subs[key] for key in keys], axis=1)[rows]
    exact = [[None if v != v else v for v in values] for values in kept.tolist()]
    shown = rounded(kept.ravel())
    width = len(keys)
    hash_of = s.inputs_hasher(job, weights)
    sentences: dict[tuple, object] = {}
    results = []
    for j, (i, values) in enumerate(zip(rows, exact, strict=True)):
        stored = shown[j * width : (j + 1) * width]
        subscores = dict(zip(keys, values, strict=True))
        candidate = pool[i]
        result = s.result_of(
            job,
            candidate,
            s.components_of(subscores),
            subscores,
            weights,
            rounded=dict(zip(keys, stored, strict=True)),
            hashed=hash_of(candidate),
            sentences=sentences,
        )
        results.append(result)
    return results


def pool_results(
    job: JobFacts,
    kept: Sequence[CandidateFacts],
    *,
    weights: dict[str, float] | None = None,
    stats: TermStats,
    profile_cosines: Sequence[float | None],
    experience_cosines: Sequence[Cosines],
) -> list[s.MatchResult]:
    """`scoring.score_match(job, kept[i], ...)` for every i, its sub-scores taken as arrays
    (`matching/tests/test_ranking.py` compares both)."""
    if not kept:
        return []
    subs = subscore_arrays(job, kept, stats, profile_cosines, experience_cosines)
    return results_of(job, kept, subs, range(len(kept)), s.normalize_weights(weights))
