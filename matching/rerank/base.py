"""The LLM re-ranker's contract: judge one (job, candidate) pair requirement by requirement.

A verdict is advice stored beside the deterministic score (`Match.llm_verdict`); it never
replaces the components. Backends raise `RerankError` for a permanent failure of one pair (an
answer that is not valid JSON, a refused request) and `TransientRerankError` for one worth a
retry (throttling, timeouts).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from matching.facts import CandidateFacts, JobFacts

VERDICTS = ("met", "partially_met", "not_met")


class RerankError(Exception):
    """The pair could not be judged; retrying will not help."""


class TransientRerankError(RerankError):
    """The service is busy or unreachable; retry later."""


@dataclass(frozen=True)
class RequirementVerdict:
    requirement: str
    verdict: str  # one of VERDICTS
    evidence: str  # a quote from the resume ("" when none, or when the quote was not found)
    reason: str


@dataclass(frozen=True)
class PairVerdict:
    fit: float  # overall fit in [0, 1]
    requirements: tuple[RequirementVerdict, ...]
    summary: str
    model_id: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class Reranker(Protocol):
    model_id: str
    top_n: int

    def judge(self, *, job: JobFacts, candidate: CandidateFacts) -> PairVerdict: ...
