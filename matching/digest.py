"""The inputs hash of a match: what the score was computed from, for the AI-decision log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields

from matching.facts import CandidateFacts, Experience, JobFacts
from matching.lexical import cached


def _plain(value: object) -> object:
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, Experience):
        # The entry's vector is left out like the profile's (see `facts_digest`).
        return {
            f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.name != "embedding"
        }
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def facts_digest(facts: JobFacts | CandidateFacts) -> str:
    """Digest of the facts. Vectors (profile, job, experience entries) are left out: each is a
    function of `embedding_model` and the text it embeds (both hashed), and a ranking pool is
    scored without loading them (the database computes the cosines)."""

    def compute() -> str:
        data = {
            f.name: _plain(getattr(facts, f.name)) for f in fields(facts) if f.name != "embedding"
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()

    return cached(facts, "_digest", compute)


def inputs_hash(
    job: JobFacts, candidate: CandidateFacts, weights: dict[str, float], scorer_version: str
) -> str:
    payload = json.dumps(
        [facts_digest(job), facts_digest(candidate), weights, scorer_version], sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()
