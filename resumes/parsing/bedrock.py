"""Resume parsing with a model on Amazon Bedrock (Converse API), answer validated as JSON.

The model gets the resume text and a JSON schema of the answer. A malformed answer (not JSON,
missing fields, wrong types) is asked for once more, then fails permanently; throttling and
service errors raise `ResumeParseTransientError` so the task retries later. Skills are mapped to
the taxonomy by our own normalizer, never trusted from the model.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from config import aws
from resumes.parsing.base import (
    ParsedEducation,
    ParsedExperience,
    ParsedResume,
    ResumeParseError,
    ResumeParseTransientError,
)
from resumes.parsing.dates import merged_years, normalize_date
from resumes.skills import SkillMention, find_skills, normalize_skill

MAX_TEXT_CHARS = 60_000

_DATE = {"type": ["string", "null"], "description": "YYYY-MM or YYYY; null if not printed"}
RESUME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": [
        "name", "email", "phone", "city", "country", "headline", "summary",
        "urls", "skills", "experiences", "educations", "languages",
    ],
    "properties": {
        "name": {"type": "string"},
        "email": {"type": "string"},
        "phone": {"type": "string", "description": "as printed"},
        "city": {"type": "string"},
        "country": {"type": "string"},
        "headline": {"type": "string"},
        "summary": {"type": "string"},
        "urls": {"type": "array", "items": {"type": "string"}, "description": "own site, profiles"},
        "skills": {"type": "array", "items": {"type": "string"}, "description": "as printed"},
        "experiences": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "company", "start", "end", "is_current"],
                "properties": {
                    "title": {"type": "string"},
                    "company": {"type": "string"},
                    "location": {"type": "string"},
                    "start": _DATE,
                    "end": _DATE,
                    "is_current": {"type": "boolean"},
                    "description": {"type": "string"},
                },
            },
        },
        "educations": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["institution", "degree", "field"],
                "properties": {
                    "institution": {"type": "string"},
                    "degree": {"type": "string"},
                    "field": {"type": "string"},
                    "start": _DATE,
                    "end": _DATE,
                },
            },
        },
        "languages": {"type": "array", "items": {"type": "string"}, "description": "spoken"},
    },
}  # fmt: skip

SYSTEM_PROMPT = (
    "You extract structured data from resumes. Answer with one JSON object only, no prose, "
    "matching this JSON schema:\n"
    + json.dumps(RESUME_SCHEMA)
    + "\nUse empty strings or empty lists for what the resume does not show. Copy values as "
    "printed; do not invent. Work entries are paid or research positions only (not projects "
    "or volunteering)."
)


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> str | None:
    return normalize_date(value) if isinstance(value, str) and value.strip() else None


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def _json_object(text: str) -> dict[str, Any]:
    """The JSON object in a model answer (tolerating a Markdown code fence around it)."""
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        raise ValueError("no JSON object in the answer")
    data = json.loads(match.group(0))
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    return data


class BedrockResumeParser:
    engine = "bedrock-1"

    def __init__(
        self,
        *,
        model_id: str,
        region: str | None = None,
        max_tokens: int = 4096,
        client: Any = None,
    ) -> None:
        if not model_id:
            raise ValueError("BedrockResumeParser needs a model_id.")
        self.model_id = model_id
        self.max_tokens = max_tokens
        self.client = client or aws.client("bedrock-runtime", region=region, read_timeout=120)

    def parse(self, text: str) -> ParsedResume:
        if not isinstance(text, str) or not text.strip():
            raise ResumeParseError("The resume has no text to parse.")
        text = text[:MAX_TEXT_CHARS]
        problem = ""
        for _attempt in range(2):
            answer = self._converse(text, problem)
            try:
                return self._to_resume(_json_object(answer), text)
            except (ValueError, TypeError, KeyError) as exc:
                problem = str(exc)
        raise ResumeParseError(f"The model's answer was not valid resume JSON twice ({problem}).")

    def _converse(self, text: str, problem: str) -> str:
        prompt = f"Resume text:\n<resume>\n{text}\n</resume>"
        if problem:
            prompt += (
                f"\nYour previous answer was invalid ({problem}). Answer with the JSON object only."
            )
        try:
            return aws.converse_text(
                self.client,
                model_id=self.model_id,
                system=SYSTEM_PROMPT,
                prompt=prompt,
                max_tokens=self.max_tokens,
            )
        except (ClientError, BotoCoreError) as exc:
            code = aws.error_code(exc)
            if not aws.is_transient(exc):
                raise ResumeParseError(f"Bedrock refused the request ({code}).") from exc
            raise ResumeParseTransientError(
                f"Bedrock is busy or unreachable ({code or exc})."
            ) from exc

    def _to_resume(self, data: dict[str, Any], text: str) -> ParsedResume:
        missing = [key for key in RESUME_SCHEMA["required"] if key not in data]
        if missing:
            raise ValueError(f"missing fields: {', '.join(missing)}")
        experiences = [
            ParsedExperience(
                title=_str(e.get("title")),
                company=_str(e.get("company")),
                location=_str(e.get("location")),
                start=_date(e.get("start")),
                end=_date(e.get("end")),
                is_current=bool(e.get("is_current")),
                description=_str(e.get("description")),
            )
            for e in data["experiences"]
            if isinstance(e, dict)
        ]
        educations = [
            ParsedEducation(
                institution=_str(e.get("institution")),
                degree=_str(e.get("degree")),
                field=_str(e.get("field")),
                start=_date(e.get("start")),
                end=_date(e.get("end")),
            )
            for e in data["educations"]
            if isinstance(e, dict)
        ]
        skills = [s.lower() for s in _str_list(data["skills"])]
        mentions = self._skill_mentions(skills, text)
        today = f"{date.today():%Y-%m}"
        periods = [
            (e.start, today if e.is_current else (e.end or e.start)) for e in experiences if e.start
        ]
        return ParsedResume(
            name=_str(data["name"]),
            email=_str(data["email"]),
            phone=_str(data["phone"]),
            city=_str(data["city"]),
            country=_str(data["country"]),
            headline=_str(data["headline"]),
            summary=_str(data["summary"]),
            urls=_str_list(data["urls"]),
            skills=list(dict.fromkeys(skills)),
            skill_slugs=mentions,
            experiences=experiences,
            educations=educations,
            languages=[lang.lower() for lang in _str_list(data["languages"])],
            years_of_experience=merged_years(periods),
            engine=self.engine,
        )

    @staticmethod
    def _skill_mentions(skills: list[str], text: str) -> list[SkillMention]:
        """Taxonomy skills: the model's list through our normalizer, plus mentions in the text."""
        by_slug = {m.slug: m for m in find_skills(text)}
        for skill in skills:
            slug = normalize_skill(skill)
            if slug and slug not in by_slug:
                line = next((x.strip() for x in text.splitlines() if skill in x.lower()), "")
                by_slug[slug] = SkillMention(slug=slug, text=skill, line=line)
        return list(by_slug.values())
