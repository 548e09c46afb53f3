"""The resume-parsing contract: result dataclasses, the parser protocol and its errors."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from resumes.skills import SkillMention


@dataclass(frozen=True)
class ParsedExperience:
    title: str
    company: str
    location: str
    start: str | None  # "YYYY-MM" or "YYYY"
    end: str | None  # None with is_current, or when the resume gives no end
    is_current: bool
    description: str


@dataclass(frozen=True)
class ParsedEducation:
    institution: str
    degree: str
    field: str
    start: str | None
    end: str | None


@dataclass(frozen=True)
class ParsedResume:
    name: str
    email: str
    phone: str  # as printed
    city: str
    country: str
    headline: str
    summary: str
    urls: list[str]
    skills: list[str]  # as printed, lower-cased
    skill_slugs: list[SkillMention]  # normalized taxonomy skills with their evidence lines
    experiences: list[ParsedExperience]
    educations: list[ParsedEducation]
    languages: list[str]
    years_of_experience: float | None
    engine: str
    phone_e164: str = ""
    region: str = ""
    confidence: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Stored on the resume; `needs_review` lists the fields a person should check, by the
        review threshold in force when the resume was parsed (resumes.parsing.review)."""
        from resumes.parsing.review import low_confidence

        return {**asdict(self), "needs_review": low_confidence(self.confidence)}

    def to_eval_dict(self) -> dict[str, Any]:
        """The truth schema of the parsing evaluation set (`shared/eval/parsing-dev`)."""
        return {
            "name": self.name or None,
            "email": self.email or None,
            "phone": self.phone or None,
            "location": {"city": self.city or None, "country": self.country or None},
            "urls": list(self.urls),
            "work": [
                {
                    "company": e.company or None,
                    "title": e.title or None,
                    "start": e.start,
                    "end": None if e.is_current else e.end,
                }
                for e in self.experiences
            ],
            "education": [
                {
                    "institution": e.institution or None,
                    "degree": e.degree or None,
                    "field": e.field or None,
                    "end": e.end[:4] if e.end else None,
                }
                for e in self.educations
            ],
            "skills": list(self.skills),
            "languages": list(self.languages),
        }


class ResumeParseError(Exception):
    """Permanent failure: the input cannot be parsed (retrying will not help)."""


class ResumeParseTransientError(Exception):
    """Temporary failure (throttling, timeout, service unavailable): worth a retry later."""


class ResumeParser(Protocol):
    def parse(self, text: str) -> ParsedResume: ...
