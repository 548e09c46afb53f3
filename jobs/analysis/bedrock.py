"""Job analysis by a model on Amazon Bedrock (Converse API), output validated as JSON.

The model only proposes: every skill goes through the same taxonomy normalizer as the local
analyzer, and unknown skills are dropped. Clients come from `config.aws.client` so tests can
hand in one wrapped by botocore's Stubber.
"""

from __future__ import annotations

import json
import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from config import aws
from jobs.analysis.base import (
    JobAnalysisError,
    JobAnalysisResult,
    JobAnalysisTransientError,
    SuggestedSkill,
)
from resumes.skills import get_skill, normalize_skill

MAX_DESCRIPTION_CHARS = 20_000
SYSTEM_PROMPT = (
    "You read job postings. Answer with one JSON object and nothing else: "
    '{"skills": [skill names the job asks for], "years_min": integer or null, '
    '"years_max": integer or null}. Skills are technologies, tools, methods or abilities '
    "named in the posting; years are the years of professional experience it asks for."
)
_FENCE_RE = re.compile(r"^```(?:json)?\s*|\s*```$")


def _years(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 50:
        raise JobAnalysisError(f"Years out of range in the model's answer: {value!r}")
    return int(value)


class BedrockJobAnalyzer:
    name = "bedrock"

    def __init__(
        self,
        *,
        model_id: str,
        region: str | None = None,
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        self.model_id = model_id
        self._client = client
        self._region = region
        self._endpoint_url = endpoint_url

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = aws.client(
                "bedrock-runtime", region=self._region, endpoint_url=self._endpoint_url
            )
        return self._client

    def analyze(self, *, title: str, description: str) -> JobAnalysisResult:
        text = f"Title: {title}\n\n{description[:MAX_DESCRIPTION_CHARS]}"
        try:
            answer = aws.converse_text(
                self.client,
                model_id=self.model_id,
                system=SYSTEM_PROMPT,
                prompt=text,
                max_tokens=1000,
            )
        except (ClientError, BotoCoreError) as exc:
            if aws.is_transient(exc):
                raise JobAnalysisTransientError(f"Bedrock: {aws.error_code(exc) or exc}") from exc
            raise JobAnalysisError(f"Bedrock refused the request: {aws.error_code(exc)}") from exc
        return self._read(answer)

    def _read(self, answer: str) -> JobAnalysisResult:
        try:
            data = json.loads(_FENCE_RE.sub("", answer.strip()))
        except (KeyError, TypeError, ValueError) as exc:
            raise JobAnalysisError("The model did not answer with JSON.") from exc
        if not isinstance(data, dict) or not isinstance(data.get("skills", []), list):
            raise JobAnalysisError("The model's answer lacks a skills list.")
        skills: dict[str, SuggestedSkill] = {}
        for raw in data.get("skills", []):
            if not isinstance(raw, str):
                continue
            slug = normalize_skill(raw)
            skill = get_skill(slug) if slug else None
            if skill and slug not in skills:
                skills[slug] = SuggestedSkill(slug=slug, name=skill.name, evidence=raw)
        years_min, years_max = _years(data.get("years_min")), _years(data.get("years_max"))
        if years_min is not None and years_max is not None and years_min > years_max:
            years_min, years_max = years_max, years_min
        return JobAnalysisResult(
            skills=tuple(skills.values()),
            years_min=years_min,
            years_max=years_max,
            backend=f"{self.name}:{self.model_id}",
        )
