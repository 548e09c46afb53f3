"""The hybrid match score of one (job, candidate) pair: pure functions over `matching.facts`.

    score = w_lex * lexical + w_sem * semantic + w_trad * traditional      (weights sum to 1)

Every component and sub-score lies in [0, 1]. A sub-score that cannot be computed (the job has no
salary, the candidate gave no years) is recorded as `None`, not guessed; in the traditional mean it
counts as `traditional.UNKNOWN_FACTOR` (0.75: below a confirmed fit, above a mismatch), so a
posting that states nothing never outranks one that states a fitting range. Hard filters (work
authorization, remote-only candidates vs on-site jobs) are not scores: `passes_filters` decides
whether a pair is ranked at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from matching.digest import facts_digest, inputs_hash
from matching.explain import Explanation, explain
from matching.facts import CandidateFacts, JobFacts, Vector
from matching.lexical import TermStats, cached, keyword_relevance, reverse_relevance
from matching.traditional import (  # noqa: F401 (re-exported: callers import them from here)
    TRADITIONAL_FACTORS,
    UNKNOWN_FACTOR,
    education_fit,
    factor_mean,
    language_fit,
    location_fit,
    salary_fit,
    seniority_fit,
    traditional_component,
    years_fit,
)

SCORER_VERSION = "hybrid-1"

# The constants below were chosen on the development set by the procedure in
# matching/README.md ("How the weights were chosen"): a grid search, location withheld,
# maximising the mean of self-retrieval MRR and graded nDCG@10 over both directions.

# Missing a required skill costs this many times what missing a preferred one costs.
REQUIRED_SKILL_WEIGHT = 2.0
# lexical = SKILL_SHARE * skill coverage + (1 - SKILL_SHARE) * keyword relevance. The dev
# postings list no skills, so this share is a prior (0.2 cost < 0.001 on dev), not a fit.
SKILL_SHARE = 0.2
# keyword relevance = FORWARD_SHARE * job-terms-covered + (1 - FORWARD_SHARE) * candidate-
# terms-used; each raw share is stretched so that reaching its saturation reads 1.
FORWARD_SHARE = 0.5
KEYWORD_SATURATION = 0.3
REVERSE_SATURATION = 0.3
# Cosine similarities of all-MiniLM-L6-v2 between a job and a resume unit rarely leave this
# band; it is stretched linearly to [0, 1].
COSINE_FLOOR, COSINE_CEIL = 0.10, 0.70
# semantic = PROFILE_SHARE * profile<->job + (1 - PROFILE_SHARE) * best experience<->job
PROFILE_SHARE = 0.3
DEFAULT_WEIGHTS = {"lexical": 0.3, "semantic": 0.4, "traditional": 0.3}


@dataclass(frozen=True)
class MatchResult:
    job_id: str
    candidate_id: str
    score: float
    components: dict[str, float]
    subscores: dict[str, float | None]
    weights: dict[str, float]
    model_versions: dict[str, str]
    inputs_hash: str
    explanation: Explanation

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _clip(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def _unit(obj: object, key: str, vector: Vector | None) -> np.ndarray | None:
    """The vector scaled to length 1, memoised on its facts object (None for a zero vector)."""
    if vector is None:
        return None

    def compute() -> np.ndarray | None:
        array = np.asarray(vector, dtype=np.float64)
        norm = float(np.linalg.norm(array))
        return array / norm if norm else None

    return cached(obj, key, compute)


def _unit_cosine(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    if a is None or b is None or len(a) != len(b):
        return None
    return float(a @ b)


def cosine(a: np.ndarray | Vector | None, b: np.ndarray | Vector | None) -> float | None:
    if a is None or b is None or len(a) != len(b):
        return None
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(a @ b) / (na * nb) if na and nb else None


def calibrate_cosine(value: float | None) -> float | None:
    if value is None:
        return None
    return _clip((value - COSINE_FLOOR) / (COSINE_CEIL - COSINE_FLOOR))


def normalize_weights(weights: dict[str, float] | None) -> dict[str, float]:
    weights = dict(weights or DEFAULT_WEIGHTS)
    total = sum(weights.get(k, 0.0) for k in DEFAULT_WEIGHTS)
    if total <= 0:
        raise ValueError("match weights must not all be zero")
    return {k: weights.get(k, 0.0) / total for k in DEFAULT_WEIGHTS}


# --- Hard filters --------------------------------------------------------------------------


def passes_filters(job: JobFacts, candidate: CandidateFacts) -> tuple[bool, str]:
    """(ranked at all?, why not). Unknown facts never filter a candidate out."""
    if job.workplace != "remote" and candidate.remote_preference == "remote":
        return False, "The candidate only works remotely and this job is not remote."
    if job.workplace == "remote":
        if (
            job.remote_countries
            and candidate.country
            and candidate.country not in job.remote_countries
        ):
            return False, "The candidate lives outside the countries this remote job allows."
    elif (
        job.country
        and candidate.work_authorization
        and job.country not in candidate.work_authorization
    ):
        return False, f"The candidate is not authorized to work in {job.country}."
    return True, ""


# --- Components ----------------------------------------------------------------------------


def skill_coverage(job: JobFacts, candidate: CandidateFacts) -> dict[str, float | None]:
    required, preferred = (
        set(job.required_skills),
        set(job.preferred_skills) - set(job.required_skills),
    )
    have = candidate.skills
    req = len(required & have) / len(required) if required else None
    pref = len(preferred & have) / len(preferred) if preferred else None
    total = REQUIRED_SKILL_WEIGHT * len(required) + len(preferred)
    combined = (
        (REQUIRED_SKILL_WEIGHT * len(required & have) + len(preferred & have)) / total
        if total
        else None
    )
    return {"required_coverage": req, "preferred_coverage": pref, "skill_coverage": combined}


def lexical_component(
    job: JobFacts, candidate: CandidateFacts, stats: TermStats
) -> tuple[float, dict[str, float | None]]:
    subs = skill_coverage(job, candidate)
    raw = keyword_relevance(job, candidate, stats)
    reverse = reverse_relevance(job, candidate, stats)
    subs["keyword_raw"] = raw
    subs["reverse_raw"] = reverse
    subs["keyword"] = FORWARD_SHARE * _clip(raw / KEYWORD_SATURATION) + (1 - FORWARD_SHARE) * _clip(
        reverse / REVERSE_SATURATION
    )
    if subs["skill_coverage"] is None:
        return subs["keyword"], subs
    value = SKILL_SHARE * subs["skill_coverage"] + (1 - SKILL_SHARE) * subs["keyword"]
    return value, subs


def semantic_component(
    job: JobFacts,
    candidate: CandidateFacts,
    *,
    profile_cosine: float | None = None,
    experience_cosines: tuple[float | None, ...] | None = None,
) -> tuple[float, dict[str, float | None]]:
    """`profile_cosine` and `experience_cosines`, when given, are the profile<->job and
    experience entry<->job cosines the database already computed (a ranking pool is loaded
    without its vectors); otherwise they are computed here from the facts' vectors."""
    same_model = job.embedding_model == candidate.embedding_model or not (
        job.embedding_model and candidate.embedding_model
    )
    job_vector = _unit(job, "_unit", job.embedding)
    profile = None
    if same_model:
        profile = (
            profile_cosine
            if profile_cosine is not None
            else _unit_cosine(job_vector, _unit(candidate, "_unit", candidate.embedding))
        )
    best = None
    if same_model:
        sims = (
            list(experience_cosines)
            if experience_cosines is not None
            else [
                _unit_cosine(job_vector, _unit(e, "_unit", e.embedding))
                for e in candidate.experiences
            ]
        )
        known = [s for s in sims if s is not None]
        best = max(known) if known else None
    subs: dict[str, float | None] = {
        "profile_cosine": profile,
        "best_experience_cosine": best,
        "profile": calibrate_cosine(profile),
        "best_experience": calibrate_cosine(best),
    }
    if subs["profile"] is None and subs["best_experience"] is None:
        return 0.0, subs
    if subs["profile"] is None or subs["best_experience"] is None:
        value = subs["profile"] if subs["profile"] is not None else subs["best_experience"]
        return float(value or 0.0), subs
    return PROFILE_SHARE * subs["profile"] + (1 - PROFILE_SHARE) * subs["best_experience"], subs


