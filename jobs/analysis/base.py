"""The job analysis contract: a description in, suggested skills and experience out."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SuggestedSkill:
    slug: str  # taxonomy slug
    name: str
    evidence: str  # the words of the description that named it


@dataclass(frozen=True)
class JobAnalysisResult:
    skills: tuple[SuggestedSkill, ...]
    years_min: int | None
    years_max: int | None
    backend: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class JobAnalysisError(Exception):
    """Permanent: retrying will not help (bad model output, access denied)."""


class JobAnalysisTransientError(Exception):
    """Worth a retry with backoff (throttled, service unavailable)."""


class JobAnalyzer(Protocol):
    def analyze(self, *, title: str, description: str) -> JobAnalysisResult: ...
