"""LLM re-ranker on Amazon Bedrock (Converse API): one verdict per requirement, validated.

The model gets the job's requirements as a numbered list (skills, experience, location,
education, languages: the same facts the deterministic scorer reads) and the candidate's resume
facts without name or contact details. It answers one JSON object; the answer is validated:
every listed requirement must get a verdict from `VERDICTS`, the fit must be a number in
[0, 1], and an evidence quote that does not occur in the resume text is dropped (a quote the
model made up is worse than none). An invalid answer is asked again once with the problem
named, then refused as `RerankError`.

Clients come from `config.aws.client` (the factory every AWS backend uses), and tests hand
in one wrapped by botocore's Stubber.
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from config import aws
from matching.explain import skill_name
from matching.facts import EDUCATION_LEVELS, SENIORITY_LEVELS, CandidateFacts, JobFacts
from matching.rerank.base import (
    VERDICTS,
    PairVerdict,
    RequirementVerdict,
    RerankError,
    TransientRerankError,
)

MAX_DESCRIPTION_CHARS = 6_000
MAX_RESUME_CHARS = 12_000
MAX_FIELD_CHARS = 300
SYSTEM_PROMPT = (
    "You assess how well a candidate's resume meets a job's requirements. Judge only from the "
    "resume text given; never assume. Answer with one JSON object and nothing else:\n"
    '{"fit": number from 0 to 1 (overall fit for the job), "summary": "one sentence", '
    '"requirements": [{"requirement": "the requirement exactly as listed", '
    '"verdict": "met" | "partially_met" | "not_met", "evidence": "a short exact quote from '
    'the resume, or an empty string", "reason": "one short sentence"}]}\n'
    "Give exactly one entry per listed requirement, in the listed order."
)
_EDUCATION_NAMES = {v: k.replace("_", " ") for k, v in EDUCATION_LEVELS.items()}
_SPACE_RE = re.compile(r"\s+")


def requirements_of(job: JobFacts) -> list[str]:
    """The requirements the model judges, in a fixed order (and the keys of its answer)."""
    items = [f"Required skill: {skill_name(s)}" for s in dict.fromkeys(job.required_skills)]
    items += [
        f"Preferred skill: {skill_name(s)}"
        for s in dict.fromkeys(job.preferred_skills)
        if s not in job.required_skills
    ]
    if job.years_min is not None or job.years_max is not None:
        low, high = job.years_min or 0, job.years_max
        items.append(f"Experience: {low}-{high} years" if high else f"Experience: {low}+ years")
    if job.seniority in SENIORITY_LEVELS:
        items.append(f"Seniority: {job.seniority}")
    if job.workplace == "remote":
        where = ", ".join(sorted(job.remote_countries)) or "anywhere"
        items.append(f"Location: remote ({where})")
    elif job.city or job.country:
        items.append(f"Location: {job.workplace} in {job.city or job.country}")
    if job.education_level:
        items.append(f"Education: {_EDUCATION_NAMES.get(job.education_level, 'degree')} or higher")
    if job.languages:
        items.append(f"Languages: {', '.join(sorted(job.languages))}")
    return items


def resume_text(candidate: CandidateFacts) -> str:
    """The candidate as the model sees it: facts and resume lines, no name or contacts."""
    lines = [candidate.headline, candidate.summary]
    if candidate.years_of_experience is not None:
        lines.append(f"Years of experience: {candidate.years_of_experience:g}")
    place = ", ".join(p for p in (candidate.city, candidate.country) if p)
    if place:
        lines.append(f"Location: {place} (prefers {candidate.remote_preference} work)")
    if candidate.skills:
        lines.append("Skills: " + ", ".join(sorted(skill_name(s) for s in candidate.skills)))
    lines += [line for line in candidate.skill_evidence.values() if line]
    for entry in candidate.experiences:
        lines += [entry.text]
    if candidate.extra_text:
        lines.append(candidate.extra_text)
    if candidate.languages:
        lines.append("Languages: " + ", ".join(sorted(candidate.languages)))
    return "\n".join(line for line in lines if line)[:MAX_RESUME_CHARS]


def _squash(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip().casefold()


def _json_object(text: str) -> dict[str, Any]:
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        raise ValueError("no JSON object in the answer")
    data = json.loads(match.group(0))
    if not isinstance(data, dict):
        raise ValueError("the answer is not a JSON object")
    return data


def _text(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return value.strip()[:MAX_FIELD_CHARS]


def parse_verdict(
    answer: str, *, requirements: list[str], resume: str, model_id: str
) -> PairVerdict:
    """Validate the model's answer against the requirements asked; ValueError when invalid."""
    data = _json_object(answer)
    fit = data.get("fit")
    if isinstance(fit, bool) or not isinstance(fit, int | float) or not 0 <= fit <= 1:
        raise ValueError(f"fit must be a number from 0 to 1, not {fit!r}")
    entries = data.get("requirements")
    if not isinstance(entries, list):
        raise ValueError("requirements must be a list")
    given: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("requirement"), str):
            given.setdefault(_squash(entry["requirement"]), entry)
    haystack = _squash(resume)
    verdicts = []
    for requirement in requirements:
        entry = given.get(_squash(requirement))
        if entry is None:
            raise ValueError(f"no verdict for {requirement!r}")
        verdict = entry.get("verdict")
        if verdict not in VERDICTS:
            raise ValueError(f"verdict for {requirement!r} must be one of {VERDICTS}")
        evidence = _text(entry.get("evidence"), "evidence").strip("\"'“”")
        if evidence and _squash(evidence) not in haystack:
            evidence = ""  # not a quote from this resume: drop it rather than show it
        verdicts.append(
            RequirementVerdict(
                requirement=requirement,
                verdict=verdict,
                evidence=evidence,
                reason=_text(entry.get("reason"), "reason"),
            )
        )
    return PairVerdict(
        fit=round(float(fit), 4),
        requirements=tuple(verdicts),
        summary=_text(data.get("summary"), "summary"),
        model_id=model_id,
    )


