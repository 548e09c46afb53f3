"""Facts from the database rows: `Job` → `JobFacts`, `CandidateProfile` → `CandidateFacts`."""

from __future__ import annotations

from typing import Any

import numpy as np

from jobs.models import ANNUAL_FACTOR, Job
from matching.facts import EDUCATION_LEVELS, CandidateFacts, Experience, JobFacts, education_level
from matching.jsonresume import COUNTRY_NAMES, LANGUAGE_CODES
from matching.seniority import candidate_seniority
from resumes.models import CandidateProfile


def _annual(amount: int | None, period: str) -> int | None:
    return None if amount is None else amount * ANNUAL_FACTOR.get(period or "year", 1)


def _country(raw: str) -> str:
    raw = (raw or "").strip()
    if len(raw) == 2:
        return raw.upper()
    return COUNTRY_NAMES.get(raw.casefold(), "")


def _language(raw: str) -> str:
    raw = (raw or "").strip()
    return raw.casefold() if len(raw) == 2 else LANGUAGE_CODES.get(raw.casefold(), "")


def vector_tuple(value: Any) -> tuple[float, ...] | None:
    return None if value is None else tuple(np.asarray(value, dtype=np.float64).tolist())


def job_facts(job: Job) -> JobFacts:
    return JobFacts(
        id=str(job.pk),
        title=job.title,
        description=job.description,
        required_skills=tuple(job.required_skills),
        preferred_skills=tuple(job.preferred_skills),
        seniority=job.seniority,
        years_min=job.years_min,
        years_max=job.years_max,
        city=job.city,
        country=job.country.upper(),
        workplace=job.workplace,
        remote_countries=frozenset(c.upper() for c in job.remote_countries),
        remote_timezones=tuple(job.remote_timezones),
        salary_min=_annual(job.salary_min, job.salary_period),
        salary_max=_annual(job.salary_max, job.salary_period),
        salary_currency=job.salary_currency.upper(),
        education_level=EDUCATION_LEVELS.get(job.education, 0),
        languages=frozenset(filter(None, (_language(x) for x in job.languages))),
        embedding=vector_tuple(job.embedding),
        embedding_model=job.embedding_model,
    )


def _experience_entries(profile: CandidateProfile) -> list[dict[str, Any]]:
    return [e for e in profile.experiences or [] if isinstance(e, dict)]


def candidate_facts(
    profile: CandidateProfile,
    experience_vectors: list[list[float]] | None = None,
    *,
    with_embedding: bool = True,
) -> CandidateFacts:
    """`with_embedding=False` leaves the profile vector out (a ranking pool loaded without it,
    the database having computed the profile<->job cosine)."""
    entries = _experience_entries(profile)
    vectors = (
        experience_vectors
        if experience_vectors and len(experience_vectors) == len(entries)
        else None
    )
    experiences = tuple(
        Experience(
            title=entry.get("title") or "",
            company=entry.get("company") or "",
            description=entry.get("description") or "",
            # No `years`: no score reads an entry's years, and an entry without an end date
            # would make the facts (their stored row, the inputs hash) change every day.
            embedding=vector_tuple(vectors[i]) if vectors else None,
        )
        for i, entry in enumerate(entries)
    )
    current = experiences[0].title if experiences else ""
    years = profile.years_of_experience
    education_text = [
        " ".join(str(v) for v in e.values() if isinstance(v, str))
        for e in profile.educations or []
        if isinstance(e, dict)
    ]
    return CandidateFacts(
        id=str(profile.pk),
        headline=profile.headline,
        summary=profile.summary,
        skills=frozenset(profile.skills),
        skill_evidence={k: str(v) for k, v in (profile.skill_evidence or {}).items()},
        experiences=experiences,
        extra_text="\n".join(education_text),
        years_of_experience=years,
        seniority=candidate_seniority([profile.headline, current], years),
        city=profile.city,
        country=_country(profile.country),
        remote_preference=profile.remote_preference,
        work_authorization=frozenset(c.upper() for c in profile.work_authorization),
        salary_min=_annual(profile.desired_salary_min, profile.desired_salary_period),
        salary_max=_annual(profile.desired_salary_max, profile.desired_salary_period),
        salary_currency=profile.desired_salary_currency.upper(),
        education_level=education_level(profile.educations or []),
        languages=frozenset(filter(None, (_language(x) for x in profile.languages))),
        embedding=vector_tuple(profile.embedding) if with_embedding else None,
        embedding_model=profile.embedding_model,
    )