# --- The score -----------------------------------------------------------------------------


def _components(
    job: JobFacts,
    candidate: CandidateFacts,
    stats: TermStats,
    profile_cosine: float | None = None,
    experience_cosines: tuple[float | None, ...] | None = None,
) -> tuple[dict[str, float], dict[str, float | None]]:
    lexical, lex_subs = lexical_component(job, candidate, stats)
    semantic, sem_subs = semantic_component(
        job, candidate, profile_cosine=profile_cosine, experience_cosines=experience_cosines
    )
    traditional, trad_subs = traditional_component(job, candidate)
    components = {"lexical": lexical, "semantic": semantic, "traditional": traditional}
    subscores = {f"lexical.{k}": v for k, v in lex_subs.items()}
    subscores |= {f"semantic.{k}": v for k, v in sem_subs.items()}
    subscores |= {f"traditional.{k}": v for k, v in trad_subs.items()}
    return components, subscores


def score_value(
    job: JobFacts,
    candidate: CandidateFacts,
    *,
    weights: dict[str, float] | None = None,
    stats: TermStats | None = None,
    profile_cosine: float | None = None,
    experience_cosines: tuple[float | None, ...] | None = None,
) -> float:
    """The score alone (no explanation, no hash): the scalar reference of `matching.ranking`.

    `profile_cosine`, `experience_cosines`: see `semantic_component`.
    """
    weights = normalize_weights(weights)
    components, _ = _components(
        job, candidate, stats or TermStats(), profile_cosine, experience_cosines
    )
    return round(sum(weights[k] * components[k] for k in components), 6)