class BedrockReranker:
    name = "bedrock"

    def __init__(
        self,
        *,
        model_id: str,
        top_n: int = 10,
        region: str | None = None,
        endpoint_url: str | None = None,
        max_tokens: int = 2000,
        client: Any = None,
    ) -> None:
        if not model_id:
            raise ValueError("BedrockReranker needs a model_id.")
        self.model_id = model_id
        self.top_n = int(top_n)
        self.max_tokens = max_tokens
        self._region = region
        self._endpoint_url = endpoint_url
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = aws.client(
                "bedrock-runtime", region=self._region, endpoint_url=self._endpoint_url
            )
        return self._client

    def prompt(self, *, job: JobFacts, candidate: CandidateFacts) -> str:
        numbered = "\n".join(f"{i}. {r}" for i, r in enumerate(requirements_of(job), 1))
        return (
            f"JOB: {job.title}\n{job.description[:MAX_DESCRIPTION_CHARS]}\n\n"
            f"REQUIREMENTS:\n{numbered or '(none listed: judge the fit from the description)'}"
            f"\n\nRESUME:\n{resume_text(candidate)}"
        )

    def judge(self, *, job: JobFacts, candidate: CandidateFacts) -> PairVerdict:
        text = self.prompt(job=job, candidate=candidate)
        requirements, resume = requirements_of(job), resume_text(candidate)
        problem = ""
        for _attempt in range(2):
            message = (
                text if not problem else f"{text}\n\nYour previous answer was invalid: {problem}"
            )
            answer = self._converse(message)
            try:
                return parse_verdict(
                    answer, requirements=requirements, resume=resume, model_id=self.model_id
                )
            except (ValueError, TypeError) as exc:
                problem = str(exc)
        raise RerankError(f"The model's verdict was invalid twice ({problem}).")

    def _converse(self, text: str) -> str:
        try:
            return aws.converse_text(
                self.client,
                model_id=self.model_id,
                system=SYSTEM_PROMPT,
                prompt=text,
                max_tokens=self.max_tokens,
            )
        except (ClientError, BotoCoreError) as exc:
            if aws.is_transient(exc):
                raise TransientRerankError(f"Bedrock: {aws.error_code(exc) or exc}") from exc
            raise RerankError(f"Bedrock refused the request: {aws.error_code(exc)}") from exc
