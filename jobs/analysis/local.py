"""Local job analysis: the resumes' skills normalizer and a few patterns for experience."""

from __future__ import annotations

import re

from jobs.analysis.base import JobAnalysisResult, SuggestedSkill
from resumes.skills import find_skills, get_skill

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_N = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_YEARS = r"\s*(?:\+\s*)?(?:years?|yrs?)"
_RANGE_RE = re.compile(_N + r"\s*(?:-|\u2013|to)\s*" + _N + _YEARS, re.IGNORECASE)
_AT_LEAST_RE = re.compile(
    r"(?:at least|minimum(?: of)?|min\.?|over|more than|\b)\s*" + _N + r"(\+)?" + _YEARS
    + r"(?:\s+of)?(?:\s+\w+){0,4}?\s+(?:experience|exp\b)",
    re.IGNORECASE,
)  # fmt: skip
_PLUS_RE = re.compile(_N + r"\s*\+" + _YEARS, re.IGNORECASE)
MAX_YEARS = 40


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


def find_years(text: str) -> tuple[int | None, int | None]:
    """Years of experience asked for: "3-5 years" → (3, 5); "5+ years", "at least 5 years of
    Python experience" → (5, None)."""
    match = _RANGE_RE.search(text)
    if match:
        low, high = sorted((_number(match.group(1)), _number(match.group(2))))
        if high <= MAX_YEARS:
            return low, high
    for pattern in (_PLUS_RE, _AT_LEAST_RE):
        match = pattern.search(text)
        if match and _number(match.group(1)) <= MAX_YEARS:
            return _number(match.group(1)), None
    return None, None


class LocalJobAnalyzer:
    name = "local"

    def analyze(self, *, title: str, description: str) -> JobAnalysisResult:
        seen: dict[str, SuggestedSkill] = {}
        for mention in find_skills(f"{title}\n{description}"):
            skill = get_skill(mention.slug)
            if skill and mention.slug not in seen:
                seen[mention.slug] = SuggestedSkill(
                    slug=mention.slug, name=skill.name, evidence=mention.text
                )
        years_min, years_max = find_years(description)
        return JobAnalysisResult(
            skills=tuple(seen.values()),
            years_min=years_min,
            years_max=years_max,
            backend=self.name,
        )
