"""A deliberately simple parser, the yardstick for the real one in `evaluate_parsing`.

Regular expressions for e-mail, phone and links over the whole text, skills by taxonomy lookup,
no sections, no entries: what a weekend script would do.
"""

from __future__ import annotations

import re

from resumes.parsing.base import ParsedResume
from resumes.skills import find_skills

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_RE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")


class RegexBaselineParser:
    engine = "baseline-regex"

    def parse(self, text: str) -> ParsedResume:
        email = _EMAIL_RE.search(text)
        phone = _PHONE_RE.search(text)
        mentions = find_skills(text)
        return ParsedResume(
            name="",
            email=email.group(0) if email else "",
            phone=phone.group(0).strip() if phone else "",
            city="",
            country="",
            headline="",
            summary="",
            urls=list(dict.fromkeys(u.rstrip(".,;)") for u in _URL_RE.findall(text))),
            skills=[m.text.lower() for m in mentions],
            skill_slugs=mentions,
            experiences=[],
            educations=[],
            languages=[],
            years_of_experience=None,
            engine=self.engine,
        )
