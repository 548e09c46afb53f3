"""Seniority level from a job title or a resume headline, by keywords (English titles)."""

from __future__ import annotations

import re

# Checked in order: the first pattern that matches wins ("Senior Engineering Manager" is lead).
_PATTERNS = [
    ("executive", r"\b(chief|cto|ceo|cio|vp|vice president|head of|director|founder)\b"),
    ("principal", r"\b(principal|staff|distinguished|architect)\b"),
    ("lead", r"\b(lead|manager|team lead|tech lead)\b"),
    ("senior", r"\b(senior|sr\.?|expert)\b"),
    ("intern", r"\b(intern|internship|trainee|student|undergraduate|undergrad)\b"),
    ("junior", r"\b(junior|jr\.?|graduate|entry[- ]level|assistant)\b"),
    ("mid", r"\b(engineer|developer|scientist|analyst|designer|consultant|researcher)\b"),
]


def infer_seniority(title: str) -> str:
    text = title.casefold()
    for level, pattern in _PATTERNS:
        if re.search(pattern, text):
            return level
    return ""


def candidate_seniority(titles: list[str], years: float | None) -> str:
    """The candidate's level: the highest their headline or current title states, else years.

    A generic title ("Web Developer") says "mid" whatever the career length, so years of
    experience lift it: 5+ years reads senior. Students and interns are taken at their word.
    """
    levels = {"intern": 0, "junior": 1, "mid": 2, "senior": 3, "lead": 4, "principal": 5}
    levels["executive"] = 6
    stated = [infer_seniority(t) for t in titles if t]
    stated = [s for s in stated if s]
    best = max(stated, key=levels.__getitem__) if stated else ""
    if best in {"intern", "junior"}:
        return best
    if years is not None and levels.get(best, 2) <= 2:
        if years >= 5:
            return "senior"
        if years < 2:
            return "junior"
        return "mid"
    return best
