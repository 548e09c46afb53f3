"""Why a pair scored what it did.

Skills with the resume line that shows them, and one sentence per factor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from matching.facts import CandidateFacts, JobFacts
from matching.lexical import cached
from matching.timezones import hours_apart


@dataclass(frozen=True)
class SkillEvidence:
    slug: str
    name: str
    evidence: str  # the resume line that mentions the skill ("" when only listed as a skill)


@dataclass(frozen=True)
class Explanation:
    matched_required: tuple[SkillEvidence, ...]
    matched_preferred: tuple[SkillEvidence, ...]
    missing_required: tuple[str, ...]
    missing_preferred: tuple[str, ...]
    factors: dict[str, str]  # factor -> one sentence


@lru_cache(maxsize=8192)  # the taxonomy never changes in a process
def skill_name(slug: str) -> str:
    try:
        from resumes.skills import get_skill
    except ImportError:  # pragma: no cover - the taxonomy ships with resumes
        return slug
    skill = get_skill(slug)
    return skill.name if skill else slug


def _evidence(
    candidate: CandidateFacts, slugs: list[str], memo: dict[tuple, object]
) -> tuple[SkillEvidence, ...]:
    """Each skill with its line; `memo` shares equal ones across a job's candidates (most
    skills come without a line)."""
    lines = candidate.skill_evidence
    found = []
    for slug in slugs:
        key = ("evidence", slug, lines.get(slug, ""))
        evidence = memo.get(key)
        if evidence is None:
            evidence = memo[key] = SkillEvidence(slug=slug, name=skill_name(slug), evidence=key[2])
        found.append(evidence)
    return tuple(found)  # type: ignore[arg-type]


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{round(100 * value)}%"


def _years_sentence(job: JobFacts, candidate: CandidateFacts, value: float | None) -> str:
    if value is None:
        return "Years of experience were not compared (range or candidate years unknown)."
    years = candidate.years_of_experience or 0
    wanted = (
        f"{job.years_min or 0} to {job.years_max}"
        if job.years_max is not None
        else f"{job.years_min}+"
    )
    return f"{years:g} years of experience against {wanted} wanted: fit {_pct(value)}."


def _zones(job: JobFacts, candidate: CandidateFacts) -> str:
    if not job.remote_timezones or not candidate.country:
        return ""
    gap = hours_apart(job.remote_timezones, candidate.country)
    if gap is None:
        return ""
    return f" in {', '.join(job.remote_timezones)}, {gap:g} h from {candidate.country}"


def _sentence(name: str, value: float | None, job: JobFacts, candidate: CandidateFacts) -> str:
    if name == "years":
        return _years_sentence(job, candidate, value)
    if value is None:
        return f"{name.capitalize()} was not compared: one side does not say."
    # Only the sentence asked for is built (the location one may look up time zones).
    fit = _pct(value)
    if name == "seniority":
        return f"Seniority {candidate.seniority or '?'} for a {job.seniority} role: fit {fit}."
    if name == "location":
        if job.workplace == "remote":
            return (
                f"Remote job{_zones(job, candidate)}; candidate prefers "
                f"{candidate.remote_preference}: fit {fit}."
            )
        return (
            f"{job.workplace.capitalize()} job in {job.city or job.country}; candidate in "
            f"{candidate.city or candidate.country}: fit {fit}."
        )
    if name == "salary":
        return f"Expected salary against the job's range: fit {fit}."
    if name == "education":
        return f"Education against the required level: fit {fit}."
    if name == "languages":
        return f"Speaks {fit} of the required languages."
    raise KeyError(name)


def _job_skills(job: JobFacts) -> tuple[list[str], list[str], frozenset[str]]:
    """The job's required skills and its preferred ones not required, in order, once each;
    all of them as a set."""
    required = list(dict.fromkeys(job.required_skills))
    preferred = [s for s in dict.fromkeys(job.preferred_skills) if s not in required]
    return required, preferred, frozenset(required + preferred)


def _skills(job: JobFacts, have: frozenset[str]) -> tuple:
    """(matched required, matched preferred, missing required names, missing preferred names,
    the skills sentence) of a candidate with these of the job's skills."""
    required, preferred, _ = cached(job, "_explain_skills", lambda: _job_skills(job))
    matched_req = [s for s in required if s in have]
    matched_pref = [s for s in preferred if s in have]
    missing_req = tuple(skill_name(s) for s in required if s not in have)
    missing_pref = tuple(skill_name(s) for s in preferred if s not in have)
    if required or preferred:
        sentence = (
            f"Has {len(matched_req)} of {len(required)} required and {len(matched_pref)} of "
            f"{len(preferred)} preferred skills"
            + (f"; missing {', '.join(missing_req)}." if missing_req else ".")
        )
    else:
        sentence = "The job lists no skills; only keyword relevance was used."
    return matched_req, matched_pref, missing_req, missing_pref, sentence


def _sentence_key(
    name: str, value: float | None, job: JobFacts, candidate: CandidateFacts
) -> tuple:
    """What `_sentence(name, value, job, candidate)` reads of the candidate besides the value
    (-0.0 and 0.0, equal keys, read the same: "0%", and `years or 0` is 0 for both)."""
    if name == "years":
        return name, value, candidate.years_of_experience or 0
    if name == "seniority":
        return name, value, candidate.seniority
    if name == "location":
        if job.workplace == "remote":
            return name, value, candidate.remote_preference, candidate.country
        return name, value, candidate.city or candidate.country
    return name, value


_FACTOR_NAMES = ("years", "seniority", "location", "salary", "education", "languages")
_FACTORS = tuple((name, f"traditional.{name}") for name in _FACTOR_NAMES)


def explain(
    job: JobFacts,
    candidate: CandidateFacts,
    components: dict[str, float],
    subscores: dict[str, float | None],
    *,
    sentences: dict[tuple, object] | None = None,
) -> Explanation:
    """`sentences`, when given, memoises the skills part and the factor sentences across the
    candidates of one job (`matching.ranking.results_of`): the skills part is a function of the
    job's skills the candidate has, a factor's sentence of the job, its value and the few facts
    of the candidate it names (`_sentence_key`); most of them recur."""
    if sentences is None:
        sentences = {}  # one candidate: nothing recurs
    job_skills = cached(job, "_explain_skills", lambda: _job_skills(job))[2]
    key = ("skills", job_skills & candidate.skills)
    part = sentences.get(key)
    if part is None:
        part = sentences[key] = _skills(job, key[1])
    matched_req, matched_pref, missing_req, missing_pref, skills = part
    profile, best = subscores.get("semantic.profile"), subscores.get("semantic.best_experience")
    factors = {
        "skills": skills,
        "keywords": (
            f"Resume covers {_pct(subscores.get('lexical.keyword_raw'))} of the job's weighted "
            f"vocabulary (titles count most)."
        ),
        "semantic": (
            f"Profile meaning similarity {_pct(profile)}, closest past role {_pct(best)}."
            if profile is not None or best is not None
            else "No embeddings to compare yet."
        ),
    }
    for name, subscore in _FACTORS:
        value = subscores.get(subscore)
        key = _sentence_key(name, value, job, candidate)
        sentence = sentences.get(key)
        if sentence is None:
            sentence = sentences[key] = _sentence(name, value, job, candidate)
        factors[name] = sentence
    return Explanation(
        matched_required=_evidence(candidate, matched_req, sentences),
        matched_preferred=_evidence(candidate, matched_pref, sentences),
        missing_required=missing_req,
        missing_preferred=missing_pref,
        factors=factors,
    )
