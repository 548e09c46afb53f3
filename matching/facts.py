"""What the scorer knows about a job and a candidate: small frozen dataclasses, no ORM.

The scorer is a pure function of these; `matching.adapters` builds them from the models and the
evaluation command builds them from JSON Resume files, so both paths score the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Vector = tuple[float, ...]

# Ordinal levels shared by job seniority and the candidate's inferred seniority.
SENIORITY_LEVELS = {
    "intern": 0,
    "junior": 1,
    "mid": 2,
    "senior": 3,
    "lead": 4,
    "principal": 5,
    "executive": 6,
}
EDUCATION_LEVELS = {
    "none": 0,
    "high_school": 1,
    "associate": 2,
    "bachelor": 3,
    "master": 4,
    "doctorate": 5,
}

_DEGREES = [
    (r"ph\.?\s?d|doctor", "doctorate"),
    (r"master|m\.?sc|m\.?s\b|mba|m\.?eng", "master"),
    (r"bachelor|b\.?sc|b\.?s\b|b\.?a\b|b\.?eng|undergrad", "bachelor"),
    (r"associate", "associate"),
    (r"high school|diploma", "high_school"),
]


def education_level(educations: list[dict[str, Any]]) -> int | None:
    """EDUCATION_LEVELS value of the highest degree named (JSON Resume or parsed profile keys)."""
    best = None
    for edu in educations:
        if not isinstance(edu, dict):
            continue
        kind = edu.get("studyType") or edu.get("degree") or ""
        text = f"{kind} {edu.get('area') or edu.get('field') or ''}".casefold()
        for pattern, level in _DEGREES:
            if re.search(pattern, text):
                value = EDUCATION_LEVELS[level]
                best = value if best is None else max(best, value)
                break
    return best


@dataclass(frozen=True)
class Experience:
    title: str
    company: str = ""
    description: str = ""
    years: float | None = None
    embedding: Vector | None = None

    @property
    def text(self) -> str:
        """The unit embedded for "best experience entry ↔ job"."""
        head = f"{self.title} at {self.company}" if self.company else self.title
        return f"{head}\n{self.description}".strip()


@dataclass(frozen=True)
class CandidateFacts:
    id: str
    headline: str = ""
    summary: str = ""
    skills: frozenset[str] = frozenset()  # taxonomy slugs
    skill_evidence: dict[str, str] = field(default_factory=dict)  # slug -> resume line
    experiences: tuple[Experience, ...] = ()
    extra_text: str = ""  # education, projects, publications...: keyword evidence only
    years_of_experience: float | None = None
    seniority: str = ""  # a key of SENIORITY_LEVELS, or "" when unknown
    city: str = ""
    country: str = ""  # ISO alpha-2 when known
    remote_preference: str = "any"  # onsite / hybrid / remote / any
    work_authorization: frozenset[str] = frozenset()  # ISO alpha-2; empty = unknown
    salary_min: int | None = None  # per year, in salary_currency
    salary_max: int | None = None
    salary_currency: str = ""
    education_level: int | None = None  # EDUCATION_LEVELS value of the highest degree
    languages: frozenset[str] = frozenset()  # ISO 639-1 codes
    embedding: Vector | None = None
    embedding_model: str = ""

    @property
    def profile_text(self) -> str:
        """The unit embedded as the profile vector: who the person is, in a few lines."""
        titles = ", ".join(e.title for e in self.experiences[:5] if e.title)
        parts = [self.headline, self.summary, f"Roles: {titles}" if titles else ""]
        return "\n".join(p for p in parts if p).strip()


@dataclass(frozen=True)
class JobFacts:
    id: str
    title: str
    description: str = ""
    required_skills: tuple[str, ...] = ()
    preferred_skills: tuple[str, ...] = ()
    seniority: str = ""
    years_min: int | None = None
    years_max: int | None = None
    city: str = ""
    country: str = ""
    workplace: str = "onsite"  # onsite / hybrid / remote
    remote_countries: frozenset[str] = frozenset()
    remote_timezones: tuple[str, ...] = ()
    salary_min: int | None = None  # per year, in salary_currency
    salary_max: int | None = None
    salary_currency: str = ""
    education_level: int | None = None  # 0 when nothing is required
    languages: frozenset[str] = frozenset()
    embedding: Vector | None = None
    embedding_model: str = ""

    @property
    def text(self) -> str:
        return f"{self.title}\n{self.description}".strip()
