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


def _evidence(candidate: CandidateFacts, slugs: list[str]) -> tuple[SkillEvidence, ...]:
    return tuple(
        SkillEvidence(slug=s, name=skill_name(s), evidence=candidate.skill_evidence.get(s, ""))
        for s in slugs
    )


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


def _job_skills(job: JobFacts) -> tuple[list[str], list[str]]:
    """The job's required skills and its preferred ones not required, in order, once each."""
    required = list(dict.fromkeys(job.required_skills))
    return required, [s for s in dict.fromkeys(job.preferred_skills) if s not in required]


def explain(
    job: JobFacts,
    candidate: CandidateFacts,
    components: dict[str, float],
    subscores: dict[str, float | None],
) -> Explanation:
    required, preferred = cached(job, "_explain_skills", lambda: _job_skills(job))
    have = candidate.skills
    matched_req = [s for s in required if s in have]
    matched_pref = [s for s in preferred if s in have]
    missing_req = tuple(skill_name(s) for s in required if s not in have)
    missing_pref = tuple(skill_name(s) for s in preferred if s not in have)

    if required or preferred:
        skills = (
            f"Has {len(matched_req)} of {len(required)} required and {len(matched_pref)} of "
            f"{len(preferred)} preferred skills"
            + (f"; missing {', '.join(missing_req)}." if missing_req else ".")
        )
    else:
        skills = "The job lists no skills; only keyword relevance was used."
    factors = {
        "skills": skills,
        "keywords": (
            f"Resume covers {_pct(subscores.get('lexical.keyword_raw'))} of the job's weighted "
            f"vocabulary (titles count most)."
        ),
        "semantic": (
            f"Profile meaning similarity {_pct(subscores.get('semantic.profile'))}, "
            f"closest past role {_pct(subscores.get('semantic.best_experience'))}."
            if subscores.get("semantic.profile") is not None
            or subscores.get("semantic.best_experience") is not None
            else "No embeddings to compare yet."
        ),
    }
    for name in ("years", "seniority", "location", "salary", "education", "languages"):
        factors[name] = _sentence(name, subscores.get(f"traditional.{name}"), job, candidate)
    return Explanation(
        matched_required=_evidence(candidate, matched_req),
        matched_preferred=_evidence(candidate, matched_pref),
        missing_required=missing_req,
        missing_preferred=missing_pref,
        factors=factors,
    )
