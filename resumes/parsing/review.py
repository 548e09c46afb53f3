"""Which parsed fields a person should check: those whose parse confidence is low.

Parsers record a confidence in [0, 1] per field (`ParsedResume.confidence`); a field below
`settings.RESUME_REVIEW_CONFIDENCE` (default 0.6) is flagged. The profile API and the portal show
the flags; a field the candidate edited by hand is no longer flagged (a person has checked it).
A parser that records no confidence for a field (the Bedrock one) flags nothing for it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULT_THRESHOLD = 0.6
# Parse field -> the profile fields it fills (the e-mail is the account's, not the profile's).
PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("full_name",),
    "phone": ("phone",),
    "location": ("city", "country"),
    "headline": ("headline",),
    "experiences": ("experiences",),
    "educations": ("educations",),
    "skills": ("skills",),
}


def review_threshold() -> float:
    return float(getattr(settings, "RESUME_REVIEW_CONFIDENCE", DEFAULT_THRESHOLD))


def low_confidence(confidence: dict[str, float], threshold: float | None = None) -> list[str]:
    """Parse fields under the threshold, in the parser's order."""
    limit = review_threshold() if threshold is None else threshold
    return [name for name, value in confidence.items() if value < limit]


def profile_fields_to_review(profile: Any) -> list[str]:
    """Profile fields filled from a low-confidence parse and not edited by the candidate since."""
    resume = profile.source_resume
    confidence = (resume.parsed or {}).get("confidence") or {} if resume else {}
    edited = set(profile.edited_fields or ())
    flagged = [
        field
        for name in low_confidence(confidence)
        for field in PROFILE_FIELDS.get(name, ())
        if field not in edited
    ]
    return list(dict.fromkeys(flagged))