def score_match(
    job: JobFacts,
    candidate: CandidateFacts,
    *,
    weights: dict[str, float] | None = None,
    stats: TermStats | None = None,
    profile_cosine: float | None = None,
    experience_cosines: tuple[float | None, ...] | None = None,
) -> MatchResult:
    """The full result: score, components, explanation, inputs hash (`profile_cosine`,
    `experience_cosines`: see `semantic_component`)."""
    weights = normalize_weights(weights)
    components, subscores = _components(
        job, candidate, stats or TermStats(), profile_cosine, experience_cosines
    )
    return result_of(job, candidate, components, subscores, weights)


def components_of(subscores: dict[str, float | None]) -> dict[str, float]:
    """The three components from their unrounded sub-scores, as the `*_component` functions
    combine them (`matching.ranking.pool_results` builds the sub-scores as arrays)."""
    skills, keyword = subscores["lexical.skill_coverage"], subscores["lexical.keyword"]
    assert keyword is not None
    lexical = keyword if skills is None else SKILL_SHARE * skills + (1 - SKILL_SHARE) * keyword
    profile, best = subscores["semantic.profile"], subscores["semantic.best_experience"]
    if profile is None and best is None:
        semantic = 0.0
    elif profile is None or best is None:
        semantic = float((profile if profile is not None else best) or 0.0)
    else:
        semantic = PROFILE_SHARE * profile + (1 - PROFILE_SHARE) * best
    traditional = factor_mean([subscores[f"traditional.{name}"] for name in TRADITIONAL_FACTORS])
    return {"lexical": lexical, "semantic": semantic, "traditional": traditional}


def inputs_hasher(job: JobFacts, weights: dict[str, float]) -> Callable[[CandidateFacts], str]:
    """`digest.inputs_hash(job, c, weights, SCORER_VERSION)` for the candidates c of one job:
    the JSON payload is encoded once around a marker, each candidate's digest put in its place
    (a hex string: its JSON is itself in quotes)."""
    marker = "candidate digest"
    payload = json.dumps([facts_digest(job), marker, weights, SCORER_VERSION], sort_keys=True)
    head, tail = payload.split(json.dumps(marker))

    def hash_of(candidate: CandidateFacts) -> str:
        return hashlib.sha256(f'{head}"{facts_digest(candidate)}"{tail}'.encode()).hexdigest()

    return hash_of


def result_of(
    job: JobFacts,
    candidate: CandidateFacts,
    components: dict[str, float],
    subscores: dict[str, float | None],
    weights: dict[str, float],
    *,
    rounded: dict[str, float | None] | None = None,
    hashed: str | None = None,
    sentences: dict[tuple, object] | None = None,
) -> MatchResult:
    """The stored result of a pair from its unrounded components, sub-scores and normalized
    weights. A ranking gives what it computed for its whole pool (`ranking.results_of`): the
    sub-scores rounded, the inputs hash (`inputs_hasher`), the explanations' sentence memo."""
    score = sum(weights[k] * components[k] for k in components)
    if rounded is None:
        rounded = {k: (round(v, 6) if v is not None else None) for k, v in subscores.items()}
    return MatchResult(
        job_id=job.id,
        candidate_id=candidate.id,
        score=round(score, 6),
        components={k: round(v, 6) for k, v in components.items()},
        subscores=rounded,
        weights=weights,
        model_versions={
            "scorer": SCORER_VERSION,
            "job_embedding": job.embedding_model,
            "candidate_embedding": candidate.embedding_model,
        },
        inputs_hash=hashed or inputs_hash(job, candidate, weights, SCORER_VERSION),
        explanation=explain(job, candidate, components, subscores, sentences=sentences),
    )
